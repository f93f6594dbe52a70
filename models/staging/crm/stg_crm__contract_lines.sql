-- CRM contract lines: product, quantity and annual net unit price per contract.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_crm__contract_lines') }}

),

staged as (

    select
        contract_line_id,
        contract_id,
        product_code,
        quantity,
        list_unit_price,
        discount_pct,
        net_unit_price,
        start_date,
        end_date
    from checked
    where _quarantine_reason is null

)

select * from staged
