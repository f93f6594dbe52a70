-- The cash family of reconciliation exceptions (CONTRACT.md, "Exception vocabulary":
-- unapplied_cash, paid_status_mismatch, duplicate_payment), in the family shape (see
-- models/intermediate/exceptions/_exceptions__models.yml). Each type is one model of
-- this folder; all of them read cash application (payment_applications,
-- receipt_balances: issue #5) and never match cash again. A duplicate_payment receipt is
-- kept out of unapplied_cash here, since the contract says so although unapplied_cash
-- comes first in the vocabulary; other precedence is int_exceptions__ranked's.
{%- set family_columns = [
    'exception_type', 'source_system', 'source_entity', 'source_record_id', 'related_record_id',
    'customer_key', 'currency', 'amount', 'event_date', 'explanation',
] %}

with

unapplied_cash as (

    select * from {{ ref('int_exceptions__cash_unapplied_cash') }}

),

paid_status_mismatch as (

    select * from {{ ref('int_exceptions__cash_paid_status_mismatch') }}

),

duplicate_payment as (

    select * from {{ ref('int_exceptions__cash_duplicate_payment') }}

),

final as (

    {%- for exception_type in ['unapplied_cash', 'paid_status_mismatch', 'duplicate_payment'] %}
    select {{ family_columns | join(', ') }}
    from {{ exception_type }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
