-- amount_difference is the ERP gross amount minus the billing total, in document
-- currency, recomputed from staging; and the confidence is a share between 0 and 1.
with

matches as (

    select * from {{ ref('invoice_matches') }}

),

billing_totals as (

    select
        'invoice' as billing_document_type,
        invoice_id as billing_document_id,
        total
    from {{ ref('stg_billing__invoices') }}
    union all
    select
        'credit_note' as billing_document_type,
        credit_note_id as billing_document_id,
        total
    from {{ ref('stg_billing__credit_notes') }}

)

select
    matches.billing_document_type,
    matches.billing_document_id,
    matches.erp_document_id,
    matches.amount_difference,
    matches.match_confidence
from matches
inner join billing_totals
    on matches.billing_document_type = billing_totals.billing_document_type
        and matches.billing_document_id = billing_totals.billing_document_id
inner join {{ ref('stg_erp__ar_documents') }} as documents
    on matches.erp_document_id = documents.document_id
where matches.amount_difference != documents.gross_amount - billing_totals.total
    or matches.match_confidence < 0
    or matches.match_confidence > 1
