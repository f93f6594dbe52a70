-- One row per customer (customer_key): the name finance expects and how many records
-- each system holds for it.
with

clustered as (

    select * from {{ ref('int_customers__clustered') }}

),

records as (

    select * from {{ ref('int_customers__records') }}

),

named_records as (
    -- the name finance expects: the CRM legal name of a live account first, the oldest
    -- one when there are several, then the billing name, then the ERP name
    select
        clustered.customer_key,
        clustered.source_system,
        records.customer_name,
        records.country,
        row_number() over (
            partition by clustered.customer_key
            order by
                case
                    when clustered.source_system = 'crm' and not records.is_deleted then 1
                    when clustered.source_system = 'crm' then 2
                    when clustered.source_system = 'billing' then 3
                    else 4
                end,
                records.created_at,
                records.record_id
        ) as name_rank
    from clustered
    inner join records
        on clustered.record_id = records.record_id

),

record_counts as (

    select
        customer_key,
        sum(case when source_system = 'crm' then 1 else 0 end) as crm_account_count,
        sum(case when source_system = 'billing' then 1 else 0 end) as billing_customer_count,
        sum(case when source_system = 'erp' then 1 else 0 end) as erp_customer_count
    from clustered
    group by customer_key

),

final as (

    select
        record_counts.customer_key,
        named_records.customer_name,
        named_records.country,
        cast(record_counts.crm_account_count as integer) as crm_account_count,
        cast(record_counts.billing_customer_count as integer) as billing_customer_count,
        cast(record_counts.erp_customer_count as integer) as erp_customer_count
    from record_counts
    inner join named_records
        on record_counts.customer_key = named_records.customer_key
            and named_records.name_rank = 1

)

select * from final
