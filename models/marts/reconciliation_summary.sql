-- The morning's headline figures, one row per metric: exceptions by type and severity
-- with the money at risk, the guardrail of at most one exception per 1,000 invoices,
-- how much of each matching job the engine did alone, unapplied cash, the quarantine
-- and the as-of date. Every figure is recomputed from the marts it summarises (a
-- test holds the exception totals to the sum of reconciliation_exceptions).
with

exceptions as (

    select * from {{ ref('reconciliation_exceptions') }}

),

exception_types as (

    select * from {{ ref('exception_types') }}

),

customer_xref as (

    select * from {{ ref('customer_xref') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_matches as (

    select * from {{ ref('contract_subscription_matches') }}

),

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

invoice_matches as (

    select * from {{ ref('invoice_matches') }}

),

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

quarantine as (

    select * from {{ ref('quarantine_rows') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_as_of') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

severities as (

    select 'high' as severity
    union all
    select 'medium' as severity
    union all
    select 'low' as severity

),

by_type as (

    -- every type of the catalogue, at zero when nothing was raised
    select
        exception_types.exception_type,
        exception_types.precedence,
        count(exceptions.exception_id) as exception_count,
        coalesce(sum(exceptions.amount_reporting), 0) as amount_reporting
    from exception_types
    left join exceptions
        on exception_types.exception_type = exceptions.exception_type
    group by exception_types.exception_type, exception_types.precedence

),

by_severity as (

    select
        severities.severity,
        count(exceptions.exception_id) as exception_count,
        coalesce(sum(exceptions.amount_reporting), 0) as amount_reporting
    from severities
    left join exceptions
        on severities.severity = exceptions.severity
    group by severities.severity

),

issued_billing_documents as (

    select
        count(*) as document_count,
        sum(case when billing_document_type = 'invoice' then 1 else 0 end) as invoice_count
    from billing_documents
    where is_issued

),

matched_pairs as (

    select distinct
        billing_document_type,
        billing_document_id
    from invoice_matches

),

matched_billing_documents as (

    select count(*) as document_count
    from billing_documents
    inner join matched_pairs
        on
            billing_documents.billing_document_type = matched_pairs.billing_document_type
            and billing_documents.billing_document_id = matched_pairs.billing_document_id
    where billing_documents.is_issued

),

matched_contracts as (

    select distinct crm_contract_id from contract_matches

),

activated_contracts as (

    select
        count(*) as contract_count,
        count(matched_contracts.crm_contract_id) as matched_count
    from contracts
    left join matched_contracts
        on contracts.contract_id = matched_contracts.crm_contract_id
    where contracts.status = 'activated'

),

exception_total as (

    select sum(exception_count) as exception_count
    from by_type

),

receipts as (

    select
        count(*) as receipt_count,
        sum(case when receipt_balances.unexplained_amount <= {{ var('amount_tolerance') }} then 1 else 0 end)
            as explained_count,
        sum({{ unapplied_cash_reporting('receipt_balances', 'fx_rates') }}) as unapplied_reporting
    from receipt_balances
    left join fx_rates
        on receipt_balances.currency = fx_rates.currency

),

metrics as (

    select
        'as_of_date' as metric,
        'run' as metric_group,
        'yyyymmdd' as unit,
        cast(
            {{ dbt.concat([
            "cast(extract(year from as_of_date) as " ~ dbt.type_string() ~ ")",
            "lpad(cast(extract(month from as_of_date) as " ~ dbt.type_string() ~ "), 2, '0')",
            "lpad(cast(extract(day from as_of_date) as " ~ dbt.type_string() ~ "), 2, '0')"]) }}
            as {{ type_ratio() }}
        ) as metric_value
    from as_of

    union all

    -- each exception figure in total, then by type and by severity: counts and money
    {%- for figure, column, unit in [
        ('exceptions', 'exception_count', 'count'),
        ('amount_at_risk_reporting', 'amount_reporting', 'reporting currency')] %}
    {%- for breakdown, relation, key in [
        (none, 'by_type', none), ('type', 'by_type', 'exception_type'), ('severity', 'by_severity', 'severity')] %}
    select
        {%- if breakdown %}
        {{ dbt.concat(["'" ~ figure ~ "." ~ breakdown ~ ".'", key]) }} as metric,
        {%- else %}
        '{{ figure }}' as metric,
        {%- endif %}
        'exceptions' as metric_group,
        '{{ unit }}' as unit,
        cast({{ 'sum(' ~ column ~ ')' if not breakdown else column }} as {{ type_ratio() }}) as metric_value
    from {{ relation }}

    union all

    {% endfor %}
    {%- endfor %}
    select
        'issued_invoices' as metric,
        'volume' as metric_group,
        'count' as unit,
        cast(invoice_count as {{ type_ratio() }}) as metric_value
    from issued_billing_documents

    union all

    -- the guardrail: at most one reconciliation discrepancy per thousand invoices
    select
        'exceptions_per_1000_invoices' as metric,
        'exceptions' as metric_group,
        'ratio' as unit,
        cast(
            case when issued_billing_documents.invoice_count > 0
                    then 1000.0 * exception_total.exception_count / issued_billing_documents.invoice_count
            end as {{ type_ratio() }}
        ) as metric_value
    from issued_billing_documents
    cross join exception_total

    union all

    -- share of source customer records a rule tied to their customer group
    select
        'auto_match_rate.customers' as metric,
        'matching' as metric_group,
        'ratio' as unit,
        cast(
            1.0 * sum(case when match_method != 'singleton' then 1 else 0 end) / nullif(count(*), 0)
            as {{ type_ratio() }}
        ) as metric_value
    from customer_xref

    union all

    -- share of activated CRM contracts matched to a billing subscription
    select
        'auto_match_rate.contracts' as metric,
        'matching' as metric_group,
        'ratio' as unit,
        cast(1.0 * matched_count / nullif(contract_count, 0) as {{ type_ratio() }}) as metric_value
    from activated_contracts

    union all

    -- share of issued invoices and credit notes matched to an ERP document
    select
        'auto_match_rate.invoices' as metric,
        'matching' as metric_group,
        'ratio' as unit,
        cast(
            1.0 * matched_billing_documents.document_count / nullif(issued_billing_documents.document_count, 0)
            as {{ type_ratio() }}
        ) as metric_value
    from matched_billing_documents
    cross join issued_billing_documents

    union all

    -- share of cash receipts fully explained by ERP lettering and the engine's sure matches
    select
        'auto_match_rate.cash' as metric,
        'matching' as metric_group,
        'ratio' as unit,
        cast(1.0 * explained_count / nullif(receipt_count, 0) as {{ type_ratio() }}) as metric_value
    from receipts

    union all

    select
        'unapplied_cash_reporting' as metric,
        'cash' as metric_group,
        'reporting currency' as unit,
        cast(coalesce(unapplied_reporting, 0) as {{ type_ratio() }}) as metric_value
    from receipts

    union all

    select
        'quarantined_rows' as metric,
        'quarantine' as metric_group,
        'count' as unit,
        cast(count(*) as {{ type_ratio() }}) as metric_value
    from quarantine

),

final as (

    select
        metric,
        -- noqa: disable=RF04
        cast(metric_value as {{ type_ratio() }}) as value,
        -- noqa: enable=RF04
        metric_group,
        unit
    from metrics

)

select * from final
