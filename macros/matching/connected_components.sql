{#- Connected components of an undirected graph, in portable SQL: no recursion, which
    Spark SQL lacks. `nodes` has node_id; `edges` has node_a, node_b, listed in both
    directions. Each round gives every node the smallest label among itself and its
    neighbours (a self-loop per node makes that one join), so after N rounds labels
    have travelled N hops. Every round reads the previous one once: the plan grows
    linearly with the rounds on engines that inline CTEs (Spark). A singular test checks
    that no edge joins two labels, i.e. that the rounds were enough. Renders CTEs named
    `<prefix>_0` .. `<prefix>_<rounds>` (node_id, label); the last one is the answer. -#}
{% macro connected_components_ctes(nodes, edges, rounds=10, prefix='labels') %}
{{ prefix }}_edges as (

    select node_a, node_b from {{ edges }}
    union all
    select node_id as node_a, node_id as node_b from {{ nodes }}

),

{{ prefix }}_0 as (

    select node_id, node_id as label
    from {{ nodes }}

),
{% for i in range(1, rounds + 1) %}
{{ prefix }}_{{ i }} as (

    select
        graph_edges.node_a as node_id,
        min(neighbour_labels.label) as label
    from {{ prefix }}_edges as graph_edges
    inner join {{ prefix }}_{{ i - 1 }} as neighbour_labels
        on graph_edges.node_b = neighbour_labels.node_id
    group by graph_edges.node_a

){{ ',' if not loop.last }}
{% endfor %}
{% endmacro %}
