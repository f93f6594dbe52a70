-- The price and quantity comparison, one row per contract line active on the as-of date
-- of a matched contract: the line beside the subscription item that bills its product
-- on that day (empty item columns when none does), and what price_mismatch and
-- quantity_mismatch read from it. CONTRACT.md: "for lines active on the as-of date";
-- "a contract keeps at most one active line per product, and a subscription at most
-- one active item per product", so an amendment that billing mirrors compares equal.
{#- the line's own columns: selected and grouped by, one list for both -#}
{%- set line_columns = [
    'crm_contract_id', 'contract_number', 'customer_key', 'subscription_id', 'match_method',
    'contract_line_id', 'crm_product_code', 'billing_product_code', 'line_quantity', 'net_unit_price',
    'line_start_date', 'line_end_date', 'contract_currency', 'subscription_currency', 'billing_frequency',
    'billing_interval', 'periods_per_year', 'as_of_date'] %}

with

line_item_pairs as (

    select * from {{ ref('int_contracts__line_item_pairs') }}

),

matches as (

    select * from {{ ref('int_contracts__subscription_candidates') }}
    where is_accepted

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

pairs_dated as (

    -- the pairs of lines active on the as-of date whose subscription has started, with
    -- the last day each item could bill: its own end or its subscription's, if earlier
    select
        line_item_pairs.*,
        matches.customer_key,
        matches.contract_number,
        matches.subscription_start_date,
        as_of.as_of_date,
        least(
            {{ open_end('line_item_pairs.item_end_date') }}, {{ open_end('matches.subscription_end_date') }}
        ) as item_billing_end_date
    from line_item_pairs
    cross join as_of
    inner join matches
        on
            line_item_pairs.crm_contract_id = matches.crm_contract_id
            and line_item_pairs.subscription_id = matches.subscription_id
    where
        {{ contract_billing_is_active_on(
            'line_item_pairs.line_start_date', 'line_item_pairs.line_end_date', 'as_of.as_of_date') }}
        -- a subscription that has not started yet bills nothing on any line: whether it
        -- starts too late is term_mismatch's question (start gap), not a quantity one
        and matches.subscription_start_date <= as_of.as_of_date

),

pairs_on_as_of as (

    -- an item bills on the as-of date while it and its subscription are both active
    select
        pairs_dated.*,
        coalesce(
            pairs_dated.subscription_item_id is not null
            and pairs_dated.item_start_date <= pairs_dated.as_of_date
            and pairs_dated.as_of_date <= pairs_dated.item_billing_end_date,
            false
        ) as is_billing_on_as_of,
        -- the last day an item billed the line's product, when it stopped before the as-of date
        case
            when
                pairs_dated.item_start_date <= pairs_dated.as_of_date
                and pairs_dated.item_billing_end_date < pairs_dated.as_of_date
                then pairs_dated.item_billing_end_date
        end as item_billed_until_date
    from pairs_dated

),

active_lines as (

    select
        {{ line_columns | join(',\n        ') }},
        max(item_billed_until_date) as last_billed_date
    from pairs_on_as_of
    group by
        {{ line_columns | join(',\n        ') }}

),

billing_items_ranked as (

    -- the item billing the product on the as-of date; should billing hold two at once
    -- (against CONTRACT.md), their quantities add up and the latest one gives the price
    select
        contract_line_id,
        subscription_item_id,
        unit_amount,
        annualised_item_price,
        item_start_date,
        sum(item_quantity) over (partition by contract_line_id) as billed_quantity,
        count(*) over (partition by contract_line_id) as billing_item_count,
        row_number() over (
            partition by contract_line_id
            order by item_start_date desc, subscription_item_id asc
        ) as item_rank
    from pairs_on_as_of
    where is_billing_on_as_of

),

billing_items as (

    select * from billing_items_ranked
    where item_rank = 1

),

compared as (

    select
        active_lines.*,
        billing_items.subscription_item_id,
        billing_items.billing_item_count,
        billing_items.billed_quantity,
        billing_items.unit_amount,
        billing_items.annualised_item_price,
        billing_items.item_start_date,
        active_lines.contract_currency = active_lines.subscription_currency as is_currency_equal,
        -- "Prices compare annualised ... each in its own document currency"; the amount
        -- tolerance is allowed once per billing period of the year (CONTRACT.md)
        billing_items.annualised_item_price - active_lines.net_unit_price as annualised_price_gap,
        cast({{ var('amount_tolerance') }} * active_lines.periods_per_year as {{ type_money() }})
            as annualised_price_tolerance,
        coalesce(billing_items.billed_quantity, 0) - active_lines.line_quantity as quantity_gap,
        cast({{ dbt.dateadd('day', 1, 'active_lines.last_billed_date') }} as date) as first_unbilled_date
    from active_lines
    left join billing_items
        on active_lines.contract_line_id = billing_items.contract_line_id

),

final as (

    select
        compared.*,
        coalesce(abs(compared.annualised_price_gap) > compared.annualised_price_tolerance, false)
            as is_price_outside_tolerance,
        -- price_mismatch: the matched subscription bills the line's product at another
        -- annualised unit price; in another currency it is a currency_mismatch only
        coalesce(
            abs(compared.annualised_price_gap) > compared.annualised_price_tolerance
            and compared.is_currency_equal,
            false
        ) as is_price_mismatch,
        -- quantity_mismatch: "in another quantity, or not at all"
        (compared.subscription_item_id is null or compared.quantity_gap != 0) as is_quantity_mismatch,
        -- the first day of the disagreement seen on the as-of date: since line and item
        -- were both active, or since billing of the product stopped (else the line start)
        case
            when compared.subscription_item_id is not null
                then greatest(compared.line_start_date, compared.item_start_date)
            when compared.first_unbilled_date is not null
                then greatest(compared.line_start_date, compared.first_unbilled_date)
            else compared.line_start_date
        end as mismatch_since_date
    from compared

)

select * from final
