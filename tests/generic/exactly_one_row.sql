{#- The model holds exactly one row (a run-wide setting such as the as-of date). -#}
{% test exactly_one_row(model) %}

select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count != 1

{% endtest %}
