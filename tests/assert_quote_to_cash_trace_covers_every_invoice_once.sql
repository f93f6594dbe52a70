-- The trace holds every billing invoice exactly once (issue #10): an invoice missing
-- from it, held twice, or a trace row naming an invoice billing does not have, fails.
with

invoices as (

    select invoice_id from {{ ref('stg_billing__invoices') }}

),

traced as (

    select
        invoice_id,
        count(*) as trace_rows
    from {{ ref('quote_to_cash_trace') }}
    where trace_kind = 'invoice'
    group by invoice_id

)

select
    coalesce(invoices.invoice_id, traced.invoice_id) as invoice_id,
    coalesce(traced.trace_rows, 0) as trace_rows
from invoices
full outer join traced
    on invoices.invoice_id = traced.invoice_id
where invoices.invoice_id is null or traced.invoice_id is null or traced.trace_rows <> 1
