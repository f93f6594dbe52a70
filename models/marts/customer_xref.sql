-- One row per source customer record (CRM account, billing customer, ERP customer)
-- with the golden customer_key it belongs to and the rule that tied it.
with

clustered as (

    select * from {{ ref('int_customers__clustered') }}

),

final as (

    select
        source_system,
        source_customer_id,
        customer_key,
        match_method,
        match_confidence
    from clustered

)

select * from final
