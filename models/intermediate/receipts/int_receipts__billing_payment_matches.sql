-- The billing tool's own record of each ERP receipt. Billing keeps one payment per
-- invoice paid, so the payments one customer made on one day under one reference form
-- a batch: the same money as one bank receipt. A batch and a receipt are the same
-- movement when currency and amount are equal, the dates are within
-- date_tolerance_days, the references do not contradict each other, and neither has
-- another candidate. Where one (currency, amount, week) holds more receipt-batch pairs
-- than var('block_max_pairs'), only a reference on both sides that agrees pairs them.
-- Evidence only (payer, invoices paid): never extra cash.
{{ config(materialized='table') }}

{%- set window_days = var('date_tolerance_days') %}

with

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

customer_groups as (

    select
        source_customer_id as billing_customer_id,
        customer_key
    from {{ ref('int_customers__clustered') }}
    where source_system = 'billing'

),

succeeded_payments as (

    select
        payment_id,
        customer_id as billing_customer_id,
        invoice_id as billing_invoice_id,
        amount,
        currency,
        cast(paid_at as date) as paid_date,
        {{ normalise_document_number('reference') }} as reference_normalised,
        {{ dbt.concat([
            'customer_id', "'|'", 'currency', "'|'", 'cast(cast(paid_at as date) as ' ~ dbt.type_string() ~ ')',
            "'|'", "coalesce(" ~ normalise_document_number('reference') ~ ", '')"]) }} as batch_id
    from payments
    where status = 'succeeded'

),

batches as (

    select
        batch_id,
        min(billing_customer_id) as billing_customer_id,
        min(currency) as currency,
        min(paid_date) as paid_date,
        min(reference_normalised) as reference_normalised,
        sum(amount) as batch_amount
    from succeeded_payments
    group by batch_id

),

bucket_shifts as (

    select -1 as shift
    union all
    select 0 as shift
    union all
    select 1 as shift

),

bucketed_batches as (

    -- dates within the window fall in the same or a neighbouring bucket of the window's
    -- width: an equi-join on the bucket keeps a common amount (a 49.00 plan) from
    -- pairing every receipt with every payment of the ledger
    select
        batches.*,
        {{ date_bucket('batches.paid_date', window_days) }} + bucket_shifts.shift as date_bucket
    from batches
    cross join bucket_shifts

),

bucketed_receipts as (

    select
        receipts.*,
        {{ normalise_document_number('receipts.bank_reference') }} as reference_normalised,
        {{ date_bucket('receipts.value_date', window_days) }} as date_bucket
    from receipts

),

receipt_key_counts as (

    select
        currency,
        amount,
        date_bucket,
        count(*) as receipts
    from bucketed_receipts
    group by currency, amount, date_bucket

),

batch_key_counts as (

    select
        currency,
        batch_amount,
        date_bucket,
        count(*) as batches
    from bucketed_batches
    group by currency, batch_amount, date_bucket

),

crowded_keys as (

    -- a common amount in a busy week (thousands of card payments of a 49.00 plan):
    -- pairing every receipt with every batch of the key would grow with the square of
    -- the key, and without a reference none of those pairs could be one-to-one anyway
    select
        receipt_key_counts.currency,
        receipt_key_counts.amount,
        receipt_key_counts.date_bucket
    from receipt_key_counts
    inner join batch_key_counts
        on receipt_key_counts.currency = batch_key_counts.currency
            and receipt_key_counts.amount = batch_key_counts.batch_amount
            and receipt_key_counts.date_bucket = batch_key_counts.date_bucket
    where receipt_key_counts.receipts * batch_key_counts.batches > {{ var('block_max_pairs') }}

),

keyed_receipts as (

    select
        bucketed_receipts.*,
        crowded_keys.currency is not null as is_crowded
    from bucketed_receipts
    left join crowded_keys
        on bucketed_receipts.currency = crowded_keys.currency
            and bucketed_receipts.amount = crowded_keys.amount
            and bucketed_receipts.date_bucket = crowded_keys.date_bucket

),

blocked_pairs as (

    select
        keyed_receipts.receipt_id,
        bucketed_batches.batch_id
    from keyed_receipts
    inner join bucketed_batches
        on keyed_receipts.currency = bucketed_batches.currency
            and keyed_receipts.amount = bucketed_batches.batch_amount
            and keyed_receipts.date_bucket = bucketed_batches.date_bucket
    where not keyed_receipts.is_crowded
        and abs({{ dbt.datediff('bucketed_batches.paid_date', 'keyed_receipts.value_date', 'day') }})
        <= {{ window_days }}
        -- a reference on both sides must agree; card and direct-debit payments carry
        -- none in billing while the bank prints its own text
        and (
            keyed_receipts.bank_reference is null
            or bucketed_batches.reference_normalised is null
            or keyed_receipts.reference_normalised = bucketed_batches.reference_normalised
        )

),

referenced_pairs as (

    -- in a crowded key, only a reference printed on both sides, and agreeing, pairs
    select
        keyed_receipts.receipt_id,
        batches.batch_id
    from keyed_receipts
    inner join batches
        on keyed_receipts.currency = batches.currency
            and keyed_receipts.amount = batches.batch_amount
            and keyed_receipts.reference_normalised = batches.reference_normalised
    where keyed_receipts.is_crowded
        and abs({{ dbt.datediff('batches.paid_date', 'keyed_receipts.value_date', 'day') }}) <= {{ window_days }}

),

candidate_pairs as (

    select * from blocked_pairs
    union all
    select * from referenced_pairs

),

counted as (

    select
        receipt_id,
        batch_id,
        count(*) over (partition by receipt_id) as batches_for_receipt,
        count(*) over (partition by batch_id) as receipts_for_batch
    from candidate_pairs

),

one_to_one as (

    select
        receipt_id,
        batch_id
    from counted
    where batches_for_receipt = 1
        and receipts_for_batch = 1

),

final as (

    select
        one_to_one.receipt_id,
        succeeded_payments.payment_id,
        succeeded_payments.billing_customer_id,
        customer_groups.customer_key,
        succeeded_payments.billing_invoice_id,
        succeeded_payments.amount as payment_amount
    from one_to_one
    inner join succeeded_payments
        on one_to_one.batch_id = succeeded_payments.batch_id
    left join customer_groups
        on succeeded_payments.billing_customer_id = customer_groups.billing_customer_id

)

select * from final
