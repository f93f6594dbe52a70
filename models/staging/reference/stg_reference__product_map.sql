-- Product map: CRM product code to billing product code and ERP revenue account.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_reference__product_map') }}

),

staged as (

    select
        crm_product_code,
        billing_product_code,
        erp_revenue_account,
        product_family
    from checked
    where _quarantine_reason is null

)

select * from staged
