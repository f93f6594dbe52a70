-- How the month's close went, per month and billing entity (issue #10): volume, how fast
-- invoices reach the ERP, how fast a signed contract is first billed, DSO, how much of
-- the chain ran without a person, what was sent to review, and what is still at risk.
-- Every figure is read off the trace and the marts, by the month of its own event:
-- an invoice by its issue month, an exception by its event date, a receipt by its value
-- date. Money is in the reporting currency at the month's closing rate
-- (int_reporting__fx_rates_monthly, as ARR). Definitions: README "Close metrics".
with

trace as (

    select * from {{ ref('quote_to_cash_trace') }}

),

months as (

    select * from {{ ref('int_arr__month_spine') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}
    where status not in ('draft', 'void')

),

invoice_matches as (

    select * from {{ ref('invoice_matches') }}
    where billing_document_type = 'invoice'

),

payment_applications as (

    select * from {{ ref('payment_applications') }}

),

receipt_balances as (

    select * from {{ ref('receipt_balances') }}

),

exceptions as (

    select * from {{ ref('reconciliation_exceptions') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

journal_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}

),

issued as (

    -- the invoices the month issued, with their way through the chain
    select
        trace.*,
        cast({{ dbt.date_trunc('month', 'trace.invoice_issue_date') }} as date) as month -- noqa: RF04
    from trace
    where trace.trace_kind = 'invoice' and trace.invoice_status not in ('draft', 'void')

),

touched_invoices as (

    -- an invoice a person had to look at: cash on its documents in review or decided by
    -- a reviewer, or an open exception on its chain
    select distinct invoice_matches.billing_document_id as invoice_id
    from invoice_matches
    inner join payment_applications
        on invoice_matches.erp_document_id = payment_applications.erp_document_id
    where payment_applications.status = 'proposed_review' or payment_applications.match_method = 'decision'

),

issued_flags as (

    select
        issued.*,
        case
            when
                issued.stops_at in ('revenue_recognition', 'complete')
                and issued.open_exception_count = 0
                and touched_invoices.invoice_id is null
                then 1
            else 0
        end as is_touchless
    from issued
    left join touched_invoices
        on issued.invoice_id = touched_invoices.invoice_id

),

invoice_figures as (

    select
        month,
        billing_entity,
        count(*) as invoices_issued,
        sum(case when erp_posting_date is not null then 1 else 0 end) as invoices_posted,
        sum(is_touchless) as invoices_touchless,
        {{ percentile_days(0.5, 'issue_to_posting_days') }} as issue_to_posting_days_median,
        {{ percentile_days(0.9, 'issue_to_posting_days') }} as issue_to_posting_days_p90
    from issued_flags
    group by month, billing_entity

),

first_invoices as (

    -- a contract's first invoice, against the day it was signed
    select
        crm_contract_id,
        billing_entity,
        min(invoice_issue_date) as first_issue_date
    from issued
    where crm_contract_id is not null
    group by crm_contract_id, billing_entity

),

signed_to_first_invoice as (

    select
        cast({{ dbt.date_trunc('month', 'first_invoices.first_issue_date') }} as date) as month, -- noqa: RF04
        first_invoices.billing_entity,
        {{ percentile_days(0.5, dbt.datediff('contracts.signed_date', 'first_invoices.first_issue_date', 'day')) }}
            as signed_to_first_invoice_days_median
    from first_invoices
    inner join contracts
        on first_invoices.crm_contract_id = contracts.contract_id
    where contracts.signed_date is not null
    group by
        cast({{ dbt.date_trunc('month', 'first_invoices.first_issue_date') }} as date),
        first_invoices.billing_entity

),

receivable_flows as (

    -- what moves the receivable, by entity, currency and month: invoices raise it,
    -- credit notes and applied cash (ERP lettering and the engine's sure matches)
    -- lower it
    select
        cast({{ dbt.date_trunc('month', 'issue_date') }} as date) as month, -- noqa: RF04
        billing_entity,
        currency,
        total as amount
    from invoices
    union all
    select
        cast({{ dbt.date_trunc('month', 'credit_notes.issue_date') }} as date) as month, -- noqa: RF04
        invoices.billing_entity,
        credit_notes.currency,
        -credit_notes.total as amount
    from credit_notes
    inner join invoices
        on credit_notes.invoice_id = invoices.invoice_id
    union all
    select
        cast({{ dbt.date_trunc('month', 'payment_applications.value_date') }} as date) as month, -- noqa: RF04
        invoices.billing_entity,
        invoices.currency,
        -payment_applications.applied_amount as amount
    from payment_applications
    inner join invoice_matches
        on payment_applications.erp_document_id = invoice_matches.erp_document_id
    inner join invoices
        on invoice_matches.billing_document_id = invoices.invoice_id
    where payment_applications.status in ('existing', 'proposed_auto')

),

monthly_flows as (

    select
        month,
        billing_entity,
        currency,
        sum(amount) as amount
    from receivable_flows
    group by month, billing_entity, currency

),

entity_currencies as (

    select distinct
        billing_entity,
        currency
    from monthly_flows

),

receivable_balances as (

    -- the receivable open at each month end, per currency, converted at that month's rate
    select
        months.month,
        months.month_end_date,
        entity_currencies.billing_entity,
        sum(monthly_flows.amount) * fx_rates.rate_to_reporting as open_receivable_reporting
    from months
    cross join entity_currencies
    inner join monthly_flows
        on entity_currencies.billing_entity = monthly_flows.billing_entity
            and entity_currencies.currency = monthly_flows.currency
            and months.month >= monthly_flows.month
    inner join fx_rates
        on months.month = fx_rates.month
            and entity_currencies.currency = fx_rates.currency
    group by
        months.month, months.month_end_date, entity_currencies.billing_entity, entity_currencies.currency,
        fx_rates.rate_to_reporting

),

open_receivable as (

    select
        month,
        month_end_date,
        billing_entity,
        sum(open_receivable_reporting) as open_receivable_reporting
    from receivable_balances
    group by month, month_end_date, billing_entity

),

billed_trailing_90_days as (

    -- what was billed in the 90 days up to the month end, at the month's rate
    select
        months.month,
        invoices.billing_entity,
        sum(invoices.total * fx_rates.rate_to_reporting) as billed_reporting
    from months
    inner join invoices
        on months.month_end_date >= invoices.issue_date
            and invoices.issue_date > {{ dbt.dateadd('day', -90, 'months.month_end_date') }}
    inner join fx_rates
        on months.month = fx_rates.month
            and invoices.currency = fx_rates.currency
    group by months.month, invoices.billing_entity

),

record_entities as (

    -- the legal entity of each kind of record an exception is raised on; a customer
    -- record belongs to no one entity, so duplicate_customer counts in no entity's close
    select
        'billing' as source_system,
        'invoices' as source_entity,
        invoice_id as record_id,
        billing_entity
    from {{ ref('stg_billing__invoices') }}
    union all
    select
        'billing' as source_system,
        'credit_notes' as source_entity,
        credit_notes.credit_note_id as record_id,
        invoices.billing_entity
    from credit_notes
    inner join {{ ref('stg_billing__invoices') }} as invoices
        on credit_notes.invoice_id = invoices.invoice_id
    union all
    select
        'billing' as source_system,
        'subscriptions' as source_entity,
        subscription_id as record_id,
        billing_entity
    from subscriptions
    union all
    select
        'crm' as source_system,
        'contracts' as source_entity,
        contract_id as record_id,
        billing_entity
    from contracts
    union all
    select
        'crm' as source_system,
        'contract_lines' as source_entity,
        contract_lines.contract_line_id as record_id,
        contracts.billing_entity
    from contract_lines
    inner join contracts
        on contract_lines.contract_id = contracts.contract_id
    union all
    select
        'erp' as source_system,
        'ar_documents' as source_entity,
        document_id as record_id,
        entity as billing_entity
    from ar_documents
    union all
    select
        'erp' as source_system,
        'cash_receipts' as source_entity,
        receipt_id as record_id,
        entity as billing_entity
    from receipt_balances
    union all
    select distinct
        'erp' as source_system,
        'journals' as source_entity,
        journal_id as record_id,
        entity as billing_entity
    from journal_lines

),

exception_figures as (

    select
        cast({{ dbt.date_trunc('month', 'exceptions.event_date') }} as date) as month, -- noqa: RF04
        record_entities.billing_entity,
        count(*) as exceptions_raised,
        sum(exceptions.amount_reporting) as revenue_at_risk_reporting
    from exceptions
    inner join record_entities
        on exceptions.source_system = record_entities.source_system
            and exceptions.source_entity = record_entities.source_entity
            and exceptions.source_record_id = record_entities.record_id
    where exceptions.event_date is not null
    group by cast({{ dbt.date_trunc('month', 'exceptions.event_date') }} as date), record_entities.billing_entity

),

receipt_figures as (

    select
        cast({{ dbt.date_trunc('month', 'receipt_balances.value_date') }} as date) as month, -- noqa: RF04
        receipt_balances.entity as billing_entity,
        sum(case when receipt_balances.review_amount > 0 then 1 else 0 end) as receipts_in_review,
        sum({{ unapplied_cash_reporting('receipt_balances', 'fx_rates') }}) as unapplied_cash_reporting
    from receipt_balances
    inner join fx_rates
        on cast({{ dbt.date_trunc('month', 'receipt_balances.value_date') }} as date) = fx_rates.month
            and receipt_balances.currency = fx_rates.currency
    group by
        cast({{ dbt.date_trunc('month', 'receipt_balances.value_date') }} as date),
        receipt_balances.entity

),

entities as (

    select billing_entity from invoice_figures
    union
    select billing_entity from exception_figures
    union
    select billing_entity from receipt_figures

),

grid as (

    select
        months.month,
        months.month_end_date,
        entities.billing_entity
    from months
    cross join entities

),

final as (

    select
        grid.month,
        grid.billing_entity,
        cast(coalesce(invoice_figures.invoices_issued, 0) as {{ dbt.type_int() }}) as invoices_issued,
        invoice_figures.issue_to_posting_days_median,
        invoice_figures.issue_to_posting_days_p90,
        signed_to_first_invoice.signed_to_first_invoice_days_median,
        cast(open_receivable.open_receivable_reporting as {{ type_money() }}) as open_receivable_reporting,
        cast(billed_trailing_90_days.billed_reporting as {{ type_money() }}) as billed_trailing_90_days_reporting,
        cast(
            round(
                open_receivable.open_receivable_reporting * 90
                / nullif(billed_trailing_90_days.billed_reporting, 0), 1
            ) as decimal(12, 1)
        ) as dso_days,
        cast(
            1.0 * invoice_figures.invoices_posted / nullif(invoice_figures.invoices_issued, 0) as {{ type_ratio() }}
        ) as posted_share,
        cast(
            1.0 * invoice_figures.invoices_touchless / nullif(invoice_figures.invoices_issued, 0)
            as {{ type_ratio() }}
        ) as touchless_share,
        cast(
            coalesce(exception_figures.exceptions_raised, 0) + coalesce(receipt_figures.receipts_in_review, 0)
            as {{ dbt.type_int() }}
        ) as items_sent_to_review,
        cast(coalesce(exception_figures.exceptions_raised, 0) as {{ dbt.type_int() }}) as exceptions_raised,
        cast(
            1000.0 * coalesce(exception_figures.exceptions_raised, 0) / nullif(invoice_figures.invoices_issued, 0)
            as {{ type_ratio() }}
        ) as exceptions_per_1000_invoices,
        cast(coalesce(exception_figures.revenue_at_risk_reporting, 0) as {{ type_money() }})
            as revenue_at_risk_reporting,
        cast(coalesce(receipt_figures.unapplied_cash_reporting, 0) as {{ type_money() }})
            as unapplied_cash_reporting
    from grid
    left join invoice_figures
        on grid.month = invoice_figures.month and grid.billing_entity = invoice_figures.billing_entity
    left join signed_to_first_invoice
        on grid.month = signed_to_first_invoice.month
            and grid.billing_entity = signed_to_first_invoice.billing_entity
    left join open_receivable
        on grid.month = open_receivable.month and grid.billing_entity = open_receivable.billing_entity
    left join billed_trailing_90_days
        on grid.month = billed_trailing_90_days.month
            and grid.billing_entity = billed_trailing_90_days.billing_entity
    left join exception_figures
        on grid.month = exception_figures.month and grid.billing_entity = exception_figures.billing_entity
    left join receipt_figures
        on grid.month = receipt_figures.month and grid.billing_entity = receipt_figures.billing_entity

)

select * from final
