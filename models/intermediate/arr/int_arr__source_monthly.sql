-- ARR per month, customer group and source (crm, billing, erp) in the reporting
-- currency, one row where the source has ARR that month (issue #7). Each source's
-- record-level rows are summed per customer group and month, converted amounts
-- unrounded, and the sum is rounded once to cents.
with

crm_lines_monthly as (

    select * from {{ ref('int_arr__crm_lines_monthly') }}

),

billing_items_monthly as (

    select * from {{ ref('int_arr__billing_items_monthly') }}

),

erp_documents_monthly as (

    select * from {{ ref('int_arr__erp_documents_monthly') }}

),

unioned as (

    select
        month,
        customer_key,
        'crm' as arr_source,
        arr_reporting
    from crm_lines_monthly
    union all
    select
        month,
        customer_key,
        'billing' as arr_source,
        arr_reporting
    from billing_items_monthly
    union all
    select
        month,
        customer_key,
        'erp' as arr_source,
        arr_reporting
    from erp_documents_monthly

),

summed as (

    select
        month,
        customer_key,
        arr_source,
        {{ money_of_sum('sum(arr_reporting)') }} as arr
    from unioned
    group by month, customer_key, arr_source

),

-- a source whose month nets to zero (an ERP credit cancelling the month's revenue)
-- has no ARR that month
final as (

    select * from summed
    where arr != 0

)

select * from final
