-- Per billing invoice, what happened after it was issued: the ERP document(s) standing
-- for it and when the first was posted, the cash applied to them and when it covered
-- what the invoice asks, and the revenue recognised for them in the GL (issue #10).
-- Only sure cash counts (ERP lettering and the engine's proposed_auto, as for
-- paid_status_mismatch): cash a person still has to confirm has not reached the invoice.
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

invoice_matches as (

    select * from {{ ref('invoice_matches') }}
    where billing_document_type = 'invoice'

),

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

sure_applications as (

    select * from {{ ref('payment_applications') }}
    where status in ('existing', 'proposed_auto')

),

revenue_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}
    where account_type = 'revenue'

),

postings as (

    select
        invoice_matches.billing_document_id as invoice_id,
        {{ sorted_text_list('invoice_matches.erp_document_id') }} as erp_document_ids,
        count(*) as erp_document_count,
        min(invoice_matches.posting_date) as erp_posting_date,
        sum(ar_documents.net_amount) as erp_net_amount
    from invoice_matches
    inner join ar_documents
        on invoice_matches.erp_document_id = ar_documents.document_id
    group by invoice_matches.billing_document_id

),

credited as (

    select
        invoice_id,
        sum(total) as credited_amount
    from credit_notes
    group by invoice_id

),

invoice_receipts as (

    -- a receipt applied to two documents of one invoice (a duplicate posting) is one
    -- receipt of the invoice, with both amounts
    select
        invoice_matches.billing_document_id as invoice_id,
        sure_applications.receipt_id,
        max(sure_applications.value_date) as value_date,
        sum(sure_applications.applied_amount) as applied_amount
    from invoice_matches
    inner join sure_applications
        on invoice_matches.erp_document_id = sure_applications.erp_document_id
    group by invoice_matches.billing_document_id, sure_applications.receipt_id

),

cash as (

    select
        invoice_id,
        {{ sorted_text_list('receipt_id') }} as receipt_ids,
        count(*) as receipt_count,
        sum(applied_amount) as cash_applied_amount,
        max(value_date) as last_value_date
    from invoice_receipts
    group by invoice_id

),

revenue_lines_of_invoices as (

    select
        invoice_matches.billing_document_id as invoice_id,
        revenue_lines.posting_date,
        revenue_lines.credit - revenue_lines.debit as recognised_amount
    from invoice_matches
    inner join revenue_lines
        on invoice_matches.erp_document_id = revenue_lines.source_document_id

),

revenue as (

    select
        invoice_id,
        sum(recognised_amount) as revenue_recognised_amount,
        max(posting_date) as last_revenue_posting_date
    from revenue_lines_of_invoices
    group by invoice_id

),

joined as (

    select
        invoices.invoice_id,
        postings.erp_document_ids,
        postings.erp_posting_date,
        postings.erp_net_amount,
        cash.receipt_ids,
        cash.last_value_date,
        revenue.last_revenue_posting_date,
        coalesce(postings.erp_document_count, 0) as erp_document_count,
        -- what the invoice still asks once its credit notes are taken off
        invoices.total - coalesce(credited.credited_amount, 0) as amount_due,
        coalesce(cash.receipt_count, 0) as receipt_count,
        coalesce(cash.cash_applied_amount, 0) as cash_applied_amount,
        coalesce(revenue.revenue_recognised_amount, 0) as revenue_recognised_amount
    from invoices
    left join postings
        on invoices.invoice_id = postings.invoice_id
    left join credited
        on invoices.invoice_id = credited.invoice_id
    left join cash
        on invoices.invoice_id = cash.invoice_id
    left join revenue
        on invoices.invoice_id = revenue.invoice_id

),

final as (

    select
        invoice_id,
        erp_document_ids,
        cast(erp_document_count as {{ dbt.type_int() }}) as erp_document_count,
        erp_posting_date,
        cast(amount_due as {{ type_money() }}) as amount_due,
        receipt_ids,
        cast(receipt_count as {{ dbt.type_int() }}) as receipt_count,
        cast(cash_applied_amount as {{ type_money() }}) as cash_applied_amount,
        -- cash reaches the invoice when sure cash covers what it asks (within
        -- amount_tolerance); an invoice credited in full asks nothing and needs no cash
        erp_document_count > 0
        and cash_applied_amount >= amount_due - {{ var('amount_tolerance') }} as is_cash_reached,
        case
            when erp_document_count > 0 and cash_applied_amount >= amount_due - {{ var('amount_tolerance') }}
                then last_value_date
        end as cash_value_date,
        cast(revenue_recognised_amount as {{ type_money() }}) as revenue_recognised_amount,
        -- recognised in full: the GL's revenue for its documents reaches their net amount
        erp_document_count > 0
        and revenue_recognised_amount >= erp_net_amount - {{ var('amount_tolerance') }} as is_revenue_reached,
        case
            when erp_document_count > 0 and revenue_recognised_amount >= erp_net_amount - {{ var('amount_tolerance') }}
                then last_revenue_posting_date
        end as revenue_recognised_date
    from joined

)

select * from final
