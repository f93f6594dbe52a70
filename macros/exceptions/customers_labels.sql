{#- Small helpers of the customers exceptions family
    (models/intermediate/exceptions/customers/). -#}

{#- What finance calls a customer record of each system: "CRM account", ... -#}
{% macro customers_record_label(source_system) -%}
    case {{ source_system }}
        when 'crm' then 'CRM account'
        when 'billing' then 'Billing customer'
        else 'ERP customer'
    end
{%- endmacro %}
