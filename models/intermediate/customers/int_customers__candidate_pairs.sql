-- Every pair of customer records some rule suggests, with its evidence and what was
-- decided: linked, rejected (and why), or left for review. This is where a reviewer
-- sees why two records are, or are not, one customer.
{%- set max_block = var('customer_max_block_size', 20) %}

with

records as (

    select * from {{ ref('int_customers__records') }}

),

identity_pairs as (

    select * from {{ ref('int_customers__identity_pairs') }}

),

link_pairs as (

    select * from {{ ref('int_customers__link_pairs') }}

),

overrides as (

    select * from {{ ref('customer_link_overrides') }}

),

customer_decisions as (

    select * from {{ ref('int_review__decisions_ranked') }}
    where subject_type = 'customer_pair' and is_in_force

),

override_pairs as (
    -- the seed's standing overrides and the reviewers' decisions act alike
    select
        {{ dbt.concat(['lower(trim(source_system_a))', "':'", 'trim(source_customer_id_a)']) }} as record_id_a,
        {{ dbt.concat(['lower(trim(source_system_b))', "':'", 'trim(source_customer_id_b)']) }} as record_id_b,
        lower(trim(action)) as override_action,
        {{ dbt.concat(["'decided by '", "coalesce(decided_by, 'someone')", "': '", "coalesce(reason, '')"]) }}
            as evidence
    from overrides

    union all

    select
        customer_record_a as record_id_a,
        customer_record_b as record_id_b,
        decision as override_action,
        {{ dbt.concat(["'decided by '", 'reviewer', "' (decision '", 'decision_id', "'): '",
            "coalesce(comment, '')"]) }}
            as evidence
    from customer_decisions

),

name_prefix_blocks as (
    -- similar but unequal names are a weak hint: listed for a person, never linked
    select
        record_id,
        source_system,
        name_normalised,
        country,
        substr(name_normalised, 1, 4) as name_prefix,
        count(*) over (partition by country, substr(name_normalised, 1, 4)) as records_in_block
    from records
    where name_normalised is not null

),

fuzzy_name_pairs as (

    select
        left_record.record_id as record_id_a,
        right_record.record_id as record_id_b,
        'fuzzy_name' as match_rule,
        {{ dbt.concat(["'similar names \"'", 'left_record.name_normalised', "'\" and \"'",
                       'right_record.name_normalised', "'\"'"]) }} as evidence,
        'review: only a weak rule suggests it' as rejection
    from name_prefix_blocks as left_record
    inner join name_prefix_blocks as right_record
        on left_record.country = right_record.country
            and left_record.name_prefix = right_record.name_prefix
            and left_record.record_id < right_record.record_id
            and left_record.source_system <> right_record.source_system
            and left_record.name_normalised <> right_record.name_normalised
    where left_record.records_in_block <= {{ max_block }}
        and (
            levenshtein(left_record.name_normalised, right_record.name_normalised) <= 3
            -- one name is the other with words added ("Acme" and "Acme Media")
            or {{ dbt.concat(['left_record.name_normalised', "' '"]) }}
            = substr(right_record.name_normalised, 1, length(left_record.name_normalised) + 1)
            or {{ dbt.concat(['right_record.name_normalised', "' '"]) }}
            = substr(left_record.name_normalised, 1, length(right_record.name_normalised) + 1)
        )

),

rule_pairs as (

    select * from identity_pairs
    union all
    select * from link_pairs
    union all
    select * from fuzzy_name_pairs
    union all
    select
        record_id_a,
        record_id_b,
        'override' as match_rule,
        evidence,
        cast(null as {{ dbt.type_string() }}) as rejection
    from override_pairs
    where override_action = 'link'

),

ordered_pairs as (
    -- a pair reads the same both ways
    select
        match_rule,
        evidence,
        rejection,
        least(record_id_a, record_id_b) as record_id_a,
        greatest(record_id_a, record_id_b) as record_id_b
    from rule_pairs
    where record_id_a <> record_id_b

),

forbidden_pairs as (

    select distinct
        least(record_id_a, record_id_b) as record_id_a,
        greatest(record_id_a, record_id_b) as record_id_b
    from override_pairs
    where override_action = 'unlink'

),

decided as (

    select
        ordered_pairs.record_id_a,
        ordered_pairs.record_id_b,
        ordered_pairs.match_rule,
        ordered_pairs.evidence,
        case ordered_pairs.match_rule
            when 'override' then 1.00
            when 'explicit_link' then 0.99
            when 'tax_id' then 0.97
            when 'contract_link' then 0.95
            when 'parent_account' then 0.92
            when 'name_country' then 0.90
            when 'posted_documents' then 0.90
            when 'contract_terms' then 0.85
            else 0.50
        end as match_confidence,
        case
            when forbidden_pairs.record_id_a is not null and ordered_pairs.match_rule <> 'override'
                then 'rejected: unlinked by override'
            when ordered_pairs.rejection is not null then ordered_pairs.rejection
            when record_a.record_id is null or record_b.record_id is null
                then 'rejected: unknown record'
            else 'linked'
        end as decision
    from ordered_pairs
    left join forbidden_pairs
        on ordered_pairs.record_id_a = forbidden_pairs.record_id_a
            and ordered_pairs.record_id_b = forbidden_pairs.record_id_b
    left join records as record_a
        on ordered_pairs.record_id_a = record_a.record_id
    left join records as record_b
        on ordered_pairs.record_id_b = record_b.record_id

),

final as (

    select
        record_id_a,
        record_id_b,
        match_rule,
        cast(match_confidence as decimal(4, 3)) as match_confidence,
        evidence,
        decision,
        decision = 'linked' as is_linked
    from decided

)

select * from final
