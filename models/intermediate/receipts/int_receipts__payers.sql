-- Every ERP cash receipt with what the lettering left to explain (its residual) and
-- who paid it. Amount rules search the open items of one customer only, so the payer
-- must be known first, from the strongest evidence available:
--   1 erp_customer_id   the ERP team identified the payer on the receipt
--   2 billing_payment   the billing tool recorded the same movement for a customer
--   3 payer_name        the name on the bank statement is the name of exactly one
--                       customer group, whole (normalised) or cut short by the bank
-- Evidence 2 and 3 must not contradict each other; a payer named by two groups, or
-- by conflicting evidence, stays unknown.
{{ config(materialized='table') }}

{%- set truncated_name_min_length = 10 %}

with

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

lettering as (

    select * from {{ ref('int_receipts__lettering_checked') }}

),

billing_payment_matches as (

    select * from {{ ref('int_receipts__billing_payment_matches') }}

),

customer_records as (

    select * from {{ ref('int_customers__records') }}

),

customer_groups as (

    select * from {{ ref('int_customers__clustered') }}

),

lettered_per_receipt as (

    select
        receipt_id,
        sum(applied_amount) as lettered_amount
    from lettering
    where is_trusted
    group by receipt_id

),

payer_by_erp_customer as (

    select
        receipts.receipt_id,
        customer_groups.customer_key
    from receipts
    inner join customer_groups
        on receipts.erp_customer_id = customer_groups.source_customer_id
            and customer_groups.source_system = 'erp'

),

payer_by_billing_payment as (

    select
        receipt_id,
        min(customer_key) as customer_key
    from billing_payment_matches
    group by receipt_id
    having min(customer_key) = max(customer_key)  -- one customer (a count(distinct) costs more)

),

record_names as (

    -- each record answers to its legal name and to its alternate (commercial) name
    select
        customer_groups.customer_key,
        customer_records.name_normalised,
        {{ clean_company_name('customer_records.customer_name') }} as name_clean
    from customer_records
    inner join customer_groups
        on customer_records.source_system = customer_groups.source_system
            and customer_records.source_customer_id = customer_groups.source_customer_id

    union all

    select
        customer_groups.customer_key,
        customer_records.alternate_name_normalised as name_normalised,
        {{ clean_company_name('customer_records.alternate_name') }} as name_clean
    from customer_records
    inner join customer_groups
        on customer_records.source_system = customer_groups.source_system
            and customer_records.source_customer_id = customer_groups.source_customer_id
    where customer_records.alternate_name is not null

),

payer_names as (

    select
        receipt_id,
        {{ normalise_company_name('payer_name') }} as payer_normalised,
        {{ clean_company_name('payer_name') }} as payer_clean
    from receipts
    where payer_name is not null

),

payer_cut_lengths as (

    -- where a bank may have cut a name: the lengths of the payer names, per first
    -- characters (a cut name is at least truncated_name_min_length long)
    select distinct
        substr(payer_clean, 1, {{ truncated_name_min_length }}) as name_block,
        length(payer_clean) as cut_length
    from payer_names
    where length(payer_clean) >= {{ truncated_name_min_length }}

),

record_prefixes as (

    -- each customer name cut at those lengths: the cut name is then found by an equal
    -- join. Blocking on the first characters alone would compare every payer with every
    -- customer of a common prefix ("the global..."), a join that grows with the square
    -- of the block; this grows with names times cut lengths, at most the longest name
    select distinct
        record_names.customer_key,
        substr(record_names.name_clean, 1, payer_cut_lengths.cut_length) as name_prefix
    from record_names
    inner join payer_cut_lengths
        on substr(record_names.name_clean, 1, {{ truncated_name_min_length }}) = payer_cut_lengths.name_block
    where length(record_names.name_clean) > payer_cut_lengths.cut_length

),

payer_name_candidates as (

    select
        payer_names.receipt_id,
        record_names.customer_key
    from payer_names
    inner join record_names
        on payer_names.payer_normalised = record_names.name_normalised

    union all

    -- a bank cuts long names: a payer name of some length that starts a customer's
    -- name names that customer
    select
        payer_names.receipt_id,
        record_prefixes.customer_key
    from payer_names
    inner join record_prefixes
        on payer_names.payer_clean = record_prefixes.name_prefix

),

payer_by_name as (

    select
        receipt_id,
        min(customer_key) as customer_key
    from payer_name_candidates
    group by receipt_id
    having min(customer_key) = max(customer_key)  -- one customer (a count(distinct) costs more)

),

identified as (

    select
        receipts.receipt_id,
        case
            when payer_by_erp_customer.customer_key is not null then payer_by_erp_customer.customer_key
            when payer_by_billing_payment.customer_key is not null
                and payer_by_name.customer_key is not null
                and payer_by_billing_payment.customer_key != payer_by_name.customer_key
                then null
            else coalesce(payer_by_billing_payment.customer_key, payer_by_name.customer_key)
        end as payer_customer_key,
        case
            when payer_by_erp_customer.customer_key is not null then 'erp_customer_id'
            when payer_by_billing_payment.customer_key is not null
                and payer_by_name.customer_key is not null
                and payer_by_billing_payment.customer_key != payer_by_name.customer_key
                then null
            when payer_by_billing_payment.customer_key is not null then 'billing_payment'
            when payer_by_name.customer_key is not null then 'payer_name'
        end as payer_method
    from receipts
    left join payer_by_erp_customer
        on receipts.receipt_id = payer_by_erp_customer.receipt_id
    left join payer_by_billing_payment
        on receipts.receipt_id = payer_by_billing_payment.receipt_id
    left join payer_by_name
        on receipts.receipt_id = payer_by_name.receipt_id

),

final as (

    select
        receipts.receipt_id,
        receipts.entity,
        receipts.currency,
        receipts.value_date,
        receipts.amount,
        receipts.payer_name,
        receipts.bank_reference,
        receipts.erp_customer_id,
        cast(coalesce(lettered_per_receipt.lettered_amount, 0) as {{ type_money() }}) as lettered_amount,
        cast(receipts.amount - coalesce(lettered_per_receipt.lettered_amount, 0) as {{ type_money() }})
            as residual_amount,
        identified.payer_customer_key,
        identified.payer_method
    from receipts
    inner join identified
        on receipts.receipt_id = identified.receipt_id
    left join lettered_per_receipt
        on receipts.receipt_id = lettered_per_receipt.receipt_id

)

select * from final
