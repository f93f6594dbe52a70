-- One row per ERP cash receipt: how its amount splits between the ERP lettering, the
-- engine's sure proposals, the proposals waiting for review and what nobody explains,
-- with why that rest is unexplained. amount = lettered + auto + review + unapplied.
-- unexplained_amount = amount - lettered - auto; unapplied_cash reads unapplied_amount.
with

payers as (

    select * from {{ ref('int_receipts__payers') }}

),

payment_applications as (

    select * from {{ ref('payment_applications') }}

),

reference_hits as (

    select * from {{ ref('int_receipts__reference_hits') }}

),

available_documents as (

    select * from {{ ref('int_receipts__available_documents') }}

),

applied_per_receipt as (

    select
        receipt_id,
        sum(case when status = 'existing' then applied_amount else 0 end) as lettered_amount,
        sum(case when status = 'proposed_auto' then applied_amount else 0 end) as auto_amount,
        sum(case when status = 'proposed_review' then applied_amount else 0 end) as review_candidates_amount
    from payment_applications
    group by receipt_id

),

reference_per_receipt as (

    select
        receipt_id,
        max(case when is_open then 1 else 0 end) = 1 as names_open_document
    from reference_hits
    group by receipt_id

),

payer_document_counts as (

    select
        customer_key,
        entity,
        currency,
        count(*) as open_document_count
    from available_documents
    group by customer_key, entity, currency

),

balances as (

    select
        payers.receipt_id,
        payers.entity,
        payers.currency,
        payers.value_date,
        payers.amount,
        payers.payer_customer_key,
        payers.payer_method,
        coalesce(applied_per_receipt.lettered_amount, 0) as lettered_amount,
        coalesce(applied_per_receipt.auto_amount, 0) as auto_amount,
        -- candidates in review may overlap (two readings of one receipt): at most the
        -- rest of the receipt is waiting for a decision
        least(
            coalesce(applied_per_receipt.review_candidates_amount, 0),
            payers.amount - coalesce(applied_per_receipt.lettered_amount, 0)
            - coalesce(applied_per_receipt.auto_amount, 0)
        ) as review_amount,
        reference_per_receipt.receipt_id is not null as has_reference_hit,
        coalesce(reference_per_receipt.names_open_document, false) as names_open_document,
        coalesce(payer_document_counts.open_document_count, 0) as payer_open_document_count
    from payers
    left join applied_per_receipt
        on payers.receipt_id = applied_per_receipt.receipt_id
    left join reference_per_receipt
        on payers.receipt_id = reference_per_receipt.receipt_id
    left join payer_document_counts
        on payers.payer_customer_key = payer_document_counts.customer_key
            and payers.entity = payer_document_counts.entity
            and payers.currency = payer_document_counts.currency

),

final as (

    select
        receipt_id,
        entity,
        currency,
        value_date,
        amount,
        cast(lettered_amount as {{ type_money() }}) as lettered_amount,
        cast(auto_amount as {{ type_money() }}) as auto_amount,
        cast(review_amount as {{ type_money() }}) as review_amount,
        cast(amount - lettered_amount - auto_amount - review_amount as {{ type_money() }}) as unapplied_amount,
        cast(amount - lettered_amount - auto_amount as {{ type_money() }}) as unexplained_amount,
        payer_customer_key,
        payer_method,
        case
            when amount - lettered_amount - auto_amount <= {{ var('amount_tolerance') }} then null
            when review_amount > 0 then 'awaiting review'
            when has_reference_hit and not names_open_document
                then 'the bank reference names only documents already settled'
            when has_reference_hit then 'more than the open amount of the documents the bank reference names'
            when payer_customer_key is null then 'no document in the bank reference and the payer is unknown'
            when payer_open_document_count > {{ var('receipt_subset_max_documents') }}
                then 'the payer has more open documents than the subset search covers'
            else 'no open document or combination of documents of the payer equals the amount'
        end as unexplained_reason
    from balances

)

select * from final
