-- The ARR bridge adds up (issue #7): for every month and bridge, the opening ARR plus
-- every step is the closing ARR, to the cent; every month of the spine has both
-- bridges; and the opening and closing ARR stay within a cent per customer group of
-- the totals of arr_by_customer_month (the bridge rounds per contract, subscription and
-- document, the mart per customer group).
with

arr_bridge as (

    select * from {{ ref('arr_bridge') }}

),

arr_by_customer_month as (

    select * from {{ ref('arr_by_customer_month') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

bridges as (

    select
        month,
        bridge,
        sum(case when step_kind = 'opening' then amount else 0 end) as opening_arr,
        sum(case when step_kind not in ('opening', 'closing') then amount else 0 end) as steps_arr,
        sum(case when step_kind = 'closing' then amount else 0 end) as closing_arr,
        sum(case when step_kind = 'opening' then 1 else 0 end) as opening_rows,
        sum(case when step_kind = 'closing' then 1 else 0 end) as closing_rows
    from arr_bridge
    group by month, bridge

),

source_totals as (

    select
        month,
        sum(crm_arr) as crm_arr,
        sum(billing_arr) as billing_arr,
        sum(erp_arr) as erp_arr,
        count(*) as customer_rows
    from arr_by_customer_month
    group by month

),

bridge_names as (

    select 'crm_to_billing' as bridge
    union all
    select 'billing_to_erp' as bridge

),

expected_bridges as (

    select
        month_spine.month,
        bridge_names.bridge
    from month_spine
    cross join bridge_names

),

failures as (

    select
        expected_bridges.month,
        expected_bridges.bridge,
        case
            when bridges.month is null then 'bridge missing for the month'
            when bridges.opening_rows != 1 or bridges.closing_rows != 1 then 'not one opening and one closing row'
            when bridges.opening_arr + bridges.steps_arr != bridges.closing_arr
                then 'opening + steps != closing'
            when abs(
                    bridges.opening_arr
                    - case when expected_bridges.bridge = 'crm_to_billing'
                            then coalesce(source_totals.crm_arr, 0)
                        else coalesce(source_totals.billing_arr, 0)
                    end
                ) > 0.01 * coalesce(source_totals.customer_rows, 1)
                then 'opening differs from arr_by_customer_month'
            when abs(
                    bridges.closing_arr
                    - case when expected_bridges.bridge = 'crm_to_billing'
                            then coalesce(source_totals.billing_arr, 0)
                        else coalesce(source_totals.erp_arr, 0)
                    end
                ) > 0.01 * coalesce(source_totals.customer_rows, 1)
                then 'closing differs from arr_by_customer_month'
        end as failure
    from expected_bridges
    left join bridges
        on expected_bridges.month = bridges.month
            and expected_bridges.bridge = bridges.bridge
    left join source_totals
        on expected_bridges.month = source_totals.month

)

select * from failures
where failure is not null
