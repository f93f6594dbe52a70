-- The contract_billing family of reconciliation exceptions (CONTRACT.md, the first seven
-- types of the vocabulary), in the family shape of _exceptions__models.yml. Each rule
-- is read in one of the three checks models; this model turns each flagged row into an
-- exception with its amount, the date it ages from and a sentence with the figures.
-- Types on the same record are ranked in int_exceptions__ranked; the one precedence that
-- crosses records (a currency_mismatch contract's lines are not also price_mismatch) is
-- applied in int_exceptions__contract_billing_line_checks.
{%- set tolerance_days = var('date_tolerance_days') %}
with

contract_checks as (

    select * from {{ ref('int_exceptions__contract_billing_contract_checks') }}

),

subscription_checks as (

    select * from {{ ref('int_exceptions__contract_billing_subscription_checks') }}

),

line_checks as (

    select * from {{ ref('int_exceptions__contract_billing_line_checks') }}

),

contract_not_billed as (

    -- amount: the contract's annual value (lines active on the as-of date, or on its last
    -- day once ended); ages from the contract start
    select
        'contract_not_billed' as exception_type,
        'crm' as source_system,
        'contracts' as source_entity,
        contract_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        customer_key,
        currency,
        cast(annual_value as {{ type_money() }}) as amount,
        start_date as event_date,
        {{ dbt.concat([
            "'Activated contract '", 'contract_id', "' ('", 'contract_number', "') started '",
            contract_billing_text('start_date'), "', '", contract_billing_text('days_since_start'),
            "' days before the as-of date, with an annual value of '",
            contract_billing_money_text('annual_value', 'currency'),
            "', and has no billing subscription'",
            "case when closest_rejected_subscription_id is not null then "
            ~ dbt.concat(["'; its closest candidate '", 'closest_rejected_subscription_id',
                "' was not matched ('", 'closest_rejected_reason', "')'"])
            ~ " else '' end",
            "'.'"]) }} as explanation
    from contract_checks
    where is_contract_not_billed

),

billing_without_contract as (

    -- amount: what the subscription has invoiced so far, net of tax; ages from its first
    -- issued invoice
    select
        'billing_without_contract' as exception_type,
        'billing' as source_system,
        'subscriptions' as source_entity,
        subscription_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        customer_key,
        currency,
        cast(issued_subtotal as {{ type_money() }}) as amount,
        first_issue_date as event_date,
        {{ dbt.concat([
            "'Subscription '", 'subscription_id', "' ('", 'status', "', billed every '", 'billing_interval',
            "') has issued '", contract_billing_text('issued_invoice_count'), "' invoice(s) since '",
            contract_billing_text('first_issue_date'), "' for '",
            contract_billing_money_text('issued_subtotal', 'currency'),
            "' net, and no CRM contract'",
            "case"
            ~ " when linked_crm_contract_id is not null and linked_crm_contract_id = closest_rejected_contract_id then "
            ~ dbt.concat(["'; the contract it names, '", 'linked_crm_contract_id', "', was not followed ('",
                'closest_rejected_reason', "')'"])
            ~ " when linked_crm_contract_id is not null then "
            ~ dbt.concat(["'; the contract it names, '", 'linked_crm_contract_id', "', is not in the CRM'"])
            ~ " when closest_rejected_contract_id is not null then "
            ~ dbt.concat(["'; its closest candidate contract '", 'closest_rejected_contract_id',
                "' was not matched ('", 'closest_rejected_reason', "')'"])
            ~ " else '' end",
            "'.'"]) }} as explanation
    from subscription_checks
    where is_billing_without_contract

),

price_mismatch as (

    -- amount: the annualised unit price gap x the line quantity (contract currency);
    -- ages from the first day line and billing item were both active
    select
        'price_mismatch' as exception_type,
        'crm' as source_system,
        'contract_lines' as source_entity,
        contract_line_id as source_record_id,
        subscription_id as related_record_id,
        customer_key,
        contract_currency as currency,
        cast(abs(annualised_price_gap) * line_quantity as {{ type_money() }}) as amount,
        mismatch_since_date as event_date,
        {{ dbt.concat([
            "'Line '", 'contract_line_id', "' of contract '", 'crm_contract_id', "' ('", 'crm_product_code',
            "', quantity '", contract_billing_quantity_text('line_quantity'), "', net unit price '",
            contract_billing_money_text('net_unit_price', 'contract_currency'),
            "' a year) is billed by item '", 'subscription_item_id', "' of '", 'subscription_id', "' at '",
            contract_billing_money_text('unit_amount', 'subscription_currency'), "' per '", 'billing_interval',
            "case when billing_interval != 'year' then "
            ~ dbt.concat(["', '", contract_billing_money_text('annualised_item_price', 'subscription_currency'),
                "' a year'"])
            ~ " else '' end",
            "': '", contract_billing_money_text('abs(annualised_price_gap)', 'contract_currency'),
            "case when annualised_price_gap > 0 then ' above' else ' below' end",
            "' the net unit price, beyond the tolerance of '",
            contract_billing_money_text('annualised_price_tolerance', 'contract_currency'),
            "'.'"]) }} as explanation
    from line_checks
    where is_price_mismatch

),

quantity_mismatch as (

    -- amount: the quantity gap (the whole line when not billed) x net_unit_price
    -- (contract currency); ages from the first day of the disagreement
    select
        'quantity_mismatch' as exception_type,
        'crm' as source_system,
        'contract_lines' as source_entity,
        contract_line_id as source_record_id,
        subscription_id as related_record_id,
        customer_key,
        contract_currency as currency,
        cast(abs(quantity_gap) * net_unit_price as {{ type_money() }}) as amount,
        mismatch_since_date as event_date,
        {{ dbt.concat([
            "'Line '", 'contract_line_id', "' of contract '", 'crm_contract_id', "' ('", 'crm_product_code',
            "', quantity '", contract_billing_quantity_text('line_quantity'), "', net unit price '",
            contract_billing_money_text('net_unit_price', 'contract_currency'), "' a year) '",
            "case"
            ~ " when subscription_item_id is not null then "
            ~ dbt.concat(["'is billed by item '", 'subscription_item_id', "' of '", 'subscription_id',
                "' for quantity '", contract_billing_quantity_text('billed_quantity'), "' on '",
                contract_billing_text('as_of_date'), "': '", contract_billing_quantity_text('abs(quantity_gap)'),
                "case when quantity_gap > 0 then ' more' else ' fewer' end", "' than the contract'"])
            ~ " when billing_product_code is null then "
            ~ dbt.concat(["'is not billed by '", 'subscription_id', "' on '", contract_billing_text('as_of_date'),
                "': CRM product '", 'crm_product_code', "' has no billing product in reference/product_map'"])
            ~ " else "
            ~ dbt.concat(["'is not billed by '", 'subscription_id', "' on '", contract_billing_text('as_of_date'),
                "': no item of billing product '", 'billing_product_code', "' is active'"])
            ~ " end",
            "case when subscription_item_id is null and last_billed_date is not null then "
            ~ dbt.concat(["' (billed until '", contract_billing_text('last_billed_date'), "')'"])
            ~ " else '' end",
            "'.'"]) }} as explanation
    from line_checks
    where is_quantity_mismatch

),

term_mismatch as (

    -- amount: the annual value x the start gap in days / 365 (the days billed early or
    -- late); 0 for an interval alone, which moves cash timing, not the annual amount
    select
        'term_mismatch' as exception_type,
        'crm' as source_system,
        'contracts' as source_entity,
        contract_id as source_record_id,
        subscription_id as related_record_id,
        customer_key,
        currency,
        cast(
            case
                when is_start_gap_beyond_tolerance then annual_value * start_gap_days / 365
                else 0
            end as {{ type_money() }}
        ) as amount,
        start_date as event_date,
        {{ dbt.concat([
            "'Contract '", 'contract_id', "' ('", 'contract_number', "') starts '", contract_billing_text('start_date'),
            "', billed '", 'billing_frequency', "'; its subscription '", 'subscription_id', "' starts '",
            contract_billing_text('subscription_start_date'), "', billed every '", 'billing_interval', "': '",
            "case"
            ~ " when is_start_gap_beyond_tolerance and is_interval_mismatch then "
            ~ dbt.concat(["'the starts are '", contract_billing_text('start_gap_days'),
                "' days apart (tolerance " ~ tolerance_days ~ ") and the interval is not the billing frequency'"])
            ~ " when is_start_gap_beyond_tolerance then "
            ~ dbt.concat(["'the starts are '", contract_billing_text('start_gap_days'),
                "' days apart (tolerance " ~ tolerance_days ~ ")'"])
            ~ " else 'the interval is not the billing frequency' end",
            "'.'"]) }} as explanation
    from contract_checks
    where is_start_gap_beyond_tolerance or is_interval_mismatch

),

currency_mismatch as (

    -- amount: the contract's annual value, all of it billed in the wrong currency;
    -- ages from the contract start
    select
        'currency_mismatch' as exception_type,
        'crm' as source_system,
        'contracts' as source_entity,
        contract_id as source_record_id,
        subscription_id as related_record_id,
        customer_key,
        currency,
        cast(annual_value as {{ type_money() }}) as amount,
        start_date as event_date,
        {{ dbt.concat([
            "'Contract '", 'contract_id', "' ('", 'contract_number', "') is in '", 'currency',
            "' (annual value '", contract_billing_money_text('annual_value', 'currency'),
            "'); its subscription '", 'subscription_id', "' bills in '", 'subscription_currency', "'.'"]) }}
            as explanation
    from contract_checks
    where is_currency_mismatch

),

renewal_not_recorded as (

    -- amount: what the subscription invoiced, net of tax, for periods after the contract
    -- end; ages from the contract end
    select
        'renewal_not_recorded' as exception_type,
        'crm' as source_system,
        'contracts' as source_entity,
        contract_id as source_record_id,
        subscription_id as related_record_id,
        customer_key,
        invoiced_currency_after_end as currency,
        cast(invoiced_subtotal_after_end as {{ type_money() }}) as amount,
        end_date as event_date,
        {{ dbt.concat([
            "'Auto-renew contract '", 'contract_id', "' ('", 'contract_number', "') ended '",
            contract_billing_text('end_date'), "' and no CRM contract renews it, yet its subscription '",
            'subscription_id', "' has issued '", contract_billing_text('invoice_count_after_end'),
            "' invoice(s) for periods from '", contract_billing_text('first_period_start_after_end'),
            "' on, '", contract_billing_money_text('invoiced_subtotal_after_end', 'invoiced_currency_after_end'),
            "' net.'"]) }} as explanation
    from contract_checks
    where is_renewal_not_recorded

),

final as (

    select * from contract_not_billed
    union all
    select * from billing_without_contract
    union all
    select * from price_mismatch
    union all
    select * from quantity_mismatch
    union all
    select * from term_mismatch
    union all
    select * from currency_mismatch
    union all
    select * from renewal_not_recorded

)

select * from final
