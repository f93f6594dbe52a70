-- Every exception names a record that exists in its system: the id in
-- source_record_id is found in the staged entity source_entity says it belongs to.
-- A dangling id would send a reviewer looking for nothing.
{%- set entities = [
    ('crm', 'contracts', 'stg_crm__contracts', 'contract_id'),
    ('crm', 'contract_lines', 'stg_crm__contract_lines', 'contract_line_id'),
    ('crm', 'accounts', 'stg_crm__accounts', 'account_id'),
    ('billing', 'subscriptions', 'stg_billing__subscriptions', 'subscription_id'),
    ('billing', 'invoices', 'stg_billing__invoices', 'invoice_id'),
    ('billing', 'credit_notes', 'stg_billing__credit_notes', 'credit_note_id'),
    ('billing', 'customers', 'stg_billing__customers', 'customer_id'),
    ('erp', 'ar_documents', 'stg_erp__ar_documents', 'document_id'),
    ('erp', 'cash_receipts', 'stg_erp__cash_receipts', 'receipt_id'),
    ('erp', 'customers', 'stg_erp__customers', 'erp_customer_id'),
    ('erp', 'journals', 'stg_erp__gl_journal_lines', 'journal_id'),
] %}

with

exceptions as (

    select * from {{ ref('reconciliation_exceptions') }}

),

known_records as (

    {%- for system, entity, model, key in entities %}
    select distinct
        '{{ system }}' as source_system,
        '{{ entity }}' as source_entity,
        {{ key }} as record_id
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    exceptions.exception_id,
    exceptions.exception_type,
    exceptions.source_system,
    exceptions.source_entity,
    exceptions.source_record_id
from exceptions
left join known_records
    on
        exceptions.source_system = known_records.source_system
        and exceptions.source_entity = known_records.source_entity
        and exceptions.source_record_id = known_records.record_id
where known_records.record_id is null
