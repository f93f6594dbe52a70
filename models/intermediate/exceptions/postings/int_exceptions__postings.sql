-- The billing-vs-ERP postings family of reconciliation exceptions (CONTRACT.md,
-- "Exception vocabulary", invoice_not_posted ... posting_period_mismatch), in the
-- family shape. Every rule reads the matching's links (int_invoices__matched, through
-- int_exceptions__postings_billing_documents): a billing document's posting is its
-- first live ERP document, later ones repeat it. A record may be raised under two
-- types here; int_exceptions__ranked reports the earlier one.
with

billing_documents as (

    select * from {{ ref('int_exceptions__postings_billing_documents') }}

),

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

matched as (

    select * from {{ ref('int_invoices__matched') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

documents_aged as (

    select
        billing_documents.*,
        case billing_documents.billing_document_type
            when 'invoice' then 'invoices'
            else 'credit_notes'
        end as source_entity,
        case billing_documents.billing_document_type
            when 'invoice' then 'Invoice'
            else 'Credit note'
        end as document_label,
        {{ dbt.datediff('billing_documents.issue_date', 'as_of.as_of_date', 'day') }}
            as days_since_issue
    from billing_documents
    cross join as_of

),

not_posted as (

    -- "an invoice (not draft, not void) issued at least posting_grace_days before the
    -- as-of date has no ERP document", and "the same for a credit note": a younger one
    -- is in transit. A cancelled ERP document "counts as not posted" (it never matches).
    select
        case billing_document_type
            when 'invoice' then 'invoice_not_posted'
            else 'credit_note_not_posted'
        end as exception_type,
        'billing' as source_system,
        source_entity,
        billing_document_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        customer_key,
        currency,
        billing_total as amount,
        issue_date as event_date,
        {{ dbt.concat([
            'document_label', "' '", 'billing_document_number',
            "' ('", postings_money_phrase('currency', 'billing_total'),
            "', issued '", postings_date_text('issue_date'), "') has no '",
            "case billing_document_type when 'invoice' then 'ERP document' else 'ERP credit memo' end",
            "coalesce(" ~ dbt.concat(["' other than the cancelled '", 'cancelled_document_number']) ~ ", '')",
            "' '", 'cast(days_since_issue as ' ~ dbt.type_string() ~ ')', "' days later.'",
        ]) }} as explanation
    from documents_aged
    where erp_document_id is null
        and is_issued
        and days_since_issue >= {{ var('posting_grace_days') }}

),

posting_amount_mismatch as (

    -- "the ERP gross amount differs from the billing total", beyond rounding
    -- (amount_tolerance); a posting in another currency does not carry the billing
    -- total at all, so the whole total is at risk
    select
        'posting_amount_mismatch' as exception_type,
        'billing' as source_system,
        source_entity,
        billing_document_id as source_record_id,
        erp_document_id as related_record_id,
        customer_key,
        currency,
        case
            when erp_currency != currency then billing_total
            else abs(amount_difference)
        end as amount,
        issue_date as event_date,
        case
            when erp_currency != currency
                then {{ dbt.concat([
                    'document_label', "' '", 'billing_document_number',
                    "' ('", postings_money_phrase('currency', 'billing_total'),
                    "') is posted as '", 'erp_document_number',
                    "' in '", postings_money_phrase('erp_currency', 'erp_gross_amount'),
                    "', another currency than billing.'",
                ]) }}
            else {{ dbt.concat([
                    'document_label', "' '", 'billing_document_number',
                    "' is posted as '", 'erp_document_number',
                    "' for '", postings_money_phrase('erp_currency', 'erp_gross_amount'),
                    "' gross, '", format_money('abs(amount_difference)'),
                    "case when amount_difference > 0 then ' more' else ' less' end",
                    "' than its billing total of '", postings_money_phrase('currency', 'billing_total'), "'.'",
                ]) }}
        end as explanation
    from documents_aged
    where erp_document_id is not null
        and (
            erp_currency != currency
            or abs(amount_difference) > {{ var('amount_tolerance') }}
        )

),

duplicate_posting as (

    -- "more than one ERP document stands for the invoice": the invoice is named and the
    -- first extra document is the related record (it is matched, so never also
    -- posting_without_source); the gap is what the extra documents claim
    select
        'duplicate_posting' as exception_type,
        'billing' as source_system,
        source_entity,
        billing_document_id as source_record_id,
        extra_document_id as related_record_id,
        customer_key,
        erp_currency as currency,
        abs(extra_gross_amount) as amount,
        issue_date as event_date,
        {{ dbt.concat([
            "'Invoice '", 'billing_document_number',
            "' ('", postings_money_phrase('currency', 'billing_total'),
            "') is posted '", 'cast(live_document_count as ' ~ dbt.type_string() ~ ')',
            "' times in the ERP: as '", 'erp_document_number', "' on '", postings_date_text('posting_date'),
            "', then again as '", 'extra_document_number', "' on '", postings_date_text('extra_posting_date'),
            "case when live_document_count > 2 then ' and later' else '' end",
            "'; the extra postings claim '", postings_money_phrase('erp_currency', 'extra_gross_amount'), "'.'",
        ]) }} as explanation
    from documents_aged
    where billing_document_type = 'invoice'
        and live_document_count > 1

),

posting_without_source as (

    -- "an ERP document stands for no billing invoice or credit note"; a cancelled
    -- document is not posted, so it never stands for anything (DECISIONLOG)
    select
        'posting_without_source' as exception_type,
        'erp' as source_system,
        'ar_documents' as source_entity,
        erp_documents.erp_document_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        erp_documents.customer_key,
        erp_documents.currency,
        abs(erp_documents.gross_amount) as amount,
        erp_documents.posting_date as event_date,
        {{ dbt.concat([
            "case erp_documents.erp_document_type when 'invoice' then 'ERP invoice '"
            ~ " when 'credit_memo' then 'ERP credit memo ' else 'ERP document ' end",
            'erp_documents.erp_document_number',
            "' ('", postings_money_phrase('erp_documents.currency', 'erp_documents.gross_amount'),
            "', posted '", postings_date_text('erp_documents.posting_date'),
            "coalesce(" ~ dbt.concat(["', reference '", 'erp_documents.external_reference']) ~ ", ', no reference')",
            "') stands for no billing invoice or credit note.'",
        ]) }} as explanation
    from erp_documents
    left join matched
        on erp_documents.erp_document_id = matched.erp_document_id
    where erp_documents.is_posted
        and matched.erp_document_id is null

),

posting_customer_mismatch as (

    -- "the ERP document is held by an ERP customer of another customer group"
    select
        'posting_customer_mismatch' as exception_type,
        'billing' as source_system,
        source_entity,
        billing_document_id as source_record_id,
        erp_document_id as related_record_id,
        customer_key,
        erp_currency as currency,
        abs(erp_gross_amount) as amount,
        issue_date as event_date,
        {{ dbt.concat([
            "'Invoice '", 'billing_document_number',
            "' ('", postings_money_phrase('currency', 'billing_total'),
            "') of billing customer '", 'customer_id',
            "' is posted as '", 'erp_document_number', "' on ERP customer '", 'erp_customer_id',
            "', which belongs to another customer group.'",
        ]) }} as explanation
    from documents_aged
    where billing_document_type = 'invoice'
        and erp_document_id is not null
        and customer_key != erp_customer_key

),

posting_period_mismatch as (

    -- "the posting month is not the issue month (cut-off)"; a posting a few days after
    -- issue within the same month is not an exception
    select
        'posting_period_mismatch' as exception_type,
        'billing' as source_system,
        source_entity,
        billing_document_id as source_record_id,
        erp_document_id as related_record_id,
        customer_key,
        erp_currency as currency,
        abs(erp_gross_amount) as amount,
        issue_date as event_date,
        {{ dbt.concat([
            "'Invoice '", 'billing_document_number',
            "' ('", postings_money_phrase('currency', 'billing_total'),
            "') issued '", postings_date_text('issue_date'),
            "' is posted as '", 'erp_document_number', "' on '", postings_date_text('posting_date'),
            "', in '", postings_month_text('posting_date'), "' instead of '", postings_month_text('issue_date'),
            "'.'",
        ]) }} as explanation
    from documents_aged
    where billing_document_type = 'invoice'
        and erp_document_id is not null
        and {{ dbt.date_trunc('month', 'posting_date') }} != {{ dbt.date_trunc('month', 'issue_date') }}

),

raised as (

    select * from not_posted
    union all
    select * from posting_amount_mismatch
    union all
    select * from duplicate_posting
    union all
    select * from posting_without_source
    union all
    select * from posting_customer_mismatch
    union all
    select * from posting_period_mismatch

),

final as (

    {{ exception_family_shape('raised') }}

)

select * from final
