-- Receipts that are a short payment of one billing invoice: "Not exceptions: ... a
-- short payment (that is collections, not reconciliation)" (CONTRACT.md). Cash
-- application applies a partial payment only on a bank reference (README, "Cash
-- application"), so a short payment made without one stays unexplained in
-- receipt_balances. The billing tool's record of the same movement
-- (int_receipts__billing_payment_matches) names who paid, and often the invoice: the
-- receipt is that customer's short payment when billing shows an invoice paid by exactly
-- the receipt's unexplained amount more than the ERP applied (within amount_tolerance)
-- and still short of its amount due. Both sides then agree on what was paid.
with

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

billing_payment_matches as (

    select * from {{ ref('int_receipts__billing_payment_matches') }}

),

invoice_payments as (

    select * from {{ ref('int_exceptions__cash_invoice_payments') }}

),

unexplained_receipts as (

    -- nothing explains the rest: a receipt with candidates awaiting review is not short
    select
        receipt_id,
        currency,
        unexplained_amount
    from receipt_balances
    where unexplained_amount > {{ var('amount_tolerance') }}
        and review_amount = 0

),

billing_records as (

    select distinct
        receipt_id,
        billing_customer_id,
        billing_invoice_id
    from billing_payment_matches

),

named_invoices as (

    -- the billing payment names its invoice
    select
        billing_records.receipt_id,
        invoice_payments.invoice_id
    from billing_records
    inner join invoice_payments
        on billing_records.billing_invoice_id = invoice_payments.invoice_id

),

customer_invoices as (

    -- an unlinked transfer names only the customer: any of its invoices may be the one
    select
        billing_records.receipt_id,
        invoice_payments.invoice_id
    from billing_records
    inner join invoice_payments
        on billing_records.billing_customer_id = invoice_payments.billing_customer_id
    where billing_records.billing_invoice_id is null

),

candidate_invoices as (

    select * from named_invoices
    union
    select * from customer_invoices

),

receipt_candidates as (
    -- each unexplained receipt with its candidate invoices, keyed by invoice and the
    -- receipt's currency: joined on the currency alone, receipts and invoices would
    -- make a near cross product, so an invoice is only reached through its receipt
    select
        unexplained_receipts.receipt_id,
        unexplained_receipts.currency,
        unexplained_receipts.unexplained_amount,
        {{ dbt.concat(['candidate_invoices.invoice_id', "'|'", 'unexplained_receipts.currency']) }}
            as invoice_currency_key
    from unexplained_receipts
    inner join candidate_invoices
        on unexplained_receipts.receipt_id = candidate_invoices.receipt_id

),

keyed_invoice_payments as (

    select
        invoice_payments.*,
        {{ dbt.concat(['invoice_payments.invoice_id', "'|'", 'invoice_payments.currency']) }}
            as invoice_currency_key
    from invoice_payments

),

short_payments as (

    select
        receipt_candidates.receipt_id,
        keyed_invoice_payments.invoice_id,
        keyed_invoice_payments.invoice_number,
        receipt_candidates.currency,
        receipt_candidates.unexplained_amount as amount,
        keyed_invoice_payments.amount_due,
        keyed_invoice_payments.amount_paid
    from receipt_candidates
    inner join keyed_invoice_payments
        on receipt_candidates.invoice_currency_key = keyed_invoice_payments.invoice_currency_key
    where
        -- billing counted this receipt on the invoice and the ERP did not apply it
        abs(keyed_invoice_payments.paid_difference - receipt_candidates.unexplained_amount)
        <= {{ var('amount_tolerance') }}
        -- and billing itself says the invoice is still not fully paid: short
        and keyed_invoice_payments.amount_paid < keyed_invoice_payments.amount_due - {{ var('amount_tolerance') }}

),

final as (

    select * from short_payments

)

select * from final
