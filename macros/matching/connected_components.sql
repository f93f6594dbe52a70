{#- Connected components of an undirected graph, in portable SQL: no recursion, which
    Spark SQL lacks. `nodes` has node_id; `edges` has node_a, node_b, listed in both
    directions. Each round takes the smallest label among a node and its neighbours,
    then jumps to the label of that label (pointer jumping), so the number of rounds
    grows with the log of a component's diameter. A singular test checks that no edge
    joins two labels, i.e. that the rounds were enough. Renders CTEs named
    `<prefix>_0` .. `<prefix>_<rounds>` (node_id, label); the last one is the answer. -#}
{% macro connected_components_ctes(nodes, edges, rounds=6, prefix='labels') %}
{{ prefix }}_0 as (

    select node_id, node_id as label
    from {{ nodes }}

),
{% for i in range(1, rounds + 1) %}
{{ prefix }}_{{ i }}_hop as (

    select
        current_labels.node_id,
        least(current_labels.label, coalesce(min(neighbour_labels.label), current_labels.label)) as label
    from {{ prefix }}_{{ i - 1 }} as current_labels
    left join {{ edges }} as graph_edges
        on current_labels.node_id = graph_edges.node_a
    left join {{ prefix }}_{{ i - 1 }} as neighbour_labels
        on graph_edges.node_b = neighbour_labels.node_id
    group by current_labels.node_id, current_labels.label

),

{{ prefix }}_{{ i }} as (

    select
        hopped.node_id,
        least(hopped.label, coalesce(label_of_label.label, hopped.label)) as label
    from {{ prefix }}_{{ i }}_hop as hopped
    left join {{ prefix }}_{{ i }}_hop as label_of_label
        on hopped.label = label_of_label.node_id

){{ ',' if not loop.last }}
{% endfor %}
{% endmacro %}
