-- Every billing document that can be posted to the ERP: invoices and credit notes in
-- one list, with the normalised number the reference rules compare and the customer
-- group, entity and amount the amount/date fallback compares.
{{ config(materialized='table') }}

with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

customer_groups as (

    select
        source_customer_id as customer_id,
        customer_key
    from {{ ref('int_customers__clustered') }}
    where source_system = 'billing'

),

invoice_documents as (

    select
        'invoice' as billing_document_type,
        invoice_id as billing_document_id,
        invoice_number as billing_document_number,
        status as billing_status,
        customer_id,
        billing_entity,
        issue_date,
        currency,
        total as billing_total
    from invoices

),

credit_note_documents as (

    -- a credit note carries no entity of its own: it is booked by the entity that
    -- billed the invoice it credits (null when that invoice is unknown)
    select
        'credit_note' as billing_document_type,
        credit_notes.credit_note_id as billing_document_id,
        credit_notes.credit_note_number as billing_document_number,
        'issued' as billing_status,
        credit_notes.customer_id,
        invoices.billing_entity,
        credit_notes.issue_date,
        credit_notes.currency,
        credit_notes.total as billing_total
    from credit_notes
    left join invoices
        on credit_notes.invoice_id = invoices.invoice_id

),

documents as (

    select * from invoice_documents
    union all
    select * from credit_note_documents

),

with_keys as (

    select
        documents.*,
        customer_groups.customer_key,
        {{ normalise_document_number('documents.billing_document_number') }} as number_normalised,
        -- a draft was never issued and a void invoice was cancelled in billing: neither
        -- is expected in the ERP, so only a reference (explicit evidence) may link them
        documents.billing_status not in ('draft', 'void') as is_issued
    from documents
    left join customer_groups
        on documents.customer_id = customer_groups.customer_id

),

final as (

    select
        billing_document_type,
        billing_document_id,
        billing_document_number,
        billing_status,
        is_issued,
        customer_id,
        customer_key,
        billing_entity,
        issue_date,
        currency,
        billing_total,
        number_normalised,
        {{ document_number_body('number_normalised') }} as number_body
    from with_keys

)

select * from final
