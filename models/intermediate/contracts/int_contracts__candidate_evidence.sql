-- Every (crm contract, billing subscription) pair worth a look, with the evidence the
-- matching rules weigh: the explicit link the billing tool keeps, the customer groups,
-- billing entity, term overlap, start-date gap, product sets, currency and interval.
-- Decisions are taken in int_contracts__subscription_candidates, not here.
with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

subscription_items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

product_map as (

    select * from {{ ref('stg_reference__product_map') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}

),

groups_with_crm_accounts as (

    -- the groups in which the customer layer placed at least one CRM account: a billing
    -- customer in such a group is, per that layer, the customer of those accounts
    select distinct customer_key
    from customers
    where source_system = 'crm'

),

contracts_with_group as (

    -- "A customer group is one real customer" (CONTRACT.md, Records and links): the
    -- contract belongs to the group of its CRM account
    select
        contracts.*,
        customers.customer_key
    from contracts
    left join customers
        on
            customers.source_system = 'crm'
            and contracts.account_id = customers.source_customer_id

),

subscriptions_with_group as (

    select
        subscriptions.*,
        customers.customer_key,
        groups_with_crm_accounts.customer_key is not null as is_customer_group_with_crm_account
    from subscriptions
    left join customers
        on
            customers.source_system = 'billing'
            and subscriptions.customer_id = customers.source_customer_id
    left join groups_with_crm_accounts
        on customers.customer_key = groups_with_crm_accounts.customer_key

),

explicit_pairs as (

    -- the link the billing tool keeps, when it names a staged contract
    select
        contracts_with_group.contract_id,
        subscriptions_with_group.subscription_id
    from subscriptions_with_group
    inner join contracts_with_group
        on subscriptions_with_group.crm_contract_id = contracts_with_group.contract_id

),

same_group_pairs as (

    select
        contracts_with_group.contract_id,
        subscriptions_with_group.subscription_id
    from contracts_with_group
    inner join subscriptions_with_group
        on contracts_with_group.customer_key = subscriptions_with_group.customer_key

),

candidate_pairs as (

    select * from explicit_pairs
    union
    select * from same_group_pairs

),

contract_products as (

    -- "Lines and items pair up through reference/product_map" (CONTRACT.md): a CRM
    -- product is compared as its billing product; an unmapped one matches nothing.
    -- Scope: every line over the contract's whole term (amendments end a line and start
    -- another of the same product, so the set is stable whatever day is looked at).
    select distinct
        contract_lines.contract_id,
        coalesce(
            product_map.billing_product_code,
            {{ dbt.concat(["'unmapped crm product '", 'contract_lines.product_code']) }}
        ) as billing_product_code
    from contract_lines
    left join product_map
        on contract_lines.product_code = product_map.crm_product_code

),

subscription_products as (

    select distinct
        subscription_id,
        product_code as billing_product_code
    from subscription_items

),

contract_product_counts as (

    select
        contract_id,
        count(*) as contract_product_count
    from contract_products
    group by contract_id

),

subscription_product_counts as (

    select
        subscription_id,
        count(*) as subscription_product_count
    from subscription_products
    group by subscription_id

),

pair_products as (
    -- each candidate pair with its contract's products, keyed by subscription and product:
    -- joined on the product alone, contracts and subscriptions would make a near cross
    -- product, so the subscription side is only ever reached through its pair
    select
        candidate_pairs.contract_id,
        candidate_pairs.subscription_id,
        {{ dbt.concat(['candidate_pairs.subscription_id', "'|'", 'contract_products.billing_product_code']) }}
            as subscription_product_key
    from candidate_pairs
    inner join contract_products
        on candidate_pairs.contract_id = contract_products.contract_id

),

keyed_subscription_products as (

    select {{ dbt.concat(['subscription_id', "'|'", 'billing_product_code']) }} as subscription_product_key
    from subscription_products

),

shared_product_counts as (

    select
        pair_products.contract_id,
        pair_products.subscription_id,
        count(*) as shared_product_count
    from pair_products
    inner join keyed_subscription_products
        on pair_products.subscription_product_key = keyed_subscription_products.subscription_product_key
    group by pair_products.contract_id, pair_products.subscription_id

),

evidence as (

    select
        candidate_pairs.contract_id as crm_contract_id,
        candidate_pairs.subscription_id,
        contracts_with_group.account_id,
        subscriptions_with_group.customer_id as billing_customer_id,
        contracts_with_group.customer_key as contract_customer_key,
        subscriptions_with_group.customer_key as subscription_customer_key,
        contracts_with_group.contract_number,
        contracts_with_group.status as contract_status,
        subscriptions_with_group.status as subscription_status,
        contracts_with_group.renewed_from_contract_id,
        contracts_with_group.start_date as contract_start_date,
        contracts_with_group.end_date as contract_end_date,
        subscriptions_with_group.start_date as subscription_start_date,
        subscriptions_with_group.end_date as subscription_end_date,
        contracts_with_group.billing_entity,
        contracts_with_group.currency as contract_currency,
        subscriptions_with_group.currency as subscription_currency,
        contracts_with_group.billing_frequency,
        subscriptions_with_group.billing_interval,
        coalesce(subscriptions_with_group.crm_contract_id = candidate_pairs.contract_id, false)
            as is_explicit_link,
        coalesce(contracts_with_group.customer_key = subscriptions_with_group.customer_key, false)
            as is_same_customer_group,
        -- the customer layer contradicts a pairing only when it placed the billing
        -- customer with CRM accounts and the contract's account is not among them; a
        -- billing customer it could tie to no CRM account is no evidence either way
        (
            contracts_with_group.customer_key is not null
            and subscriptions_with_group.is_customer_group_with_crm_account
            and contracts_with_group.customer_key != subscriptions_with_group.customer_key
        ) as is_customer_group_contradicted,
        coalesce(contracts_with_group.billing_entity = subscriptions_with_group.billing_entity, false)
            as is_same_billing_entity,
        {{ term_overlap_days(
            'contracts_with_group.start_date', 'contracts_with_group.end_date',
            'subscriptions_with_group.start_date', 'subscriptions_with_group.end_date') }}
            as term_overlap_days,
        abs({{ dbt.datediff('contracts_with_group.start_date', 'subscriptions_with_group.start_date', 'day') }})
            as start_gap_days,
        coalesce(contract_product_counts.contract_product_count, 0) as contract_product_count,
        coalesce(subscription_product_counts.subscription_product_count, 0) as subscription_product_count,
        coalesce(shared_product_counts.shared_product_count, 0) as shared_product_count,
        coalesce(contracts_with_group.currency = subscriptions_with_group.currency, false)
            as is_currency_equal,
        coalesce(
            contracts_with_group.billing_frequency
            = {{ frequency_of_interval('subscriptions_with_group.billing_interval') }},
            false
        ) as is_interval_frequency_equal
    from candidate_pairs
    inner join contracts_with_group
        on candidate_pairs.contract_id = contracts_with_group.contract_id
    inner join subscriptions_with_group
        on candidate_pairs.subscription_id = subscriptions_with_group.subscription_id
    left join contract_product_counts
        on candidate_pairs.contract_id = contract_product_counts.contract_id
    left join subscription_product_counts
        on candidate_pairs.subscription_id = subscription_product_counts.subscription_id
    left join shared_product_counts
        on
            candidate_pairs.contract_id = shared_product_counts.contract_id
            and candidate_pairs.subscription_id = shared_product_counts.subscription_id

),

final as (

    -- equal product sets: the same non-empty set on both sides (an empty set proves
    -- nothing). Weaker: the subscription bills only products of the contract, some not
    -- at all, which CONTRACT.md names a quantity_mismatch ("or not at all"), so the
    -- subscription is still the contract's.
    select
        evidence.*,
        (
            evidence.shared_product_count > 0
            and evidence.shared_product_count = evidence.contract_product_count
            and evidence.shared_product_count = evidence.subscription_product_count
        ) as is_product_set_equal,
        (
            evidence.shared_product_count > 0
            and evidence.shared_product_count = evidence.subscription_product_count
        ) as is_product_subset
    from evidence

)

select * from final
