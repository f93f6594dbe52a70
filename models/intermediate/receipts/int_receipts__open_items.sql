-- What each live ERP invoice still waits for: its amount due (gross less posted credit
-- memos) less the trusted ERP lettering. This is the amount a proposal may apply; a
-- document at or below the rounding tolerance is settled and takes no more cash.
{{ config(materialized='table') }}

with

documents as (

    select * from {{ ref('int_receipts__documents') }}

),

lettering as (

    select * from {{ ref('int_receipts__lettering_checked') }}

),

lettered_per_document as (

    select
        erp_document_id,
        sum(applied_amount) as lettered_amount
    from lettering
    where is_trusted
    group by erp_document_id

),

final as (

    select
        documents.erp_document_id,
        documents.erp_document_number,
        documents.erp_customer_id,
        documents.customer_key,
        documents.entity,
        documents.currency,
        documents.document_date,
        documents.billing_invoice_id,
        documents.billing_invoice_number,
        documents.external_reference,
        documents.amount_due,
        documents.is_repeat_posting,
        cast(coalesce(lettered_per_document.lettered_amount, 0) as {{ type_money() }}) as lettered_amount,
        cast(
            documents.amount_due - coalesce(lettered_per_document.lettered_amount, 0)
            as {{ type_money() }}
        ) as open_amount,
        documents.amount_due - coalesce(lettered_per_document.lettered_amount, 0)
        > {{ var('amount_tolerance') }} as is_open
    from documents
    left join lettered_per_document
        on documents.erp_document_id = lettered_per_document.erp_document_id
    where documents.is_posted

)

select * from final
