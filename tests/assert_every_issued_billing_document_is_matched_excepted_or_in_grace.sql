-- Coherence between billing and the ERP: every issued invoice and credit note is
-- matched to an ERP document, or younger than posting_grace_days on the as-of date (in
-- transit), or named by a reconciliation exception. Anything else fell through both
-- the matching and the exception rules.
with

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

invoice_matches as (

    select * from {{ ref('invoice_matches') }}

),

exceptions as (

    select * from {{ ref('int_exceptions__ranked') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

matched as (

    select distinct
        billing_document_type,
        billing_document_id
    from invoice_matches

),

excepted as (

    select distinct
        source_record_id as billing_document_id,
        case source_entity when 'invoices' then 'invoice' when 'credit_notes' then 'credit_note' end
            as billing_document_type
    from exceptions
    where source_system = 'billing' and source_entity in ('invoices', 'credit_notes')

)

select
    billing_documents.billing_document_type,
    billing_documents.billing_document_id,
    billing_documents.issue_date
from billing_documents
cross join as_of
left join matched
    on
        billing_documents.billing_document_type = matched.billing_document_type
        and billing_documents.billing_document_id = matched.billing_document_id
left join excepted
    on
        billing_documents.billing_document_type = excepted.billing_document_type
        and billing_documents.billing_document_id = excepted.billing_document_id
where
    billing_documents.is_issued
    and billing_documents.issue_date <= {{ dbt.dateadd('day', -var('posting_grace_days'), 'as_of.as_of_date') }}
    and matched.billing_document_id is null
    and excepted.billing_document_id is null
