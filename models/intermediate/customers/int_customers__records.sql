-- Every source customer record of the three systems, with the normalised values the
-- matching rules compare: tax id, legal name, country, the explicit CRM link and the
-- CRM account's parent account.
with

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

billing_customers as (

    select * from {{ ref('stg_billing__customers') }}

),

erp_customers as (

    select * from {{ ref('stg_erp__customers') }}

),

records as (

    -- sales knows the company by its legal name; the commercial name is a fallback
    select
        'crm' as source_system,
        account_id as source_customer_id,
        coalesce(legal_name, account_name) as customer_name,
        account_name as alternate_name,
        tax_id,
        upper(billing_country) as country,
        cast(null as {{ dbt.type_string() }}) as erp_entity,
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        parent_account_id,
        is_deleted,
        created_at
    from crm_accounts

    union all

    select
        'billing' as source_system,
        customer_id as source_customer_id,
        name as customer_name,
        cast(null as {{ dbt.type_string() }}) as alternate_name,
        tax_id,
        upper(country) as country,
        cast(null as {{ dbt.type_string() }}) as erp_entity,
        crm_account_id,
        cast(null as {{ dbt.type_string() }}) as parent_account_id,
        false as is_deleted,
        created_at
    from billing_customers

    union all

    select
        'erp' as source_system,
        erp_customer_id as source_customer_id,
        name as customer_name,
        cast(null as {{ dbt.type_string() }}) as alternate_name,
        tax_id,
        upper(country) as country,
        entity as erp_entity,
        crm_account_id,
        cast(null as {{ dbt.type_string() }}) as parent_account_id,
        false as is_deleted,
        created_at
    from erp_customers

),

normalised as (

    select
        records.*,
        {{ dbt.concat(['source_system', "':'", 'source_customer_id']) }} as record_id,
        -- CRM records sort first, so a customer group is named after its CRM account
        {{ dbt.concat([
            "case source_system when 'crm' then '1' when 'billing' then '2' else '3' end",
            "':'", 'source_system', "':'", 'source_customer_id']) }} as cluster_sort_key,
        {{ normalise_tax_id('tax_id') }} as tax_id_normalised,
        {{ normalise_company_name('customer_name') }} as name_normalised,
        {{ normalise_company_name('alternate_name') }} as alternate_name_normalised
    from records

)

select * from normalised
