-- The GL family of reconciliation exceptions (CONTRACT.md, "Exception vocabulary",
-- unbalanced_journal and revenue_not_recognized), in the family shape. Journals are
-- read as the ERP holds them; an invoice's ERP document is its posting as the postings
-- family decided it (int_exceptions__postings_billing_documents), so an unposted
-- invoice has no document to recognize and is only invoice_not_posted (DECISIONLOG:
-- "invoice_not_posted subsumes its consequences").
with

journal_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}

),

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

billing_documents as (

    select * from {{ ref('int_exceptions__postings_billing_documents') }}

),

customer_groups as (

    select * from {{ ref('int_customers__clustered') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

journal_totals as (

    -- a journal is booked by one entity, in one currency, on one day; it names the
    -- ERP document and customer it books when all its lines agree on them
    select
        journal_id,
        min(entity) as entity,
        min(currency) as currency,
        min(posting_date) as posting_date,
        sum(coalesce(debit, 0)) as total_debit,
        sum(coalesce(credit, 0)) as total_credit,
        -- min = max: one value across the lines (nulls aside), without the cost of a
        -- count(distinct) over every GL line
        case
            when min(source_document_id) = max(source_document_id) then min(source_document_id)
        end as source_document_id,
        case
            when min(erp_customer_id) = max(erp_customer_id) then min(erp_customer_id)
        end as erp_customer_id
    from journal_lines
    group by journal_id

),

unbalanced_journal as (

    -- "a journal's debits and credits differ"; a difference within amount_tolerance
    -- is rounding, not an exception
    select
        'unbalanced_journal' as exception_type,
        'erp' as source_system,
        'journals' as source_entity,
        journal_totals.journal_id as source_record_id,
        journal_totals.source_document_id as related_record_id,
        customer_groups.customer_key,
        journal_totals.currency,
        abs(journal_totals.total_debit - journal_totals.total_credit) as amount,
        journal_totals.posting_date as event_date,
        {{ dbt.concat([
            "'Journal '", 'journal_totals.journal_id',
            "' ('", 'journal_totals.entity', "', posted '", postings_date_text('journal_totals.posting_date'),
            "coalesce(" ~ dbt.concat(["', document '", 'ar_documents.document_number']) ~ ", '')",
            "') has debits of '", postings_money_phrase('journal_totals.currency', 'journal_totals.total_debit'),
            "' and credits of '", postings_money_phrase('journal_totals.currency', 'journal_totals.total_credit'),
            "', '", format_money('abs(journal_totals.total_debit - journal_totals.total_credit)'), "' apart.'",
        ]) }} as explanation
    from journal_totals
    left join ar_documents
        on journal_totals.source_document_id = ar_documents.document_id
    left join customer_groups
        on customer_groups.source_system = 'erp'
            and journal_totals.erp_customer_id = customer_groups.source_customer_id
    where abs(journal_totals.total_debit - journal_totals.total_credit) > {{ var('amount_tolerance') }}

),

revenue_recognized as (

    -- CONTRACT.md ARR: revenue is "credit minus debit on `revenue` GL lines"; only what
    -- is booked by the as-of date counts, so a run as of a past date is not rescued by
    -- a recognition booked after it
    select
        journal_lines.source_document_id as erp_document_id,
        sum(coalesce(journal_lines.credit, 0) - coalesce(journal_lines.debit, 0)) as recognized_amount
    from journal_lines
    cross join as_of
    where journal_lines.account_type = 'revenue'
        and journal_lines.source_document_id is not null
        and journal_lines.posting_date <= as_of.as_of_date
    group by journal_lines.source_document_id

),

service_periods as (

    -- a one-off invoice has no service period: it is delivered, and recognized, in its
    -- issue month, so its service ends on its issue date
    select
        billing_documents.billing_document_id as invoice_id,
        billing_documents.billing_document_number as invoice_number,
        billing_documents.customer_key,
        billing_documents.erp_document_id,
        billing_documents.erp_document_number,
        invoices.period_start,
        invoices.period_end,
        ar_documents.currency,
        ar_documents.net_amount,
        as_of.as_of_date,
        as_of.as_of_month,
        coalesce(invoices.period_end, invoices.issue_date) as service_end_date,
        coalesce(revenue_recognized.recognized_amount, 0) as recognized_amount
    from billing_documents
    inner join invoices
        on billing_documents.billing_document_id = invoices.invoice_id
    inner join ar_documents
        on billing_documents.erp_document_id = ar_documents.document_id
    left join revenue_recognized
        on billing_documents.erp_document_id = revenue_recognized.erp_document_id
    cross join as_of
    where billing_documents.billing_document_type = 'invoice'

),

revenue_not_recognized as (

    -- "the invoice's service period ended before the as-of month, yet the revenue
    -- recognized for its ERP document is below the document's net amount"; a shortfall
    -- within amount_tolerance is rounding
    select
        'revenue_not_recognized' as exception_type,
        'billing' as source_system,
        'invoices' as source_entity,
        invoice_id as source_record_id,
        erp_document_id as related_record_id,
        customer_key,
        currency,
        net_amount - recognized_amount as amount,
        service_end_date as event_date,
        {{ dbt.concat([
            "'Invoice '", 'invoice_number',
            "case when period_end is null then "
            ~ dbt.concat(["' (one-off, issued '", postings_date_text('service_end_date')]) ~ " else "
            ~ dbt.concat(["' (service '", postings_date_text('period_start'), "' to '", postings_date_text('period_end')])
            ~ " end",
            "') has '", postings_money_phrase('currency', 'recognized_amount'),
            "' of revenue recognized by '", postings_date_text('as_of_date'),
            "' on ERP document '", 'erp_document_number',
            "', '", format_money('net_amount - recognized_amount'),
            "' short of its net amount of '", postings_money_phrase('currency', 'net_amount'), "'.'",
        ]) }} as explanation
    from service_periods
    where service_end_date < as_of_month
        and net_amount - recognized_amount > {{ var('amount_tolerance') }}

),

raised as (

    select * from unbalanced_journal
    union all
    select * from revenue_not_recognized

),

final as (

    {{ exception_family_shape('raised') }}

)

select * from final
