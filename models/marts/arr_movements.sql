-- ARR movements per month, customer group and source (contract/outputs.yml): one row
-- per (month, customer_key, arr_source) with a non-zero movement.
with

movements as (

    select * from {{ ref('int_arr__movements_classified') }}

),

final as (

    select
        month,
        customer_key,
        arr_source,
        movement_type,
        arr_change
    from movements
    where movement_type is not null

)

select * from final
