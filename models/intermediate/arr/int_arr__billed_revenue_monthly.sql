-- The revenue billing's own documents earn in each month, as the ERP would recognize
-- it from them (issue #7, the billing-to-ERP side of the ARR bridge): the yardstick
-- that tells a posting problem from the plain difference between a run-rate and the
-- revenue of a month.
--   - An issued invoice (not draft, not void) earns each line's net amount straight-line
--     by day over the line's service period, end day included; a line without a
--     period (a one-off fee) earns it on the issue date.
--   - Revenue is recognized at a month end, never before the document exists: the
--     share of a service month before the issue month is recognized in the issue month.
--   - A credit note takes its net amount back in its issue month.
--   - A month is recognized at its end: a month whose end is after the as-of date has
--     recognized nothing yet.
-- Each month's share is rounded to cents and the last month takes the remainder.
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}
    where status not in ('draft', 'void')

),

invoice_lines as (

    select * from {{ ref('stg_billing__invoice_lines') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

line_terms as (

    select
        invoice_lines.invoice_line_id,
        invoices.invoice_id as billing_document_id,
        invoices.currency,
        invoice_lines.amount,
        cast({{ dbt.date_trunc('month', 'invoices.issue_date') }} as date) as issue_month,
        coalesce(invoice_lines.period_start, invoices.issue_date) as service_start_date,
        case
            when invoice_lines.period_end >= coalesce(invoice_lines.period_start, invoices.issue_date)
                then invoice_lines.period_end
            else coalesce(invoice_lines.period_start, invoices.issue_date)
        end as service_end_date
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id

),

line_months as (

    select
        line_terms.*,
        month_spine.month as service_month,
        {{ dbt.datediff(
            'line_terms.service_start_date',
            'line_terms.service_end_date', 'day') }} + 1
            as service_days,
        {{ dbt.datediff(
            'greatest(line_terms.service_start_date, month_spine.month)',
            'least(line_terms.service_end_date, month_spine.month_end_date)', 'day') }} + 1
            as days_in_month,
        line_terms.service_end_date <= month_spine.month_end_date as is_last_service_month
    from line_terms
    inner join month_spine
        on line_terms.service_end_date >= month_spine.month
            and line_terms.service_start_date <= month_spine.month_end_date

),

-- the usual straight-line schedule: each month's share rounded to cents, the last
-- month takes what is left, so a line's months add up to its amount
line_shares as (

    select
        line_months.*,
        cast(
            {{ share_in_cents('line_months.amount', 'line_months.days_in_month', 'line_months.service_days') }}
            as {{ type_money() }}
        )
            as rounded_share
    from line_months

),

line_earnings as (

    select
        billing_document_id,
        invoice_line_id,
        currency,
        issue_month,
        service_month,
        case
            when is_last_service_month
                then amount - coalesce(sum(rounded_share) over (
                        partition by invoice_line_id order by service_month
                        rows between unbounded preceding and 1 preceding
                    ), 0)
            else rounded_share
        end as earned_in_month
    from line_shares

),

document_months as (

    -- "never before the document exists": earlier service months move to the issue month
    select
        billing_document_id,
        invoice_line_id as document_line_id,
        currency,
        case when service_month < issue_month then issue_month else service_month end as month, -- noqa: RF04
        earned_in_month as revenue_document
    from line_earnings

    union all

    select
        credit_note_id as billing_document_id,
        credit_note_id as document_line_id,
        currency,
        cast({{ dbt.date_trunc('month', 'issue_date') }} as date) as month, -- noqa: RF04
        -subtotal as revenue_document
    from credit_notes

),

final as (

    select
        document_months.month,
        document_months.billing_document_id,
        document_months.currency,
        sum(document_months.revenue_document) as revenue_document,
        -- the lines earning in the month: rounding is allowed once per line
        count(distinct document_months.document_line_id) as line_count,
        max(fx_rates.rate_to_reporting) as rate_to_reporting,
        -- cents x rate keeps every decimal on both engines (a decimal(38, 2) sum times the
        -- rate would overflow 38 digits, and Spark would cut it to 6 decimals)
        cast(sum(document_months.revenue_document) * 12 as {{ type_money() }}) * max(fx_rates.rate_to_reporting)
            as arr_reporting
    from document_months
    inner join month_spine
        on document_months.month = month_spine.month
    cross join as_of
    inner join fx_rates
        on document_months.month = fx_rates.month
            and document_months.currency = fx_rates.currency
    where month_spine.month_end_date <= as_of.as_of_date
    group by document_months.month, document_months.billing_document_id, document_months.currency

)

select * from final
