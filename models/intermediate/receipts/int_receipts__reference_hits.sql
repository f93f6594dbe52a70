-- Which live ERP invoices a receipt's bank reference names. The reference is free
-- text ("Payment invoice inv-2025-000071", "SEPA DD INV-2024-0000096", "2123"), so it
-- is cut into words and each word is compared, case and separators free, with the
-- keys of every document of the receipt's entity and currency:
--   full      the ERP document number, the billing invoice number it posts, or its
--             external reference
--   fragment  the trailing number alone, leading zeros dropped (INV-2024-0002123 ->
--             2123), or the number without its series prefix; a fragment is only a
--             hint, corroborated later by the payer or the amount
-- Only hits that count are kept. Settled documents are kept too: a receipt naming
-- only paid invoices is not free cash for the amount rules (likely a payment made
-- twice).
{{ config(materialized='table') }}

{%- set min_fragment_length = 3 %}

with

payers as (

    select * from {{ ref('int_receipts__payers') }}

),

open_items as (

    select * from {{ ref('int_receipts__open_items') }}

),

reference_words as (

    select
        receipt_id,
        entity,
        currency,
        {{ split_to_rows('bank_reference', '[^A-Za-z0-9._-]+') }} as word
    from payers
    where bank_reference is not null
        and residual_amount > {{ var('amount_tolerance') }}

),

receipt_keys as (

    -- a word without a digit (CARD, SEPA, Payment) names no document
    select distinct
        receipt_id,
        entity,
        currency,
        {{ normalise_document_number('word') }} as full_key,
        case
            when {{ regexp_replace_all(normalise_document_number('word'), '[0-9]', '') }} = ''
                then {{ regexp_replace_all(normalise_document_number('word'), '^0+', '') }}
        end as fragment_key
    from reference_words
    where {{ normalise_document_number('word') }}
        != {{ regexp_replace_all(normalise_document_number('word'), '[0-9]', '') }}

),

document_numbers as (

    select
        erp_document_id,
        entity,
        currency,
        erp_document_number as document_number
    from open_items
    union all
    select
        erp_document_id,
        entity,
        currency,
        billing_invoice_number as document_number
    from open_items
    where billing_invoice_number is not null
    union all
    select
        erp_document_id,
        entity,
        currency,
        external_reference as document_number
    from open_items
    where external_reference is not null

),

document_keys as (

    select distinct
        erp_document_id,
        entity,
        currency,
        'full' as key_kind,
        {{ normalise_document_number('document_number') }} as document_key
    from document_numbers

    union

    select
        erp_document_id,
        entity,
        currency,
        'fragment' as key_kind,
        {{ regexp_replace_all("regexp_extract(upper(document_number), '([0-9]+)[^0-9]*$', 1)", '^0+', '') }}
            as document_key
    from document_numbers

    union

    select
        erp_document_id,
        entity,
        currency,
        'fragment' as key_kind,
        {{ regexp_replace_all(document_number_body(normalise_document_number('document_number')), '^0+', '') }}
            as document_key
    from document_numbers

),

hits as (

    select
        receipt_keys.receipt_id,
        document_keys.erp_document_id,
        document_keys.key_kind
    from receipt_keys
    inner join document_keys
        on receipt_keys.entity = document_keys.entity
            and receipt_keys.currency = document_keys.currency
            and receipt_keys.full_key = document_keys.document_key
    where document_keys.key_kind = 'full'

    union all

    select
        receipt_keys.receipt_id,
        document_keys.erp_document_id,
        document_keys.key_kind
    from receipt_keys
    inner join document_keys
        on receipt_keys.entity = document_keys.entity
            and receipt_keys.currency = document_keys.currency
            and receipt_keys.fragment_key = document_keys.document_key
    where document_keys.key_kind = 'fragment'
        and length(receipt_keys.fragment_key) >= {{ min_fragment_length }}

),

strongest_hit as (

    -- a document named both whole and by fragment counts as named whole
    select
        receipt_id,
        erp_document_id,
        case when max(case when key_kind = 'full' then 1 else 0 end) = 1 then 'full' else 'fragment' end
            as key_kind
    from hits
    group by receipt_id, erp_document_id

),

documents_named as (

    select
        strongest_hit.receipt_id,
        strongest_hit.erp_document_id,
        strongest_hit.key_kind,
        open_items.customer_key as document_customer_key,
        open_items.billing_invoice_id,
        open_items.document_date,
        open_items.open_amount,
        open_items.is_open,
        payers.payer_customer_key,
        payers.residual_amount,
        max(case when strongest_hit.key_kind = 'full' then 1 else 0 end)
            over (partition by strongest_hit.receipt_id)
        = 1 as receipt_has_full_hit
    from strongest_hit
    inner join open_items
        on strongest_hit.erp_document_id = open_items.erp_document_id
    inner join payers
        on strongest_hit.receipt_id = payers.receipt_id

),

final as (

    -- a whole number outranks fragments; a fragment counts only when the document
    -- belongs to the identified payer or its open amount is the receipt's residual
    select
        receipt_id,
        erp_document_id,
        key_kind,
        document_customer_key,
        billing_invoice_id,
        document_date,
        open_amount,
        is_open,
        residual_amount
    from documents_named
    where key_kind = 'full'
        or (
            not receipt_has_full_hit
            and (
                document_customer_key = payer_customer_key
                or (is_open and abs(open_amount - residual_amount) <= {{ var('amount_tolerance') }})
            )
        )

)

select * from final
