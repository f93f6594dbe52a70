-- ARR per month and customer group, one column per source (contract/outputs.yml):
-- one row per (month, customer_key) where any source has ARR; a source without ARR
-- that month is 0. month is the first day of the month; ARR is measured at its end.
with

source_monthly as (

    select * from {{ ref('int_arr__source_monthly') }}

),

final as (

    select
        month,
        customer_key,
        cast(sum(case when arr_source = 'crm' then arr else 0 end) as {{ type_money() }}) as crm_arr,
        cast(sum(case when arr_source = 'billing' then arr else 0 end) as {{ type_money() }}) as billing_arr,
        cast(sum(case when arr_source = 'erp' then arr else 0 end) as {{ type_money() }}) as erp_arr
    from source_monthly
    group by month, customer_key

)

select * from final
