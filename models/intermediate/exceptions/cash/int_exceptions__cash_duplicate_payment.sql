-- duplicate_payment, in the family shape: "the later of two receipts with the same
-- entity, amount, currency, payer, bank reference, value dates at most 3 days apart"
-- (CONTRACT.md). The payer name and the bank reference compare as the bank printed
-- them, case and runs of spaces ignored, and a missing one equals a missing one: the
-- two statement lines read the same. "The later" is the later value date, then the
-- later receipt_id; the related record is the nearest earlier twin. The 3 days are the
-- contract's own figure, not a tolerance var.
with

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

statement_lines as (

    select
        receipt_id,
        entity,
        currency,
        amount,
        value_date,
        payer_name,
        bank_reference,
        {{ cash_statement_key('payer_name') }} as payer_key,
        {{ cash_statement_key('bank_reference') }} as reference_key
    from receipts

),

ordered_lines as (

    -- the statement lines that read the same, in (value date, receipt_id) order: the
    -- line just before a receipt is its nearest earlier twin, so no line is paired with
    -- every other line of its amount (receipts with neither payer nor reference would
    -- pair across the whole ledger); a line without value date has no place in time
    select
        statement_lines.*,
        lag(statement_lines.receipt_id) over (
            partition by
                statement_lines.entity, statement_lines.currency, statement_lines.amount,
                statement_lines.payer_key, statement_lines.reference_key
            order by statement_lines.value_date, statement_lines.receipt_id
        ) as earlier_receipt_id,
        lag(statement_lines.value_date) over (
            partition by
                statement_lines.entity, statement_lines.currency, statement_lines.amount,
                statement_lines.payer_key, statement_lines.reference_key
            order by statement_lines.value_date, statement_lines.receipt_id
        ) as earlier_value_date
    from statement_lines
    where statement_lines.entity is not null
        and statement_lines.currency is not null
        and statement_lines.amount is not null
        and statement_lines.value_date is not null

),

nearest_twin as (

    select
        receipt_id,
        entity,
        currency,
        amount,
        value_date,
        payer_name,
        bank_reference,
        earlier_receipt_id,
        earlier_value_date,
        {{ dbt.datediff(
            'earlier_value_date',
            'value_date',
            'day'
        ) }} as days_apart
    from ordered_lines
    where earlier_receipt_id is not null
        -- "value dates at most 3 days apart" (CONTRACT.md)
        and {{ dbt.datediff(
            'earlier_value_date',
            'value_date',
            'day'
        ) }} <= 3

),

duplicate_payment as (

    select
        'duplicate_payment' as exception_type,
        'erp' as source_system,
        'cash_receipts' as source_entity,
        nearest_twin.receipt_id as source_record_id,
        nearest_twin.earlier_receipt_id as related_record_id,
        receipt_balances.payer_customer_key as customer_key,
        nearest_twin.currency,
        nearest_twin.amount,
        nearest_twin.value_date as event_date,
        {{ dbt.concat([
            "'Receipt '", 'nearest_twin.receipt_id',
            "' ('", cash_money_phrase('nearest_twin.currency', 'nearest_twin.amount'),
            "', value date '", cash_date_text('nearest_twin.value_date'),
            "') repeats receipt '", 'nearest_twin.earlier_receipt_id',
            "' of '", cash_date_text('nearest_twin.earlier_value_date'),
            "', '", 'cast(nearest_twin.days_apart as ' ~ dbt.type_string() ~ ')',
            "' day(s) earlier: same entity '", 'nearest_twin.entity',
            "', amount, currency, '", cash_statement_phrase('payer', 'nearest_twin.payer_name'),
            "' and '", cash_statement_phrase('bank reference', 'nearest_twin.bank_reference'), "'.'",
        ]) }} as explanation
    from nearest_twin
    cross join as_of
    left join receipt_balances
        on nearest_twin.receipt_id = receipt_balances.receipt_id
    where nearest_twin.value_date <= as_of.as_of_date

),

final as (

    {{ exception_family_shape('duplicate_payment') }}

)

select * from final
