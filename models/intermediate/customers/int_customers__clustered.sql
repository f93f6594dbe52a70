-- One customer_key per real customer: the connected components of the linked pairs
-- (a billing customer tied to a CRM account by tax id, and to an ERP customer by its
-- postings, is one customer with both). Each record keeps the strongest rule that tied
-- it; a record no rule ties is a singleton. The key is a hash of the group's first
-- record (CRM accounts first), so it stays the same from run to run and engine to engine.

with

records as (

    select * from {{ ref('int_customers__records') }}

),

linked_pairs as (

    select * from {{ ref('int_customers__candidate_pairs') }}
    where is_linked

),

nodes as (

    select cluster_sort_key as node_id from records

),

edges as (

    select
        record_a.cluster_sort_key as node_a,
        record_b.cluster_sort_key as node_b
    from linked_pairs
    inner join records as record_a on linked_pairs.record_id_a = record_a.record_id
    inner join records as record_b on linked_pairs.record_id_b = record_b.record_id
    union all
    select
        record_b.cluster_sort_key as node_a,
        record_a.cluster_sort_key as node_b
    from linked_pairs
    inner join records as record_a on linked_pairs.record_id_a = record_a.record_id
    inner join records as record_b on linked_pairs.record_id_b = record_b.record_id

),

{{ connected_components_ctes('nodes', 'edges', rounds=var('customer_cluster_rounds', 10), prefix='labels') }},

components as (

    select * from labels_{{ var('customer_cluster_rounds', 10) }}

),

record_pairs as (

    select
        record_id_a as record_id,
        match_rule,
        match_confidence
    from linked_pairs
    union all
    select
        record_id_b as record_id,
        match_rule,
        match_confidence
    from linked_pairs

),

strongest_rule as (

    select
        record_id,
        match_rule,
        match_confidence,
        row_number() over (partition by record_id order by match_confidence desc, match_rule asc) as strength_rank
    from record_pairs

),

final as (

    select
        records.source_system,
        records.source_customer_id,
        {{ dbt.hash(dbt.concat(["'customer|'", 'components.label'])) }} as customer_key,
        coalesce(strongest_rule.match_rule, 'singleton') as match_method,
        cast(coalesce(strongest_rule.match_confidence, 1.0) as decimal(4, 3)) as match_confidence,
        records.record_id,
        components.label as customer_anchor
    from records
    inner join components
        on records.cluster_sort_key = components.node_id
    left join strongest_rule
        on records.record_id = strongest_rule.record_id
            and strongest_rule.strength_rank = 1

)

select * from final
