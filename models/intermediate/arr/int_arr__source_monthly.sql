-- ARR per month, customer group and source (crm, billing, erp) in the reporting
-- currency, one row where the source has ARR that month (issue #7).
with

crm_monthly as (

    select * from {{ ref('int_arr__crm_monthly') }}

),

billing_monthly as (

    select * from {{ ref('int_arr__billing_monthly') }}

),

erp_monthly as (

    select * from {{ ref('int_arr__erp_monthly') }}

),

unioned as (

    select
        month,
        customer_key,
        arr_source,
        arr
    from crm_monthly
    union all
    select
        month,
        customer_key,
        arr_source,
        arr
    from billing_monthly
    union all
    select
        month,
        customer_key,
        arr_source,
        arr
    from erp_monthly

),

final as (

    select * from unioned
    where arr != 0

)

select * from final
