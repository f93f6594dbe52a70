-- Grouping is transitive: no linked pair of customer records may end in two different
-- customer keys (if one does, the label-propagation rounds were too few).
with

clustered as (

    select * from {{ ref('int_customers__clustered') }}

),

linked_pairs as (

    select * from {{ ref('int_customers__candidate_pairs') }}
    where is_linked

)

select
    linked_pairs.record_id_a,
    linked_pairs.record_id_b,
    linked_pairs.match_rule
from linked_pairs
inner join clustered as clustered_a
    on linked_pairs.record_id_a = clustered_a.record_id
inner join clustered as clustered_b
    on linked_pairs.record_id_b = clustered_b.record_id
where clustered_a.customer_key <> clustered_b.customer_key
