-- Every deal followed from opportunity to cash (issue #10): one row per billing invoice,
-- and one per CRM contract line that no invoice ever billed. Each row carries the ids
-- of the chain, the date of each stage, the days between consecutive stages, where the
-- chain stops and the open exceptions raised on any record of it.
--
-- Stages, in order: opportunity (close date), contract (start), subscription (start),
-- invoice (issue), erp_posting (first posting), cash (the value date at which sure cash
-- covered the invoice), revenue_recognition (the last revenue posting once the GL has
-- recognised the documents' net amount). stops_at is the first stage not reached, or
-- complete. The opportunity is found through its contract, so a chain with no contract
-- stops at contract. A one-off invoice (no subscription, as landing.yml allows) has
-- no deal behind it by design: its chain starts at the invoice. A draft or void
-- invoice was never issued, so its chain stops at invoice (DECISIONLOG "Quote-to-cash
-- trace").
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_billing__invoice_lines') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contract_matches as (

    select * from {{ ref('contract_subscription_matches') }}

),

line_item_pairs as (

    select * from {{ ref('int_contracts__line_item_pairs') }}
    where subscription_item_id is not null

),

downstream as (

    select * from {{ ref('int_trace__invoice_downstream') }}

),

invoice_matches as (

    select * from {{ ref('invoice_matches') }}
    where billing_document_type = 'invoice'

),

sure_applications as (

    select * from {{ ref('payment_applications') }}
    where status in ('existing', 'proposed_auto')

),

customer_xref as (

    select * from {{ ref('customer_xref') }}

),

exceptions as (

    -- open: not dismissed by a reviewer (a confirmed exception is still a problem)
    select * from {{ ref('reconciliation_exceptions') }}
    where review_status <> 'dismissed'

),

contract_of_subscription as (

    -- the contract grain is one row per matched pair; a subscription matched twice
    -- keeps its surest contract
    select
        subscription_id,
        crm_contract_id
    from (
        select
            subscription_id,
            crm_contract_id,
            row_number() over (
                partition by subscription_id order by match_confidence desc, crm_contract_id asc
            ) as match_rank
        from contract_matches
    ) as ranked_matches
    where match_rank = 1

),

subscription_of_contract as (

    select
        crm_contract_id,
        subscription_id
    from (
        select
            crm_contract_id,
            subscription_id,
            row_number() over (
                partition by crm_contract_id order by match_confidence desc, subscription_id asc
            ) as match_rank
        from contract_matches
    ) as ranked_matches
    where match_rank = 1

),

opportunity_of_contract as (

    -- the deal that won the contract: its first closed-won opportunity (later ones on
    -- the same contract are expansions or contractions of it)
    select
        contract_id,
        opportunity_id,
        close_date
    from (
        select
            contract_id,
            opportunity_id,
            close_date,
            row_number() over (partition by contract_id order by close_date, opportunity_id) as deal_rank
        from opportunities
        where stage = 'closed_won' and contract_id is not null
    ) as ranked_deals
    where deal_rank = 1

),

invoice_contract_lines as (

    -- the contract lines an invoice bills: its lines' subscription items, paired with
    -- the contract line of their product whose term covers the billed period
    select distinct
        invoice_lines.invoice_id,
        line_item_pairs.contract_line_id
    from invoice_lines
    inner join line_item_pairs
        on invoice_lines.subscription_item_id = line_item_pairs.subscription_item_id
    where
        invoice_lines.period_start is null
        or (
            invoice_lines.period_start <= line_item_pairs.line_end_date
            and coalesce(invoice_lines.period_end, invoice_lines.period_start) >= line_item_pairs.line_start_date
        )

),

lines_of_invoices as (

    select
        invoice_id,
        {{ sorted_text_list('contract_line_id') }} as crm_contract_line_ids
    from invoice_contract_lines
    group by invoice_id

),

invoice_chains as (

    select
        {{ dbt.concat(["'invoice:'", 'invoices.invoice_id']) }} as trace_id,
        'invoice' as trace_kind,
        case when invoices.subscription_id is null then 'invoice' else 'opportunity' end as chain_starts_at,
        opportunity_of_contract.opportunity_id,
        contract_of_subscription.crm_contract_id,
        lines_of_invoices.crm_contract_line_ids,
        invoices.subscription_id,
        invoices.invoice_id,
        invoices.invoice_number,
        invoices.status as invoice_status,
        downstream.erp_document_ids,
        downstream.receipt_ids,
        'billing' as customer_system,
        invoices.customer_id as customer_record_id,
        invoices.billing_entity,
        invoices.currency,
        invoices.total as invoice_total,
        downstream.amount_due,
        downstream.cash_applied_amount,
        downstream.revenue_recognised_amount,
        opportunity_of_contract.close_date as opportunity_close_date,
        contracts.start_date as contract_start_date,
        subscriptions.start_date as subscription_start_date,
        invoices.issue_date as invoice_issue_date,
        downstream.erp_posting_date,
        downstream.cash_value_date,
        downstream.revenue_recognised_date,
        invoices.status not in ('draft', 'void') as is_invoice_reached,
        downstream.erp_document_count > 0 as is_posting_reached,
        downstream.is_cash_reached,
        downstream.is_revenue_reached
    from invoices
    inner join downstream
        on invoices.invoice_id = downstream.invoice_id
    left join subscriptions
        on invoices.subscription_id = subscriptions.subscription_id
    left join contract_of_subscription
        on invoices.subscription_id = contract_of_subscription.subscription_id
    left join contracts
        on contract_of_subscription.crm_contract_id = contracts.contract_id
    left join opportunity_of_contract
        on contract_of_subscription.crm_contract_id = opportunity_of_contract.contract_id
    left join lines_of_invoices
        on invoices.invoice_id = lines_of_invoices.invoice_id

),

billed_lines as (

    select distinct contract_line_id from invoice_contract_lines

),

unbilled_line_chains as (

    select
        {{ dbt.concat(["'contract_line:'", 'contract_lines.contract_line_id']) }} as trace_id,
        'unbilled_contract_line' as trace_kind,
        'opportunity' as chain_starts_at,
        opportunity_of_contract.opportunity_id,
        contract_lines.contract_id as crm_contract_id,
        contract_lines.contract_line_id as crm_contract_line_ids,
        subscription_of_contract.subscription_id,
        cast(null as {{ dbt.type_string() }}) as invoice_id,
        cast(null as {{ dbt.type_string() }}) as invoice_number,
        cast(null as {{ dbt.type_string() }}) as invoice_status,
        cast(null as {{ dbt.type_string() }}) as erp_document_ids,
        cast(null as {{ dbt.type_string() }}) as receipt_ids,
        'crm' as customer_system,
        contracts.account_id as customer_record_id,
        contracts.billing_entity,
        contracts.currency,
        cast(null as {{ type_money() }}) as invoice_total,
        cast(null as {{ type_money() }}) as amount_due,
        cast(null as {{ type_money() }}) as cash_applied_amount,
        cast(null as {{ type_money() }}) as revenue_recognised_amount,
        opportunity_of_contract.close_date as opportunity_close_date,
        contracts.start_date as contract_start_date,
        subscriptions.start_date as subscription_start_date,
        cast(null as date) as invoice_issue_date,
        cast(null as date) as erp_posting_date,
        cast(null as date) as cash_value_date,
        cast(null as date) as revenue_recognised_date,
        false as is_invoice_reached,
        false as is_posting_reached,
        false as is_cash_reached,
        false as is_revenue_reached
    from contract_lines
    inner join contracts
        on contract_lines.contract_id = contracts.contract_id
    left join billed_lines
        on contract_lines.contract_line_id = billed_lines.contract_line_id
    left join subscription_of_contract
        on contract_lines.contract_id = subscription_of_contract.crm_contract_id
    left join subscriptions
        on subscription_of_contract.subscription_id = subscriptions.subscription_id
    left join opportunity_of_contract
        on contract_lines.contract_id = opportunity_of_contract.contract_id
    where billed_lines.contract_line_id is null

),

chains as (

    select * from invoice_chains
    union all
    select * from unbilled_line_chains

),

chain_records as (

    -- every record of a chain an exception can be raised on, by system
    select
        trace_id,
        'crm' as source_system,
        crm_contract_id as record_id
    from chains
    where crm_contract_id is not null
    union all
    select
        trace_id,
        'billing' as source_system,
        subscription_id as record_id
    from chains
    where subscription_id is not null
    union all
    select
        trace_id,
        'billing' as source_system,
        invoice_id as record_id
    from chains
    where invoice_id is not null
    union all
    select
        unbilled_line_chains.trace_id,
        'crm' as source_system,
        unbilled_line_chains.crm_contract_line_ids as record_id
    from unbilled_line_chains
    union all
    select
        {{ dbt.concat(["'invoice:'", 'invoice_contract_lines.invoice_id']) }} as trace_id,
        'crm' as source_system,
        invoice_contract_lines.contract_line_id as record_id
    from invoice_contract_lines
    union all
    select
        {{ dbt.concat(["'invoice:'", 'credit_notes.invoice_id']) }} as trace_id,
        'billing' as source_system,
        credit_notes.credit_note_id as record_id
    from credit_notes
    union all
    select
        {{ dbt.concat(["'invoice:'", 'invoice_matches.billing_document_id']) }} as trace_id,
        'erp' as source_system,
        invoice_matches.erp_document_id as record_id
    from invoice_matches
    union all
    select distinct
        {{ dbt.concat(["'invoice:'", 'invoice_matches.billing_document_id']) }} as trace_id,
        'erp' as source_system,
        sure_applications.receipt_id as record_id
    from invoice_matches
    inner join sure_applications
        on invoice_matches.erp_document_id = sure_applications.erp_document_id

),

chain_exceptions as (

    select
        chain_records_exceptions.trace_id,
        {{ sorted_text_list('chain_records_exceptions.exception_id') }} as open_exception_ids,
        count(*) as open_exception_count
    from (
        select distinct
            chain_records.trace_id,
            exceptions.exception_id
        from chain_records
        inner join exceptions
            on chain_records.source_system = exceptions.source_system
                and chain_records.record_id = exceptions.source_record_id
    ) as chain_records_exceptions
    group by chain_records_exceptions.trace_id

),

staged as (

    select
        chains.*,
        case
            when chains.chain_starts_at = 'invoice' and not chains.is_invoice_reached then 'invoice'
            when chains.chain_starts_at = 'invoice' and not chains.is_posting_reached then 'erp_posting'
            when chains.chain_starts_at = 'invoice' and not chains.is_cash_reached then 'cash'
            when chains.chain_starts_at = 'invoice' and not chains.is_revenue_reached then 'revenue_recognition'
            when chains.chain_starts_at = 'invoice' then 'complete'
            when chains.crm_contract_id is null then 'contract'
            when chains.opportunity_id is null then 'opportunity'
            when chains.subscription_id is null then 'subscription'
            when not chains.is_invoice_reached then 'invoice'
            when not chains.is_posting_reached then 'erp_posting'
            when not chains.is_cash_reached then 'cash'
            when not chains.is_revenue_reached then 'revenue_recognition'
            else 'complete'
        end as stops_at
    from chains

),

final as (

    select
        staged.trace_id,
        staged.trace_kind,
        staged.chain_starts_at,
        staged.stops_at,
        staged.opportunity_id,
        staged.crm_contract_id,
        staged.crm_contract_line_ids,
        staged.subscription_id,
        staged.invoice_id,
        staged.invoice_number,
        staged.invoice_status,
        staged.erp_document_ids,
        staged.receipt_ids,
        customer_xref.customer_key,
        staged.billing_entity,
        staged.currency,
        cast(staged.invoice_total as {{ type_money() }}) as invoice_total,
        cast(staged.amount_due as {{ type_money() }}) as amount_due,
        cast(staged.cash_applied_amount as {{ type_money() }}) as cash_applied_amount,
        cast(staged.revenue_recognised_amount as {{ type_money() }}) as revenue_recognised_amount,
        staged.opportunity_close_date,
        staged.contract_start_date,
        staged.subscription_start_date,
        staged.invoice_issue_date,
        staged.erp_posting_date,
        staged.cash_value_date,
        staged.revenue_recognised_date,
        -- days from each stage to the next, when both are reached
        {{ dbt.datediff('staged.opportunity_close_date', 'staged.contract_start_date', 'day') }}
            as close_to_contract_start_days,
        {{ dbt.datediff('staged.contract_start_date', 'staged.subscription_start_date', 'day') }}
            as contract_start_to_subscription_start_days,
        {{ dbt.datediff('staged.subscription_start_date', 'staged.invoice_issue_date', 'day') }}
            as subscription_start_to_issue_days,
        {{ dbt.datediff('staged.invoice_issue_date', 'staged.erp_posting_date', 'day') }}
            as issue_to_posting_days,
        {{ dbt.datediff('staged.erp_posting_date', 'staged.cash_value_date', 'day') }}
            as posting_to_cash_days,
        {{ dbt.datediff('staged.erp_posting_date', 'staged.revenue_recognised_date', 'day') }}
            as posting_to_revenue_days,
        chain_exceptions.open_exception_ids,
        cast(coalesce(chain_exceptions.open_exception_count, 0) as {{ dbt.type_int() }}) as open_exception_count
    from staged
    left join customer_xref
        on staged.customer_system = customer_xref.source_system
            and staged.customer_record_id = customer_xref.source_customer_id
    left join chain_exceptions
        on staged.trace_id = chain_exceptions.trace_id

)

select * from final
