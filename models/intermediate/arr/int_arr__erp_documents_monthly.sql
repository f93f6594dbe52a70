-- ERP ARR per source AR document and month (CONTRACT.md, ARR): revenue recognized in
-- the month (credit minus debit on revenue GL lines, by posting date) x 12, in the
-- reporting currency at that month end's rate. The customer is the line's
-- erp_customer_id, else the ERP customer of its source AR document (DECISIONLOG);
-- months after the as-of month are outside the spine. One row per (month, document,
-- customer group, currency), the document empty for revenue lines that name none: the
-- ARR bridge follows each document to its billing document, and
-- int_arr__source_monthly sums the rows per customer group.
with

gl_journal_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}
    where account_type = 'revenue'

),

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}
    where source_system = 'erp'

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

revenue_lines as (

    select
        gl_journal_lines.posting_date,
        gl_journal_lines.currency,
        gl_journal_lines.source_document_id as erp_document_id,
        gl_journal_lines.credit - gl_journal_lines.debit as revenue_document,
        coalesce(gl_journal_lines.erp_customer_id, ar_documents.erp_customer_id) as erp_customer_id
    from gl_journal_lines
    left join ar_documents
        on gl_journal_lines.source_document_id = ar_documents.document_id

),

revenue_months as (

    select
        cast({{ dbt.date_trunc('month', 'revenue_lines.posting_date') }} as date) as posting_month,
        revenue_lines.erp_document_id,
        customers.customer_key,
        revenue_lines.currency,
        cast(sum(revenue_lines.revenue_document) as {{ type_money() }}) as revenue_document
    from revenue_lines
    inner join customers
        on revenue_lines.erp_customer_id = customers.source_customer_id
    group by
        {{ dbt.date_trunc('month', 'revenue_lines.posting_date') }},
        revenue_lines.erp_document_id,
        customers.customer_key,
        revenue_lines.currency

),

final as (

    select
        revenue_months.posting_month as month, -- noqa: RF04
        revenue_months.erp_document_id,
        revenue_months.customer_key,
        revenue_months.currency,
        revenue_months.revenue_document,
        fx_rates.rate_to_reporting,
        revenue_months.revenue_document * 12 as arr_document,
        revenue_months.revenue_document * 12 * fx_rates.rate_to_reporting as arr_reporting
    from revenue_months
    inner join month_spine
        on revenue_months.posting_month = month_spine.month
    inner join fx_rates
        on revenue_months.posting_month = fx_rates.month
            and revenue_months.currency = fx_rates.currency

)

select * from final
