-- One row per issued billing invoice that has an ERP document: what the billing tool
-- says was paid beside the cash the ERP holds on the invoice's document(s), split the
-- way cash application splits it (lettered, sure matches, awaiting review). Both
-- paid_status_mismatch and the short-payment reading compare these two views; cash is
-- never matched again here (payment_applications, issue #5).
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

matched as (

    select * from {{ ref('int_invoices__matched') }}

),

payment_applications as (

    select * from {{ ref('payment_applications') }}

),

issued_invoices as (

    -- an invoice in draft or void asks for nothing, so nothing can be paid on it
    select *
    from invoices
    where status not in ('draft', 'void')

),

credited_per_invoice as (

    select
        invoice_id,
        sum(total) as credited_amount
    from credit_notes
    group by invoice_id

),

invoice_documents as (

    select
        billing_document_id as invoice_id,
        erp_document_id,
        erp_document_number,
        billing_customer_key
    from matched
    where billing_document_type = 'invoice'

),

cash_per_document as (

    select
        erp_document_id,
        sum(case when status = 'existing' then applied_amount else 0 end) as lettered_amount,
        sum(case when status = 'proposed_auto' then applied_amount else 0 end) as auto_amount,
        sum(case when status = 'proposed_review' then applied_amount else 0 end) as review_amount
    from payment_applications
    group by erp_document_id

),

cash_per_invoice as (

    select
        invoice_documents.invoice_id,
        count(*) as erp_document_count,
        min(invoice_documents.erp_document_id) as first_erp_document_id,
        min(invoice_documents.erp_document_number) as first_erp_document_number,
        max(invoice_documents.erp_document_number) as last_erp_document_number,
        min(invoice_documents.billing_customer_key) as customer_key,
        sum(coalesce(cash_per_document.lettered_amount, 0)) as lettered_amount,
        sum(coalesce(cash_per_document.auto_amount, 0)) as auto_amount,
        sum(coalesce(cash_per_document.review_amount, 0)) as review_amount
    from invoice_documents
    left join cash_per_document
        on invoice_documents.erp_document_id = cash_per_document.erp_document_id
    group by invoice_documents.invoice_id

),

final as (

    select
        issued_invoices.invoice_id,
        issued_invoices.invoice_number,
        issued_invoices.customer_id as billing_customer_id,
        cash_per_invoice.customer_key,
        issued_invoices.status as billing_status,
        issued_invoices.issue_date,
        issued_invoices.currency,
        issued_invoices.total,
        cast(coalesce(credited_per_invoice.credited_amount, 0) as {{ type_money() }}) as credited_amount,
        cast(issued_invoices.total - coalesce(credited_per_invoice.credited_amount, 0) as {{ type_money() }})
            as amount_due,
        issued_invoices.amount_paid,
        cash_per_invoice.erp_document_count,
        cash_per_invoice.first_erp_document_id,
        cash_per_invoice.first_erp_document_number,
        cash_per_invoice.last_erp_document_number,
        cast(cash_per_invoice.lettered_amount as {{ type_money() }}) as lettered_amount,
        cast(cash_per_invoice.auto_amount as {{ type_money() }}) as auto_amount,
        cast(cash_per_invoice.review_amount as {{ type_money() }}) as review_amount,
        cast(cash_per_invoice.lettered_amount + cash_per_invoice.auto_amount as {{ type_money() }})
            as erp_applied_amount,
        cast(
            issued_invoices.amount_paid - cash_per_invoice.lettered_amount - cash_per_invoice.auto_amount
            as {{ type_money() }}
        ) as paid_difference
    from issued_invoices
    inner join cash_per_invoice
        on issued_invoices.invoice_id = cash_per_invoice.invoice_id
    left join credited_per_invoice
        on issued_invoices.invoice_id = credited_per_invoice.invoice_id

)

select * from final
