-- The CRM-to-billing side of the ARR bridge (issue #7): for each month, every contract
-- and subscription with ARR, paired as the conformed layer matched them, with the gap
-- between the two sources and what explains it. The month's rows add up to CRM ARR
-- minus billing ARR, so the bridge in arr_bridge sums to the gap by construction; what
-- no open exception and no tolerance explains is left "unexplained", never spread.
--
-- Why a pair's gap arises decides which exception explains it first:
--   coverage (only one side has ARR at the month end): a contract never billed, a
--   subscription without contract, a renewal billing goes on with, a term that starts
--   or ends apart;
--   rate (both sides have ARR): a currency, a price, a quantity.
-- When none of those types is open on the pair, a change dated within
-- date_tolerance_days of the month end on either side, or a rate gap within the price
-- tolerance, is "within_tolerance" (CONTRACT.md: differences within the tolerances are
-- rounding, not exceptions); then any other open exception on the pair explains it.
{%- set coverage_order = [
    'contract_not_billed', 'billing_without_contract', 'renewal_not_recorded', 'term_mismatch',
    'quantity_mismatch', 'price_mismatch', 'currency_mismatch'] %}
{%- set rate_order = [
    'currency_mismatch', 'price_mismatch', 'quantity_mismatch', 'term_mismatch', 'renewal_not_recorded',
    'contract_not_billed', 'billing_without_contract'] %}
{%- set primary_count = {'coverage': 4, 'rate': 3} %}
{%- set date_tolerance_days = var('date_tolerance_days') %}

with

crm_lines_monthly as (

    select * from {{ ref('int_arr__crm_lines_monthly') }}

),

billing_items_monthly as (

    select * from {{ ref('int_arr__billing_items_monthly') }}

),

matches as (

    select * from {{ ref('int_contracts__subscription_candidates') }}
    where is_accepted

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

subscription_items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

exceptions as (

    select * from {{ ref('int_exceptions__ranked') }}
    where is_reported and family = 'contract_billing'

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

contract_months as (

    -- a contract's ARR is rounded to cents once, so the rows add up exactly
    select
        crm_lines_monthly.month,
        crm_lines_monthly.crm_contract_id,
        crm_lines_monthly.customer_key,
        {{ money_of_sum('sum(crm_lines_monthly.arr_reporting)') }} as crm_arr,
        -- the price tolerance of a rate gap: amount_tolerance once per billing period of
        -- the year (CONTRACT.md), on every unit the contract holds, in reporting currency
        sum(crm_lines_monthly.quantity * crm_lines_monthly.rate_to_reporting) as quantity_reporting
    from crm_lines_monthly
    group by crm_lines_monthly.month, crm_lines_monthly.crm_contract_id, crm_lines_monthly.customer_key

),

subscription_months as (

    select
        month,
        subscription_id,
        customer_key,
        {{ money_of_sum('sum(arr_reporting)') }} as billing_arr
    from billing_items_monthly
    group by month, subscription_id, customer_key

),

-- each record in its pair (a record the conformed layer did not pair stands alone)
sides as (

    select
        contract_months.month,
        contract_months.crm_contract_id,
        matches.subscription_id,
        contract_months.customer_key,
        contract_months.crm_arr,
        cast(0 as {{ type_money() }}) as billing_arr,
        contract_months.quantity_reporting
    from contract_months
    left join matches
        on contract_months.crm_contract_id = matches.crm_contract_id

    union all

    select
        subscription_months.month,
        matches.crm_contract_id,
        subscription_months.subscription_id,
        subscription_months.customer_key,
        cast(0 as {{ type_money() }}) as crm_arr,
        subscription_months.billing_arr,
        0 as quantity_reporting
    from subscription_months
    left join matches
        on subscription_months.subscription_id = matches.subscription_id

),

pair_months as (

    select
        month,
        crm_contract_id,
        subscription_id,
        min(customer_key) as customer_key,
        sum(crm_arr) as crm_arr,
        sum(billing_arr) as billing_arr,
        sum(quantity_reporting) as quantity_reporting,
        max(case when crm_arr != 0 then 1 else 0 end) as has_crm_arr,
        max(case when billing_arr != 0 then 1 else 0 end) as has_billing_arr
    from sides
    group by month, crm_contract_id, subscription_id

),

gaps as (

    select
        pair_months.month,
        pair_months.crm_contract_id,
        pair_months.subscription_id,
        pair_months.customer_key,
        pair_months.crm_arr,
        pair_months.billing_arr,
        pair_months.crm_arr - pair_months.billing_arr as arr_gap,
        case when pair_months.has_crm_arr = 1 and pair_months.has_billing_arr = 1 then 'rate' else 'coverage' end
            as gap_kind,
        coalesce(
            abs(pair_months.crm_arr - pair_months.billing_arr)
            <= {{ var('amount_tolerance') }}
            * coalesce({{ periods_per_year('matches.billing_interval') }}, 12)
            * pair_months.quantity_reporting,
            false
        ) as is_within_price_tolerance
    from pair_months
    left join matches
        on pair_months.crm_contract_id = matches.crm_contract_id
            and pair_months.subscription_id = matches.subscription_id
    where pair_months.crm_arr != pair_months.billing_arr

),

-- the dates each side of a pair changes on: a term or a line (item) starting, or the
-- day after one ends
change_dates as (

    select
        contract_lines.contract_id as crm_contract_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        contract_lines.start_date as change_date
    from contract_lines

    union all

    select
        contract_lines.contract_id as crm_contract_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        cast({{ dbt.dateadd('day', 1, 'contract_lines.end_date') }} as date) as change_date
    from contract_lines
    where contract_lines.end_date is not null

    union all

    select
        cast(null as {{ dbt.type_string() }}) as crm_contract_id,
        subscription_items.subscription_id,
        subscription_items.start_date as change_date
    from subscription_items

    union all

    select
        cast(null as {{ dbt.type_string() }}) as crm_contract_id,
        subscription_items.subscription_id,
        cast({{ dbt.dateadd('day', 1, 'subscription_items.end_date') }} as date) as change_date
    from subscription_items
    where subscription_items.end_date is not null

    union all

    select
        crm_contract_id,
        subscription_id,
        subscription_start_date as change_date
    from matches

    union all

    select
        crm_contract_id,
        subscription_id,
        cast({{ dbt.dateadd('day', 1, 'subscription_end_date') }} as date) as change_date
    from matches
    where subscription_end_date is not null

),

-- a month end that falls within date_tolerance_days of a change: the two systems may
-- date the same change a few days apart (CONTRACT.md tolerances)
months_near_a_change as (

    select
        month_spine.month,
        change_dates.crm_contract_id,
        change_dates.subscription_id
    from change_dates
    inner join month_spine
        on change_dates.change_date
            between cast({{ dbt.dateadd('day', -date_tolerance_days, 'month_spine.month_end_date') }} as date)
            and cast({{ dbt.dateadd('day', date_tolerance_days + 1, 'month_spine.month_end_date') }} as date)

),

contract_months_near_a_change as (

    select distinct
        month,
        crm_contract_id
    from months_near_a_change
    where crm_contract_id is not null

),

subscription_months_near_a_change as (

    select distinct
        month,
        subscription_id
    from months_near_a_change
    where subscription_id is not null

),

gaps_dated as (

    select
        gaps.*,
        {{ dbt.concat(["coalesce(gaps.crm_contract_id, '-')", "'|'", "coalesce(gaps.subscription_id, '-')"]) }}
            as pair_key,
        (
            near_contract.month is not null or near_subscription.month is not null
        ) as is_near_a_change
    from gaps
    left join contract_months_near_a_change as near_contract
        on gaps.month = near_contract.month
            and gaps.crm_contract_id = near_contract.crm_contract_id
    left join subscription_months_near_a_change as near_subscription
        on gaps.month = near_subscription.month
            and gaps.subscription_id = near_subscription.subscription_id

),

-- the open exceptions each pair carries: on the contract, its lines or its subscription
pair_exceptions as (

    select
        matches.crm_contract_id,
        matches.subscription_id,
        exceptions.exception_type,
        exceptions.exception_id
    from exceptions
    inner join matches
        on exceptions.source_record_id = matches.crm_contract_id
    where exceptions.source_entity = 'contracts'

    union all

    select
        contract_lines.contract_id as crm_contract_id,
        matches.subscription_id,
        exceptions.exception_type,
        exceptions.exception_id
    from exceptions
    inner join contract_lines
        on exceptions.source_record_id = contract_lines.contract_line_id
    left join matches
        on contract_lines.contract_id = matches.crm_contract_id
    where exceptions.source_entity = 'contract_lines'

    union all

    select
        exceptions.source_record_id as crm_contract_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        exceptions.exception_type,
        exceptions.exception_id
    from exceptions
    left join matches
        on exceptions.source_record_id = matches.crm_contract_id
    where exceptions.source_entity = 'contracts' and matches.crm_contract_id is null

    union all

    select
        matches.crm_contract_id,
        exceptions.source_record_id as subscription_id,
        exceptions.exception_type,
        exceptions.exception_id
    from exceptions
    left join matches
        on exceptions.source_record_id = matches.subscription_id
    where exceptions.source_entity = 'subscriptions'

),

pair_exceptions_keyed as (

    select
        {{ dbt.concat(["coalesce(crm_contract_id, '-')", "'|'", "coalesce(subscription_id, '-')"]) }} as pair_key,
        exception_type,
        exception_id
    from pair_exceptions

),

candidate_explanations as (

    select
        gaps_dated.month,
        gaps_dated.pair_key,
        pair_exceptions.exception_type as explanation,
        pair_exceptions.exception_id,
        case
            {%- for kind, order in [('coverage', coverage_order), ('rate', rate_order)] %}
            {%- for exception_type in order %}
            when gaps_dated.gap_kind = '{{ kind }}' and pair_exceptions.exception_type = '{{ exception_type }}'
                then {{ loop.index if loop.index <= primary_count[kind] else loop.index + 1 }}
            {%- endfor %}
            {%- endfor %}
        end as explanation_rank
    from gaps_dated
    inner join pair_exceptions_keyed as pair_exceptions
        on gaps_dated.pair_key = pair_exceptions.pair_key

    union all

    -- the tolerances rank after the types that explain this kind of gap first
    select
        month,
        pair_key,
        'within_tolerance' as explanation,
        cast(null as {{ dbt.type_string() }}) as exception_id,
        case when gap_kind = 'coverage' then {{ primary_count['coverage'] + 1 }}
            else {{ primary_count['rate'] + 1 }}
        end as explanation_rank
    from gaps_dated
    where
        (gap_kind = 'coverage' and crm_contract_id is not null and subscription_id is not null and is_near_a_change)
        or (gap_kind = 'rate' and (is_within_price_tolerance or is_near_a_change))

),

ranked_explanations as (

    select
        candidate_explanations.*,
        row_number() over (
            partition by candidate_explanations.month, candidate_explanations.pair_key
            order by candidate_explanations.explanation_rank, candidate_explanations.exception_id
        ) as explanation_order
    from candidate_explanations

),

explained_pairs as (

    select
        gaps_dated.month,
        gaps_dated.crm_contract_id,
        gaps_dated.subscription_id,
        gaps_dated.customer_key,
        gaps_dated.gap_kind,
        gaps_dated.crm_arr as from_arr,
        gaps_dated.billing_arr as to_arr,
        gaps_dated.arr_gap,
        coalesce(ranked_explanations.explanation, 'unexplained') as explanation,
        ranked_explanations.exception_id
    from gaps_dated
    left join ranked_explanations
        on gaps_dated.month = ranked_explanations.month
            and gaps_dated.pair_key = ranked_explanations.pair_key
            and ranked_explanations.explanation_order = 1

),

-- the month's two totals, summed from the same rounded rows as the gaps
month_totals as (

    select
        month,
        cast(null as {{ dbt.type_string() }}) as crm_contract_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        cast(null as {{ dbt.type_string() }}) as customer_key,
        'total' as gap_kind,
        sum(crm_arr) as from_arr,
        sum(billing_arr) as to_arr,
        sum(crm_arr) - sum(billing_arr) as arr_gap,
        'total' as explanation,
        cast(null as {{ dbt.type_string() }}) as exception_id
    from pair_months
    group by month

),

final as (

    select * from explained_pairs
    union all
    select * from month_totals

)

select * from final
