-- The day the reconciliation is made as of, one row. The dbt var `as_of_date` when
-- set; else the latest business date in the data: invoice issue, AR posting or
-- receipt value date (CONTRACT.md, "How a run is pointed at data"). Every aging,
-- grace period and "active on" test reads it from here, so one run has one date.
{%- set as_of = var('as_of_date') %}

with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

cash_receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

business_dates as (

    select max(issue_date) as business_date from invoices
    union all
    select max(posting_date) as business_date from ar_documents
    union all
    select max(value_date) as business_date from cash_receipts

),

chosen as (

    {%- if as_of %}
    select cast('{{ as_of }}' as date) as as_of_date
    {%- else %}
    select max(business_date) as as_of_date
    from business_dates
    {%- endif %}

),

final as (

    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month
    from chosen

)

select * from final
