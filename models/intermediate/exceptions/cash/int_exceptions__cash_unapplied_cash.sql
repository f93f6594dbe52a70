-- unapplied_cash, in the family shape: "after ERP lettering and the engine's sure
-- matches, part of the receipt is still unexplained (overpayments land here)"
-- (CONTRACT.md). That part is receipt_balances.unexplained_amount (amount - lettered -
-- proposed_auto): cash whose candidates await review is not a sure match, so it counts.
-- Beyond amount_tolerance only (rounding). Taken out first, because something else
-- already reports or excuses them:
--   * a duplicate_payment receipt: "such a receipt is not also unapplied_cash";
--   * the part whose only candidates are the ERP documents of one invoice posted twice:
--     that is the invoice's duplicate_posting ("reported once, under the first type
--     that explains it"); the receipt is applied once the extra document is cancelled;
--   * a short payment (int_exceptions__cash_short_payments): "Not exceptions".
with

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

payment_applications as (

    select * from {{ ref('payment_applications') }}

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

duplicate_posting_candidates as (

    -- every review candidate of the receipt is a posting of one and the same invoice
    -- (erp_lettering rows in review are failed ERP lettering, not candidates)
    select
        receipt_id,
        max(applied_amount) as duplicate_posting_amount
    from payment_applications
    where status = 'proposed_review'
        and match_method != 'erp_lettering'
    group by receipt_id
    having count(*) > 1
        and count(billing_invoice_id) = count(*)
        and count(distinct billing_invoice_id) = 1

),

review_reasons as (

    -- what the reviewer is asked to decide, in cash application's own words
    select
        receipt_id,
        min(review_reason) as review_reason
    from payment_applications
    where status = 'proposed_review'
    group by receipt_id

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
        case
            when review_reasons.review_reason is not null
                then {{ dbt.concat([
                    'receipt_balances.unexplained_reason', "' ('", 'review_reasons.review_reason', "')'"]) }}
            else receipt_balances.unexplained_reason
        end as unexplained_reason,
        receipts.payer_name,
        receipts.bank_reference,
        receipt_balances.unexplained_amount
        - coalesce(duplicate_posting_candidates.duplicate_posting_amount, 0)
        - coalesce(short_paid.short_payment_amount, 0) as unexplained_amount
    from receipt_balances
    cross join as_of
    inner join receipts
        on receipt_balances.receipt_id = receipts.receipt_id
    left join duplicate_payments
        on receipt_balances.receipt_id = duplicate_payments.source_record_id
    left join duplicate_posting_candidates
        on receipt_balances.receipt_id = duplicate_posting_candidates.receipt_id
    left join short_paid
        on receipt_balances.receipt_id = short_paid.receipt_id
    left join review_reasons
        on receipt_balances.receipt_id = review_reasons.receipt_id
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

    select
        exception_type,
        source_system,
        source_entity,
        source_record_id,
        related_record_id,
        customer_key,
        currency,
        cast(amount as {{ type_money() }}) as amount,
        event_date,
        explanation
    from unapplied_cash

)

select * from final
