-- The customers family of reconciliation exceptions, in the family shape:
-- duplicate_customer, "the later-created of two records in one system for the same
-- legal entity (same tax id, or same legal name and country)" (CONTRACT.md). Tax ids and
-- names compare in the normalised form of int_customers__records, so "tax ids in another
-- format" and "a legal suffix present in one system and absent in another" are not
-- told apart ("Not exceptions"); a former name differs, so it links nothing by name.
-- Readings (DECISIONLOG):
--   * one system means one ERP entity for ERP customers: one client held in two
--     subsidiaries is two receivable accounts, not a duplicate;
--   * the tax id is compared within a country too: the normalised form drops the
--     country prefix, and the country stands in for it;
--   * a deleted CRM account is no live record: it neither is nor makes a duplicate;
--   * a name shared by records with different tax ids names several legal entities,
--     and a value shared by more than customer_max_block_size records is a
--     placeholder: neither is evidence (as in int_customers__identity_pairs);
--   * the two records are in one customer group: an `unlink` override is a person's
--     word that they are two legal entities.
{%- set max_block = var('customer_max_block_size', 20) %}

with

records as (

    select * from {{ ref('int_customers__records') }}

),

clustered as (

    select * from {{ ref('int_customers__clustered') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

live_records as (

    select
        records.source_system,
        records.source_customer_id,
        records.record_id,
        records.customer_name,
        records.country,
        records.erp_entity,
        records.tax_id_normalised,
        records.name_normalised,
        records.created_at,
        clustered.customer_key,
        cast(records.created_at as date) as created_date,
        coalesce(records.erp_entity, '') as comparison_scope
    from records
    cross join as_of
    left join clustered
        on records.record_id = clustered.record_id
    where not coalesce(records.is_deleted, false)
        and cast(records.created_at as date) <= as_of.as_of_date

),

tax_id_blocks as (

    select
        source_system,
        comparison_scope,
        country,
        tax_id_normalised
    from live_records
    where tax_id_normalised is not null
    group by source_system, comparison_scope, country, tax_id_normalised
    having count(*) between 2 and {{ max_block }}

),

name_blocks as (

    select
        source_system,
        comparison_scope,
        country,
        name_normalised
    from live_records
    where name_normalised is not null
    group by source_system, comparison_scope, country, name_normalised
    having count(*) between 2 and {{ max_block }}
        and count(distinct tax_id_normalised) <= 1

),

tax_id_members as (

    select
        live_records.*,
        'tax_id' as match_rule,
        live_records.tax_id_normalised as block_value
    from live_records
    inner join tax_id_blocks
        on live_records.source_system = tax_id_blocks.source_system
            and live_records.comparison_scope = tax_id_blocks.comparison_scope
            and live_records.country = tax_id_blocks.country
            and live_records.tax_id_normalised = tax_id_blocks.tax_id_normalised

),

name_members as (

    select
        live_records.*,
        'name_country' as match_rule,
        live_records.name_normalised as block_value
    from live_records
    inner join name_blocks
        on live_records.source_system = name_blocks.source_system
            and live_records.comparison_scope = name_blocks.comparison_scope
            and live_records.country = name_blocks.country
            and live_records.name_normalised = name_blocks.name_normalised

),

block_members as (

    select * from tax_id_members
    union all
    select * from name_members

),

earlier_records as (

    -- every earlier-created record of the same block; the same creation time falls
    -- back to the id, so exactly one record of a block is the original
    select
        later.source_system,
        later.source_customer_id,
        later.customer_name,
        later.country,
        later.erp_entity,
        later.created_at,
        later.created_date,
        later.customer_key,
        later.match_rule,
        later.block_value,
        earlier.source_customer_id as earlier_customer_id,
        earlier.customer_name as earlier_customer_name,
        earlier.created_date as earlier_created_date,
        row_number() over (
            partition by later.source_system, later.source_customer_id
            order by
                case later.match_rule when 'tax_id' then 1 else 2 end,
                earlier.created_at,
                earlier.source_customer_id
        ) as evidence_rank
    from block_members as later
    inner join block_members as earlier
        on later.source_system = earlier.source_system
            and later.comparison_scope = earlier.comparison_scope
            and later.country = earlier.country
            and later.match_rule = earlier.match_rule
            and later.block_value = earlier.block_value
            and later.customer_key = earlier.customer_key
    where later.created_at > earlier.created_at
        or (later.created_at = earlier.created_at and later.source_customer_id > earlier.source_customer_id)

),

duplicate_customer as (

    select
        'duplicate_customer' as exception_type,
        source_system,
        case source_system when 'crm' then 'accounts' else 'customers' end as source_entity,
        source_customer_id as source_record_id,
        earlier_customer_id as related_record_id,
        customer_key,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ type_money() }}) as amount,
        created_date as event_date,
        {{ dbt.concat([
            customers_record_label('source_system'), "' '", 'source_customer_id',
            "' ('", 'customer_name', "', '", 'country',
            "coalesce(" ~ dbt.concat(["', entity '", 'erp_entity']) ~ ", '')",
            "', created '", 'cast(created_date as ' ~ dbt.type_string() ~ ')',
            "') is a second record of '", 'earlier_customer_id',
            "' ('", 'earlier_customer_name', "', created '",
            'cast(earlier_created_date as ' ~ dbt.type_string() ~ ')', "'): same '",
            "case match_rule when 'tax_id' then 'tax id ' else 'legal name ' end",
            'block_value', "' in '", 'country', "'.'",
        ]) }} as explanation
    from earlier_records
    where evidence_rank = 1

),

final as (

    select * from duplicate_customer

)

select * from final
