{#- Data tests of the contract_billing exceptions family. -#}

{#- No row holds a negative value in this column (an exception's amount is a gap, >= 0). -#}
{% test contract_billing_not_negative(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0

{% endtest %}

{#- Each exception type is raised on the entity the vocabulary names for it
    (CONTRACT.md: contracts, contract_lines or subscriptions). -#}
{% test contract_billing_entity_of_type(model) %}

select exception_type, source_system, source_entity
from {{ model }}
where not (
    (exception_type in ('contract_not_billed', 'term_mismatch', 'currency_mismatch', 'renewal_not_recorded')
        and source_system = 'crm' and source_entity = 'contracts')
    or (exception_type in ('price_mismatch', 'quantity_mismatch')
        and source_system = 'crm' and source_entity = 'contract_lines')
    or (exception_type = 'billing_without_contract'
        and source_system = 'billing' and source_entity = 'subscriptions')
)

{% endtest %}
