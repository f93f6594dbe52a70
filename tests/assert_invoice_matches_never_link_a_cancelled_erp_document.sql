-- A cancelled ERP document counts as not posted (CONTRACT.md): it never stands for a
-- billing document.
select
    matches.billing_document_id,
    matches.erp_document_id
from {{ ref('invoice_matches') }} as matches
inner join {{ ref('stg_erp__ar_documents') }} as documents
    on matches.erp_document_id = documents.document_id
where documents.status = 'cancelled'
