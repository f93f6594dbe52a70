-- STUB (being replaced): every source customer record as its own customer.
with crm_accounts as (
    select 'crm' as source_system, account_id as source_customer_id from {{ ref('stg_crm__accounts') }}
),
billing_customers as (
    select 'billing' as source_system, customer_id as source_customer_id from {{ ref('stg_billing__customers') }}
),
erp_customers as (
    select 'erp' as source_system, erp_customer_id as source_customer_id from {{ ref('stg_erp__customers') }}
),
records as (
    select * from crm_accounts
    union all
    select * from billing_customers
    union all
    select * from erp_customers
)
select
    source_system,
    source_customer_id,
    {{ dbt.hash(dbt.concat(['source_system', "'|'", 'source_customer_id'])) }} as customer_key,
    'singleton' as match_method,
    cast(1.0 as decimal(4, 3)) as match_confidence
from records
