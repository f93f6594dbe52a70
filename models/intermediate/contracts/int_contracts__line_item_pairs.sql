-- For each matched contract and subscription, each contract line beside the
-- subscription item of the same product whose term it shares, with what the price and
-- quantity exceptions compare. "A contract keeps at most one active line per product,
-- and a subscription at most one active item per product ... Lines and items pair up
-- through reference/product_map" (CONTRACT.md, Records and links). One row per
-- (line, item) pair whose terms overlap, plus one row with empty item columns for a line
-- that no item of its product ever overlaps.
with

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

product_map as (

    select * from {{ ref('stg_reference__product_map') }}

),

matched_lines as (

    -- the CRM product read as its billing product
    select
        matches.crm_contract_id,
        matches.subscription_id,
        matches.match_method,
        matches.contract_currency,
        matches.subscription_currency,
        matches.billing_frequency,
        matches.billing_interval,
        contract_lines.contract_line_id,
        contract_lines.product_code as crm_product_code,
        product_map.billing_product_code,
        contract_lines.quantity as line_quantity,
        contract_lines.net_unit_price,
        contract_lines.start_date as line_start_date,
        contract_lines.end_date as line_end_date
    from matches
    inner join contract_lines
        on matches.crm_contract_id = contract_lines.contract_id
    left join product_map
        on contract_lines.product_code = product_map.crm_product_code

),

paired as (

    -- an item pairs with a line of its product when both are active on a common day
    select
        matched_lines.*,
        subscription_items.subscription_item_id,
        subscription_items.quantity as item_quantity,
        subscription_items.unit_amount,
        subscription_items.start_date as item_start_date,
        subscription_items.end_date as item_end_date
    from matched_lines
    left join subscription_items
        on
            matched_lines.subscription_id = subscription_items.subscription_id
            and matched_lines.billing_product_code = subscription_items.product_code
            and matched_lines.line_end_date >= subscription_items.start_date
            and {{ open_end('subscription_items.end_date') }} >= matched_lines.line_start_date

),

final as (

    -- "Prices compare annualised: unit_amount * periods_per_year against
    -- net_unit_price, each in its own document currency" (CONTRACT.md)
    select
        crm_contract_id,
        subscription_id,
        match_method,
        contract_line_id,
        subscription_item_id,
        crm_product_code,
        billing_product_code,
        line_quantity,
        net_unit_price,
        line_start_date,
        line_end_date,
        item_quantity,
        unit_amount,
        item_start_date,
        item_end_date,
        billing_frequency,
        billing_interval,
        {{ periods_per_year('billing_interval') }} as periods_per_year,
        cast(unit_amount * {{ periods_per_year('billing_interval') }} as {{ type_money() }})
            as annualised_item_price,
        contract_currency,
        subscription_currency,
        -- the days line and item are both active (none when no item pairs)
        case
            when subscription_item_id is not null then greatest(line_start_date, item_start_date)
        end as overlap_start_date,
        case
            when subscription_item_id is not null then least(line_end_date, {{ open_end('item_end_date') }})
        end as overlap_end_date
    from paired

)

select * from final
