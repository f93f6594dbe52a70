-- The billing-to-ERP side of the ARR bridge (issue #7). Billing ARR is a run-rate;
-- ERP ARR is the revenue recognized in the month x 12. Their gap splits in two:
--   1. recognition timing (one row per month): billing ARR minus what billing's own
--      documents earn in the month x 12 (int_arr__billed_revenue_monthly): partial
--      months, day counts, prorations, credit notes, periods not invoiced yet. It
--      compares billing with itself, so no posting problem can hide in it.
--   2. one row per billing document (or per ERP document no billing document stands
--      behind) whose earned revenue differs from the revenue the ERP recognized for it,
--      explained by the open posting or revenue exception on the document, else not
--      posted yet within posting_grace_days, else within tolerance (at most
--      amount_tolerance a month per line earning, in the document's currency: rounding),
--      else "unexplained".
-- The month's rows add up to billing ARR minus ERP ARR.
{%- set posting_grace_days = var('posting_grace_days') %}
{%- set document_order = [
    'invoice_not_posted', 'credit_note_not_posted', 'duplicate_posting', 'posting_amount_mismatch',
    'posting_period_mismatch', 'revenue_not_recognized', 'posting_without_source', 'posting_customer_mismatch'] %}

with

billing_items_monthly as (

    select * from {{ ref('int_arr__billing_items_monthly') }}

),

billed_revenue_monthly as (

    select * from {{ ref('int_arr__billed_revenue_monthly') }}

),

erp_documents_monthly as (

    select * from {{ ref('int_arr__erp_documents_monthly') }}

),

invoice_matches as (

    select * from {{ ref('int_invoices__matched') }}

),

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

exceptions as (

    select * from {{ ref('int_exceptions__ranked') }}
    where is_reported
        and exception_type in (
            '{{ document_order | join("', '") }}'
        )

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

subscription_months as (

    -- rounded per subscription, as the CRM-to-billing side rounds it
    select
        month,
        subscription_id,
        {{ money_of_sum('sum(arr_reporting)') }} as billing_arr
    from billing_items_monthly
    group by month, subscription_id

),

billing_arr_months as (

    select
        month,
        sum(billing_arr) as billing_arr
    from subscription_months
    group by month

),

billed_documents as (

    select
        month,
        billing_document_id,
        {{ money_of_sum('sum(arr_reporting)') }} as billed_arr,
        sum(revenue_document) as revenue_document,
        sum(line_count) as line_count
    from billed_revenue_monthly
    group by month, billing_document_id

),

billed_months as (

    select
        month,
        sum(billed_arr) as billed_arr
    from billed_documents
    group by month

),

-- each ERP document's revenue, under the billing document it stands for when it does
recognized_documents as (

    select
        erp_documents_monthly.month,
        invoice_matches.billing_document_id,
        case
            when invoice_matches.billing_document_id is null
                then coalesce(erp_documents_monthly.erp_document_id, '(no document)')
        end as erp_document_id,
        {{ money_of_sum('sum(erp_documents_monthly.arr_reporting)') }} as erp_arr,
        sum(erp_documents_monthly.revenue_document) as revenue_document
    from erp_documents_monthly
    left join invoice_matches
        on erp_documents_monthly.erp_document_id = invoice_matches.erp_document_id
    group by
        erp_documents_monthly.month,
        invoice_matches.billing_document_id,
        case
            when invoice_matches.billing_document_id is null
                then coalesce(erp_documents_monthly.erp_document_id, '(no document)')
        end

),

document_sides as (

    select
        month,
        billing_document_id,
        cast(null as {{ dbt.type_string() }}) as erp_document_id,
        billed_arr,
        cast(0 as {{ type_money() }}) as erp_arr,
        revenue_document,
        line_count
    from billed_documents

    union all

    select
        month,
        billing_document_id,
        erp_document_id,
        cast(0 as {{ type_money() }}) as billed_arr,
        erp_arr,
        -revenue_document as revenue_document,
        0 as line_count
    from recognized_documents

),

document_gaps as (

    select
        month,
        billing_document_id,
        erp_document_id,
        coalesce(billing_document_id, erp_document_id) as document_key,
        sum(billed_arr) as billed_arr,
        sum(erp_arr) as erp_arr,
        sum(billed_arr) - sum(erp_arr) as arr_gap,
        -- the gap in the document's currency, and the rounding it allows: amount_tolerance
        -- once per line earning in the month (at least once)
        sum(revenue_document) as gap_document,
        {{ var('amount_tolerance') }} * greatest(sum(line_count), 1) as rounding_allowance
    from document_sides
    group by month, billing_document_id, erp_document_id
    having sum(billed_arr) != sum(erp_arr)

),

posted_documents as (

    select distinct billing_document_id
    from invoice_matches

),

document_exceptions as (

    select
        exceptions.source_record_id as document_key,
        exceptions.exception_type,
        exceptions.exception_id,
        case
            {%- for exception_type in document_order %}
            when exceptions.exception_type = '{{ exception_type }}' then {{ loop.index }}
            {%- endfor %}
        end as explanation_rank
    from exceptions

),

ranked_explanations as (

    select
        document_gaps.month,
        document_gaps.document_key,
        document_exceptions.exception_type,
        document_exceptions.exception_id,
        row_number() over (
            partition by document_gaps.month, document_gaps.document_key
            order by document_exceptions.explanation_rank, document_exceptions.exception_id
        ) as explanation_order
    from document_gaps
    inner join document_exceptions
        on document_gaps.document_key = document_exceptions.document_key

),

explained_documents as (

    select
        document_gaps.month,
        document_gaps.billing_document_id,
        document_gaps.erp_document_id,
        billing_documents.customer_key,
        'document' as gap_kind,
        document_gaps.billed_arr,
        document_gaps.erp_arr,
        document_gaps.arr_gap,
        case
            when ranked_explanations.exception_type is not null then ranked_explanations.exception_type
            -- not posted yet, and not late: invoice_not_posted waits posting_grace_days
            when posted_documents.billing_document_id is null
                and billing_documents.issue_date > {{ dbt.dateadd('day', -posting_grace_days, 'as_of.as_of_date') }}
                then 'posting_within_grace'
            -- rounding, in the document's currency (CONTRACT.md: differences within the
            -- tolerances are rounding)
            when abs(document_gaps.gap_document) <= document_gaps.rounding_allowance then 'within_tolerance'
            else 'unexplained'
        end as explanation,
        ranked_explanations.exception_id
    from document_gaps
    left join ranked_explanations
        on document_gaps.month = ranked_explanations.month
            and document_gaps.document_key = ranked_explanations.document_key
            and ranked_explanations.explanation_order = 1
    left join billing_documents
        on document_gaps.billing_document_id = billing_documents.billing_document_id
    left join posted_documents
        on document_gaps.billing_document_id = posted_documents.billing_document_id
    cross join as_of

),

erp_months as (

    select
        month,
        sum(erp_arr) as erp_arr
    from recognized_documents
    group by month

),

-- the month's two totals, summed from the same rounded rows as the gaps
month_totals as (

    select
        month_spine.month,
        cast(null as {{ dbt.type_string() }}) as billing_document_id,
        cast(null as {{ dbt.type_string() }}) as erp_document_id,
        cast(null as {{ dbt.type_string() }}) as customer_key,
        'total' as gap_kind,
        coalesce(billing_arr_months.billing_arr, 0) as from_arr,
        coalesce(erp_months.erp_arr, 0) as to_arr,
        coalesce(billing_arr_months.billing_arr, 0) - coalesce(erp_months.erp_arr, 0) as arr_gap,
        'total' as explanation,
        cast(null as {{ dbt.type_string() }}) as exception_id
    from month_spine
    left join billing_arr_months
        on month_spine.month = billing_arr_months.month
    left join erp_months
        on month_spine.month = erp_months.month

),

recognition_timing as (

    select
        month_spine.month,
        cast(null as {{ dbt.type_string() }}) as billing_document_id,
        cast(null as {{ dbt.type_string() }}) as erp_document_id,
        cast(null as {{ dbt.type_string() }}) as customer_key,
        'timing' as gap_kind,
        coalesce(billing_arr_months.billing_arr, 0) as billing_arr,
        coalesce(billed_months.billed_arr, 0) as billed_arr,
        coalesce(billing_arr_months.billing_arr, 0) - coalesce(billed_months.billed_arr, 0) as arr_gap,
        'recognition_timing' as explanation,
        cast(null as {{ dbt.type_string() }}) as exception_id
    from month_spine
    left join billing_arr_months
        on month_spine.month = billing_arr_months.month
    left join billed_months
        on month_spine.month = billed_months.month
    where coalesce(billing_arr_months.billing_arr, 0) != coalesce(billed_months.billed_arr, 0)

),

final as (

    select
        month,
        billing_document_id,
        erp_document_id,
        customer_key,
        gap_kind,
        billed_arr as from_arr,
        erp_arr as to_arr,
        arr_gap,
        explanation,
        exception_id
    from explained_documents

    union all

    select
        month,
        billing_document_id,
        erp_document_id,
        customer_key,
        gap_kind,
        billing_arr as from_arr,
        billed_arr as to_arr,
        arr_gap,
        explanation,
        exception_id
    from recognition_timing

    union all

    select * from month_totals

)

select * from final
