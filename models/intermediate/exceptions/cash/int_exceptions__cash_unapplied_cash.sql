-- unapplied_cash, in the family shape: "after ERP lettering and the engine's sure
-- matches, part of the receipt is still unexplained (overpayments land here)"
-- (CONTRACT.md). That part is what no explanation covers: amount less ERP lettering,
-- sure matches and the candidates waiting in the review queue. Cash with candidates is
-- explained, only not surely: it is already a reviewer's item in payment_applications
-- (proposed_review, with the ambiguity stated), and raising it here too would hand the
-- same decision to two people (DECISIONLOG). Beyond amount_tolerance only (rounding).
-- Taken out first, because something else already reports or excuses them:
--   * a duplicate_payment receipt: "such a receipt is not also unapplied_cash";
--   * a short payment (int_exceptions__cash_short_payments): "Not exceptions".
with

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

duplicate_payments as (

    select * from {{ ref('int_exceptions__cash_duplicate_payment') }}

),

short_payments as (

    select * from {{ ref('int_exceptions__cash_short_payments') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

short_paid as (

    select
        receipt_id,
        max(amount) as short_payment_amount
    from short_payments
    group by receipt_id

),

still_unexplained as (

    select
        receipt_balances.receipt_id,
        receipt_balances.entity,
        receipt_balances.currency,
        receipt_balances.value_date,
        receipt_balances.amount,
        receipt_balances.lettered_amount,
        receipt_balances.auto_amount,
        receipt_balances.payer_customer_key,
        receipt_balances.unexplained_reason,
        receipts.payer_name,
        receipts.bank_reference,
        receipt_balances.unexplained_amount
        - receipt_balances.review_amount
        - coalesce(short_paid.short_payment_amount, 0) as unexplained_amount
    from receipt_balances
    cross join as_of
    inner join receipts
        on receipt_balances.receipt_id = receipts.receipt_id
    left join duplicate_payments
        on receipt_balances.receipt_id = duplicate_payments.source_record_id
    left join short_paid
        on receipt_balances.receipt_id = short_paid.receipt_id
    where duplicate_payments.source_record_id is null
        and receipt_balances.value_date <= as_of.as_of_date

),

unapplied_cash as (

    select
        'unapplied_cash' as exception_type,
        'erp' as source_system,
        'cash_receipts' as source_entity,
        receipt_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        payer_customer_key as customer_key,
        currency,
        unexplained_amount as amount,
        value_date as event_date,
        {{ dbt.concat([
            "'Receipt '", 'receipt_id',
            "' ('", cash_money_phrase('currency', 'amount'),
            "', value date '", cash_date_text('value_date'),
            "', '", cash_statement_phrase('payer', 'payer_name'),
            "', '", cash_statement_phrase('bank reference', 'bank_reference'),
            "') still has '", cash_money_phrase('currency', 'unexplained_amount'),
            "' unexplained after '", cash_money_phrase('currency', 'lettered_amount'),
            "' of ERP lettering and '", cash_money_phrase('currency', 'auto_amount'),
            "' of sure matches: '", "coalesce(unexplained_reason, 'no explanation')", "'.'",
        ]) }} as explanation
    from still_unexplained
    where unexplained_amount > {{ var('amount_tolerance') }}

),

final as (

    {{ exception_family_shape('unapplied_cash') }}

)

select * from final
