-- Month-over-month ARR movement per customer group and source (CONTRACT.md, ARR):
-- new (from zero, never above zero before), reactivation (from zero, above zero
-- before), expansion, contraction (down, still above zero), churn (to zero). The
-- spine is crossed with each customer's sources from its first month to the as-of
-- month, so a source that drops to zero still gets its churn month. One row per
-- (month, customer, source) with the opening and closing ARR; arr_change is closing
-- minus opening, so opening + movements = closing holds by construction.
with

source_monthly as (

    select * from {{ ref('int_arr__source_monthly') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

customer_sources as (

    select
        customer_key,
        arr_source,
        min(month) as first_month
    from source_monthly
    group by customer_key, arr_source

),

customer_source_months as (

    select
        month_spine.month,
        customer_sources.customer_key,
        customer_sources.arr_source,
        coalesce(source_monthly.arr, 0) as closing_arr
    from customer_sources
    inner join month_spine
        on customer_sources.first_month <= month_spine.month
    left join source_monthly
        on month_spine.month = source_monthly.month
            and customer_sources.customer_key = source_monthly.customer_key
            and customer_sources.arr_source = source_monthly.arr_source

),

with_history as (

    select
        month,
        customer_key,
        arr_source,
        closing_arr,
        coalesce(
            lag(closing_arr) over (partition by customer_key, arr_source order by month), 0
        ) as opening_arr,
        coalesce(
            max(case when closing_arr > 0 then 1 else 0 end) over (
                partition by customer_key, arr_source order by month
                rows between unbounded preceding and 1 preceding
            ), 0
        ) as was_above_zero_before
    from customer_source_months

),

-- "zero" reads as "not above zero": a month of net ERP credits is below zero
classified as (

    select
        month,
        customer_key,
        arr_source,
        opening_arr,
        closing_arr,
        closing_arr - opening_arr as arr_change,
        case
            when closing_arr = opening_arr then null
            when opening_arr <= 0 and closing_arr > 0 and was_above_zero_before = 1
                then 'reactivation'
            when opening_arr <= 0 and closing_arr > 0 then 'new'
            when opening_arr > 0 and closing_arr <= 0 then 'churn'
            when closing_arr > opening_arr then 'expansion'
            else 'contraction'
        end as movement_type
    from with_history

),

final as (

    select
        month,
        customer_key,
        arr_source,
        movement_type,
        opening_arr,
        closing_arr,
        cast(arr_change as {{ type_money() }}) as arr_change
    from classified

)

select * from final
