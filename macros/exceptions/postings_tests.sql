{#- The gap an exception reports is money at risk: never negative (family shape). -#}
{% test postings_not_negative(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
