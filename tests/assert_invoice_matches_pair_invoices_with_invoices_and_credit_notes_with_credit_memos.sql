-- Document types always pair: a billing invoice with an ERP invoice, a credit note
-- with a credit memo.
select
    matches.billing_document_type,
    matches.billing_document_id,
    matches.erp_document_id,
    documents.document_type
from {{ ref('invoice_matches') }} as matches
inner join {{ ref('stg_erp__ar_documents') }} as documents
    on matches.erp_document_id = documents.document_id
where not (
        (matches.billing_document_type = 'invoice' and documents.document_type = 'invoice')
        or (matches.billing_document_type = 'credit_note' and documents.document_type = 'credit_memo')
    )
