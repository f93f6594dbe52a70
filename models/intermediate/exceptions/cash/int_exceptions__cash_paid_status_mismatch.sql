-- paid_status_mismatch, in the family shape: "what the billing tool says was paid
-- differs from the cash applied in the ERP (lettered plus sure matches)" (CONTRACT.md).
-- Billing's amount_paid of an issued invoice is compared with the cash applied to the
-- ERP document(s) that post it, beyond amount_tolerance. Both sides count cash only: a
-- credit note lowers what is due, it pays nothing, so a partly credited invoice paid
-- its net agrees on both sides, and so does a short payment both sides saw.
-- Not raised:
--   * an invoice with no ERP document: it is invoice_not_posted, or in transit within
--     posting_grace_days ("invoice_not_posted subsumes its consequences", DECISIONLOG);
--   * billing counting more than the ERP applied when that cash is in the ERP but not
--     yet applied: a receipt awaiting review on the invoice's document (that receipt is
--     unapplied_cash, the earlier type: "reported once, under the first type that
--     explains it"), or a short payment without reference ("Not exceptions").
with

invoice_payments as (

    select * from {{ ref('int_exceptions__cash_invoice_payments') }}

),

short_payments as (

    select * from {{ ref('int_exceptions__cash_short_payments') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

short_paid_per_invoice as (

    select
        invoice_id,
        sum(amount) as short_payment_amount
    from short_payments
    group by invoice_id

),

compared as (

    select
        invoice_payments.*,
        -- cash the ERP received for the invoice but has not applied to it yet
        invoice_payments.review_amount + coalesce(short_paid_per_invoice.short_payment_amount, 0)
            as cash_awaiting_application,
        case
            when invoice_payments.erp_document_count = 1
                then {{ dbt.concat(["'document '", 'invoice_payments.first_erp_document_number']) }}
            when invoice_payments.erp_document_count = 2
                then {{ dbt.concat([
                    "'documents '", 'invoice_payments.first_erp_document_number',
                    "' and '", 'invoice_payments.last_erp_document_number']) }}
            else {{ dbt.concat([
                    'cast(invoice_payments.erp_document_count as ' ~ dbt.type_string() ~ ')',
                    "' documents from '", 'invoice_payments.first_erp_document_number',
                    "' to '", 'invoice_payments.last_erp_document_number']) }}
        end as documents_text
    from invoice_payments
    cross join as_of
    left join short_paid_per_invoice
        on invoice_payments.invoice_id = short_paid_per_invoice.invoice_id
    where invoice_payments.issue_date <= as_of.as_of_date

),

paid_status_mismatch as (

    select
        'paid_status_mismatch' as exception_type,
        'billing' as source_system,
        'invoices' as source_entity,
        invoice_id as source_record_id,
        first_erp_document_id as related_record_id,
        customer_key,
        currency,
        abs(paid_difference) as amount,
        issue_date as event_date,
        {{ dbt.concat([
            "'Invoice '", 'invoice_number',
            "' ('", cash_money_phrase('currency', 'total'),
            "', issued '", cash_date_text('issue_date'),
            "') is paid '", cash_money_phrase('currency', 'amount_paid'),
            "' in the billing tool but '", cash_money_phrase('currency', 'erp_applied_amount'),
            "' in the ERP on '", 'documents_text',
            "' ('", cash_money_phrase('currency', 'lettered_amount'), "' lettered, '",
            cash_money_phrase('currency', 'auto_amount'), "' by sure matches), '",
            cash_money_phrase('currency', 'abs(paid_difference)'), "' apart.'",
        ]) }} as explanation
    from compared
    where abs(paid_difference) > {{ var('amount_tolerance') }}
        and not (
            paid_difference > 0
            and paid_difference <= cash_awaiting_application + {{ var('amount_tolerance') }}
        )

),

final as (

    {{ exception_family_shape('paid_status_mismatch') }}

)

select * from final
