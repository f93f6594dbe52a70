-- Candidate pairs of customer records that describe the same legal entity: the same
-- tax id in the same country, or the same legal name in the same country (CONTRACT.md:
-- duplicate_customer). Records sharing a value form a block; each record pairs with
-- the block's first record, which ties the block together without a quadratic join.
{%- set max_block = var('customer_max_block_size', 20) %}

with

records as (

    select * from {{ ref('int_customers__records') }}

),

tax_id_blocks as (

    select
        tax_id_normalised,
        country,
        count(*) as records_in_block,
        min(record_id) as anchor_record_id
    from records
    where tax_id_normalised is not null
    group by tax_id_normalised, country

),

tax_id_pairs as (
    -- a tax id carried by many records is a placeholder ("N/A", "000000000"), not evidence
    select
        records.record_id as record_id_a,
        tax_id_blocks.anchor_record_id as record_id_b,
        'tax_id' as match_rule,
        {{ dbt.concat(["'tax id '", 'tax_id_blocks.tax_id_normalised', "' ('", 'tax_id_blocks.country',
                       "') on '", dbt.cast('tax_id_blocks.records_in_block', dbt.type_string()),
                       "' records'"]) }} as evidence,
        case
            when tax_id_blocks.records_in_block > {{ max_block }}
                then 'rejected: tax id shared by too many records to be evidence'
        end as rejection
    from records
    inner join tax_id_blocks
        on records.tax_id_normalised = tax_id_blocks.tax_id_normalised
            and records.country = tax_id_blocks.country
    where records.record_id <> tax_id_blocks.anchor_record_id

),

name_blocks as (

    select
        name_normalised,
        country,
        count(*) as records_in_block,
        count(distinct tax_id_normalised) as distinct_tax_ids,
        min(record_id) as anchor_record_id
    from records
    where name_normalised is not null
    group by name_normalised, country

),

name_country_pairs as (
    -- one name carried by records with different tax ids names two legal entities:
    -- the name alone cannot say which one a record without tax id belongs to
    select
        records.record_id as record_id_a,
        name_blocks.anchor_record_id as record_id_b,
        'name_country' as match_rule,
        {{ dbt.concat(["'legal name \"'", 'name_blocks.name_normalised', "'\" ('", 'name_blocks.country',
                       "') on '", dbt.cast('name_blocks.records_in_block', dbt.type_string()),
                       "' records'"]) }} as evidence,
        case
            when name_blocks.records_in_block > {{ max_block }}
                then 'rejected: name shared by too many records to be evidence'
            when name_blocks.distinct_tax_ids > 1
                then 'review: the name is shared by records with different tax ids'
        end as rejection
    from records
    inner join name_blocks
        on records.name_normalised = name_blocks.name_normalised
            and records.country = name_blocks.country
    where records.record_id <> name_blocks.anchor_record_id

),

unioned as (

    select * from tax_id_pairs
    union all
    select * from name_country_pairs

)

select * from unioned
