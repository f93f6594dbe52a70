-- The ARR bridge (issue #7): for each month, how CRM ARR becomes billing ARR and how
-- billing ARR becomes ERP ARR, step by step. One row per (month, bridge, step): the
-- opening source's ARR, then each reason the two differ (the open exceptions by type,
-- recognition timing, the tolerances), the unexplained rest and the closing source's
-- ARR, so that opening + the steps = closing. Read top to bottom, like a waterfall: a
-- negative step is ARR the closing source lacks, a positive one ARR it has in excess.
with

crm_billing_gaps as (

    select * from {{ ref('int_arr__crm_billing_gaps') }}

),

billing_erp_gaps as (

    select * from {{ ref('int_arr__billing_erp_gaps') }}

),

bridge_steps as (

    select * from {{ ref('arr_bridge_steps') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

gaps as (

    select
        'crm_to_billing' as bridge,
        month,
        gap_kind,
        from_arr,
        to_arr,
        arr_gap,
        explanation
    from crm_billing_gaps

    union all

    select
        'billing_to_erp' as bridge,
        month,
        gap_kind,
        from_arr,
        to_arr,
        arr_gap,
        explanation
    from billing_erp_gaps

),

-- a step moves ARR from the opening source toward the closing one: minus the gap
explained_steps as (

    select
        bridge,
        month,
        explanation as step,
        sum(-arr_gap) as amount,
        count(*) as record_count
    from gaps
    where gap_kind != 'total'
    group by bridge, month, explanation

),

totals as (

    select
        bridge,
        month,
        from_arr,
        to_arr
    from gaps
    where gap_kind = 'total'

),

-- the opening and the closing ARR are two steps like the others
all_steps as (

    select
        explained_steps.bridge,
        explained_steps.month,
        explained_steps.step,
        explained_steps.amount,
        explained_steps.record_count
    from explained_steps

    union all

    select
        totals.bridge,
        totals.month,
        bridge_steps.step,
        case when bridge_steps.step_kind = 'opening' then totals.from_arr else totals.to_arr end as amount,
        cast(null as {{ dbt.type_bigint() }}) as record_count
    from totals
    inner join bridge_steps
        on totals.bridge = bridge_steps.bridge
            and bridge_steps.step_kind in ('opening', 'closing')

),

-- every month shows its opening, closing and unexplained rows, zero or not
required_steps as (

    select
        month_spine.month,
        bridge_steps.bridge,
        bridge_steps.step
    from month_spine
    cross join bridge_steps
    where bridge_steps.step_kind in ('opening', 'closing', 'unexplained')

),

filled_steps as (

    select
        coalesce(all_steps.month, required_steps.month) as month, -- noqa: RF04
        coalesce(all_steps.bridge, required_steps.bridge) as bridge,
        coalesce(all_steps.step, required_steps.step) as step,
        coalesce(all_steps.amount, 0) as amount,
        coalesce(all_steps.record_count, 0) as record_count
    from all_steps
    full outer join required_steps
        on all_steps.month = required_steps.month
            and all_steps.bridge = required_steps.bridge
            and all_steps.step = required_steps.step

),

final as (

    select
        filled_steps.month,
        filled_steps.bridge,
        bridge_steps.step_order,
        filled_steps.step,
        bridge_steps.step_kind,
        cast(filled_steps.amount as {{ type_money() }}) as amount,
        case
            when bridge_steps.step_kind in ('opening', 'closing', 'structural') then null
            else filled_steps.record_count
        end
            as record_count,
        bridge_steps.description
    from filled_steps
    inner join bridge_steps
        on filled_steps.bridge = bridge_steps.bridge
            and filled_steps.step = bridge_steps.step
    where filled_steps.amount != 0
        or bridge_steps.step_kind in ('opening', 'closing', 'unexplained')

)

select * from final
