-- Conservation of ARR (issue #7): for every month of the spine, customer group and
-- source, last month's closing ARR plus this month's movements is this month's closing
-- ARR, read from the two marts. A churn row missing after a drop to zero, or a
-- movement outside the spine, fails here.
with

arr_by_customer_month as (

    select * from {{ ref('arr_by_customer_month') }}

),

arr_movements as (

    select * from {{ ref('arr_movements') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

closing as (

    select
        month,
        customer_key,
        'crm' as arr_source,
        crm_arr as arr
    from arr_by_customer_month
    union all
    select
        month,
        customer_key,
        'billing' as arr_source,
        billing_arr as arr
    from arr_by_customer_month
    union all
    select
        month,
        customer_key,
        'erp' as arr_source,
        erp_arr as arr
    from arr_by_customer_month

),

customer_sources as (

    select
        customer_key,
        arr_source
    from closing
    union
    select
        customer_key,
        arr_source
    from arr_movements

),

balances as (

    select
        month_spine.month,
        customer_sources.customer_key,
        customer_sources.arr_source,
        coalesce(closing.arr, 0) as closing_arr,
        coalesce(lag(closing.arr) over (
            partition by customer_sources.customer_key, customer_sources.arr_source
            order by month_spine.month
        ), 0) as opening_arr
    from customer_sources
    cross join month_spine
    left join closing
        on month_spine.month = closing.month
            and customer_sources.customer_key = closing.customer_key
            and customer_sources.arr_source = closing.arr_source

),

moved as (

    select
        month,
        customer_key,
        arr_source,
        sum(arr_change) as arr_change
    from arr_movements
    group by month, customer_key, arr_source

),

unbalanced as (

    select
        balances.month,
        balances.customer_key,
        balances.arr_source,
        balances.opening_arr,
        coalesce(moved.arr_change, 0) as arr_change,
        balances.closing_arr
    from balances
    left join moved
        on balances.month = moved.month
            and balances.customer_key = moved.customer_key
            and balances.arr_source = moved.arr_source
    where balances.opening_arr + coalesce(moved.arr_change, 0) != balances.closing_arr

),

outside_spine as (

    select
        arr_movements.month,
        arr_movements.customer_key,
        arr_movements.arr_source,
        null as opening_arr,
        arr_movements.arr_change,
        null as closing_arr
    from arr_movements
    left join month_spine
        on arr_movements.month = month_spine.month
    where month_spine.month is null

)

select * from unbalanced
union all
select * from outside_spine
