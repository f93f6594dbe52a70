-- The contract-level comparison, one row per CRM contract that is not a draft (one per
-- matched subscription when it has one): its annual value, the subscription it is
-- billed on, start, interval and currency side by side, whether a CRM contract renews
-- it and what the subscription invoiced after its end, and the rule of each
-- contract-level type of CONTRACT.md (contract_not_billed, term_mismatch,
-- currency_mismatch, renewal_not_recorded) read from them.
with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}
    where status != 'draft'

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}
    where source_system = 'crm'

),

candidates as (

    select * from {{ ref('int_contracts__subscription_candidates') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

contracts_as_of as (

    -- the day the annual value is read: the as-of date, kept within the contract's term
    -- (its last day once ended, its first day when it starts later)
    select
        contracts.*,
        as_of.as_of_date,
        greatest(contracts.start_date, least(as_of.as_of_date, contracts.end_date)) as valuation_date
    from contracts
    cross join as_of

),

annual_values as (

    -- CRM ARR of the contract (CONTRACT.md: quantity x net_unit_price of active lines)
    select
        contracts_as_of.contract_id,
        sum(contract_lines.quantity * contract_lines.net_unit_price) as annual_value
    from contracts_as_of
    inner join contract_lines
        on contracts_as_of.contract_id = contract_lines.contract_id
    where {{ contract_billing_is_active_on(
        'contract_lines.start_date', 'contract_lines.end_date', 'contracts_as_of.valuation_date') }}
    group by contracts_as_of.contract_id

),

matches as (

    select * from candidates
    where is_accepted

),

rejected_ranked as (

    -- for a contract with no match, the closest candidate it had and why it was refused
    select
        crm_contract_id,
        subscription_id,
        decision_reason,
        count(*) over (partition by crm_contract_id) as rejected_candidate_count,
        row_number() over (partition by crm_contract_id order by start_gap_days, subscription_id) as candidate_rank
    from candidates
    where not is_accepted

),

closest_rejected as (

    select * from rejected_ranked
    where candidate_rank = 1

),

renewals as (

    -- "no CRM contract renews it": a recorded (not draft) contract naming it as renewed
    select
        renewed_from_contract_id,
        min(contract_id) as renewal_contract_id
    from contracts
    where renewed_from_contract_id is not null
    group by renewed_from_contract_id

),

issued_invoices as (

    -- issued: not draft, not void, and issued on or before the as-of date
    select invoices.*
    from invoices
    cross join as_of
    where
        invoices.status not in ('draft', 'void')
        and invoices.issue_date <= as_of.as_of_date
        and invoices.subscription_id is not null

),

invoiced_after_end as (

    -- what the matched subscription invoiced for periods starting after the contract end
    select
        matches.crm_contract_id,
        matches.subscription_id,
        count(*) as invoice_count_after_end,
        min(issued_invoices.period_start) as first_period_start_after_end,
        sum(issued_invoices.subtotal) as invoiced_subtotal_after_end,
        min(issued_invoices.currency) as invoiced_currency_after_end
    from matches
    inner join issued_invoices
        on
            matches.subscription_id = issued_invoices.subscription_id
            and matches.contract_end_date < issued_invoices.period_start
    group by matches.crm_contract_id, matches.subscription_id

),

compared as (

    select
        contracts_as_of.contract_id,
        contracts_as_of.contract_number,
        customers.customer_key,
        contracts_as_of.status,
        contracts_as_of.auto_renew,
        contracts_as_of.start_date,
        contracts_as_of.end_date,
        contracts_as_of.billing_frequency,
        contracts_as_of.currency,
        contracts_as_of.as_of_date,
        contracts_as_of.valuation_date,
        coalesce(annual_values.annual_value, 0) as annual_value,
        {{ dbt.datediff('contracts_as_of.start_date', 'contracts_as_of.as_of_date', 'day') }}
            as days_since_start,
        matches.subscription_id,
        matches.match_method,
        matches.subscription_status,
        matches.subscription_start_date,
        matches.subscription_end_date,
        matches.billing_interval,
        matches.subscription_currency,
        matches.start_gap_days,
        matches.is_currency_equal,
        matches.is_interval_frequency_equal,
        closest_rejected.rejected_candidate_count,
        closest_rejected.subscription_id as closest_rejected_subscription_id,
        closest_rejected.decision_reason as closest_rejected_reason,
        renewals.renewal_contract_id,
        coalesce(invoiced_after_end.invoice_count_after_end, 0) as invoice_count_after_end,
        invoiced_after_end.first_period_start_after_end,
        invoiced_after_end.invoiced_subtotal_after_end,
        invoiced_after_end.invoiced_currency_after_end
    from contracts_as_of
    left join customers
        on contracts_as_of.account_id = customers.source_customer_id
    left join annual_values
        on contracts_as_of.contract_id = annual_values.contract_id
    left join matches
        on contracts_as_of.contract_id = matches.crm_contract_id
    left join closest_rejected
        on contracts_as_of.contract_id = closest_rejected.crm_contract_id
    left join renewals
        on contracts_as_of.contract_id = renewals.renewed_from_contract_id
    left join invoiced_after_end
        on
            matches.crm_contract_id = invoiced_after_end.crm_contract_id
            and matches.subscription_id = invoiced_after_end.subscription_id

),

final as (

    select
        compared.*,
        -- contract_not_billed: "an activated contract that started at least
        -- date_tolerance_days before the as-of date has no billing subscription"
        (
            compared.status = 'activated'
            and compared.days_since_start >= {{ var('date_tolerance_days') }}
            and compared.subscription_id is null
        ) as is_contract_not_billed,
        -- term_mismatch, first half: "subscription start differs from contract start by
        -- more than date_tolerance_days". A renewal carried on by its predecessor's
        -- subscription (renewal_continuation) did not start that subscription: no gap.
        coalesce(
            compared.match_method != 'renewal_continuation'
            and compared.start_gap_days > {{ var('date_tolerance_days') }},
            false
        ) as is_start_gap_beyond_tolerance,
        -- term_mismatch, second half: "the billing interval is not the contract's billing
        -- frequency" (month = monthly, quarter = quarterly, year = annual)
        coalesce(compared.subscription_id is not null and not compared.is_interval_frequency_equal, false)
            as is_interval_mismatch,
        -- currency_mismatch: "subscription currency is not the contract currency"
        coalesce(compared.subscription_id is not null and not compared.is_currency_equal, false)
            as is_currency_mismatch,
        -- renewal_not_recorded: "an auto-renew contract ended before the as-of date, no
        -- CRM contract renews it, and its subscription keeps invoicing periods that start
        -- after the contract end"
        (
            compared.auto_renew
            and compared.end_date < compared.as_of_date
            and compared.renewal_contract_id is null
            and compared.invoice_count_after_end > 0
        ) as is_renewal_not_recorded
    from compared

)

select * from final
