-- Sure cash (trusted lettering plus proposed_auto) never pays an ERP document beyond
-- its amount due (gross less posted credit memos): a wrong automatic application
-- would show up here first.
with

applied as (

    select
        erp_document_id,
        sum(applied_amount) as applied_amount
    from {{ ref('payment_applications') }}
    where status in ('existing', 'proposed_auto')
    group by erp_document_id

)

select
    applied.erp_document_id,
    applied.applied_amount,
    documents.amount_due
from applied
inner join {{ ref('int_receipts__documents') }} as documents
    on applied.erp_document_id = documents.erp_document_id
where applied.applied_amount > documents.amount_due + {{ var('amount_tolerance') }}
