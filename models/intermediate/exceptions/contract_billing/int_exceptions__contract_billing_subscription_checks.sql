-- The subscription-level comparison, one row per billing subscription: what it has
-- invoiced up to the as-of date, the CRM contract it is matched to (if any), the
-- contract its own link names and why that link was not followed, and the rule of
-- billing_without_contract (CONTRACT.md): "a subscription that is not trialing and has
-- issued an invoice has no CRM contract".
with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}
    where source_system = 'billing'

),

candidates as (

    select * from {{ ref('int_contracts__subscription_candidates') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

issued_invoices as (

    -- issued: not draft, not void, and issued on or before the as-of date
    select
        invoices.subscription_id,
        count(*) as issued_invoice_count,
        min(invoices.issue_date) as first_issue_date,
        max(invoices.issue_date) as last_issue_date,
        sum(invoices.subtotal) as issued_subtotal
    from invoices
    cross join as_of
    where
        invoices.status not in ('draft', 'void')
        and invoices.issue_date <= as_of.as_of_date
        and invoices.subscription_id is not null
    group by invoices.subscription_id

),

matched_contracts as (

    select
        subscription_id,
        count(*) as matched_contract_count,
        min(crm_contract_id) as crm_contract_id
    from candidates
    where is_accepted
    group by subscription_id

),

rejected_ranked as (

    -- the candidate contract the subscription came closest to, and why it was refused
    -- (the one its own link names first)
    select
        subscription_id,
        crm_contract_id,
        decision_reason,
        count(*) over (partition by subscription_id) as rejected_candidate_count,
        row_number() over (
            partition by subscription_id
            order by case when is_explicit_link then 0 else 1 end, start_gap_days, crm_contract_id
        ) as candidate_rank
    from candidates
    where not is_accepted

),

closest_rejected as (

    select * from rejected_ranked
    where candidate_rank = 1

),

compared as (

    select
        subscriptions.subscription_id,
        customers.customer_key,
        subscriptions.customer_id,
        subscriptions.crm_contract_id as linked_crm_contract_id,
        subscriptions.status,
        subscriptions.start_date,
        subscriptions.end_date,
        subscriptions.billing_interval,
        subscriptions.currency,
        issued_invoices.first_issue_date,
        issued_invoices.last_issue_date,
        matched_contracts.crm_contract_id as matched_crm_contract_id,
        closest_rejected.rejected_candidate_count,
        closest_rejected.crm_contract_id as closest_rejected_contract_id,
        closest_rejected.decision_reason as closest_rejected_reason,
        coalesce(issued_invoices.issued_invoice_count, 0) as issued_invoice_count,
        coalesce(issued_invoices.issued_subtotal, 0) as issued_subtotal,
        coalesce(matched_contracts.matched_contract_count, 0) as matched_contract_count
    from subscriptions
    left join customers
        on subscriptions.customer_id = customers.source_customer_id
    left join issued_invoices
        on subscriptions.subscription_id = issued_invoices.subscription_id
    left join matched_contracts
        on subscriptions.subscription_id = matched_contracts.subscription_id
    left join closest_rejected
        on subscriptions.subscription_id = closest_rejected.subscription_id

),

final as (

    select
        compared.*,
        -- billing_without_contract: "not trialing and has issued an invoice" with no
        -- matched CRM contract
        (
            compared.status != 'trialing'
            and compared.issued_invoice_count > 0
            and compared.matched_contract_count = 0
        ) as is_billing_without_contract
    from compared

)

select * from final
