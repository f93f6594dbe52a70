-- A receipt pays documents of its own entity and currency only; existing lettering
-- that breaks this is in review (erp_lettering), never existing.
select
    applications.receipt_id,
    applications.erp_document_id,
    applications.status
from {{ ref('payment_applications') }} as applications
inner join {{ ref('int_receipts__documents') }} as documents
    on applications.erp_document_id = documents.erp_document_id
where applications.status in ('existing', 'proposed_auto')
    and (applications.entity != documents.entity or applications.currency != documents.currency)
