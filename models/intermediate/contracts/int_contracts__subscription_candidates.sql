-- Every candidate (crm contract, billing subscription) pair with the rule that weighed
-- it, whether it was accepted and why (or why not). The accepted pairs are the mart
-- contract_subscription_matches. Rules, strongest first (issue #4):
--   1. explicit_link: the subscription names the contract, and nothing contradicts it;
--   2. customer_term_products: same customer group, billing entity, overlapping term
--      and product set, the closest start on both sides, unambiguous;
--   3. renewal_continuation: a renewal contract carried on by the subscription of the
--      contract it renews.
-- Precision first: a wrong link is worse than a missing one, so every tie is left
-- unmatched and reported here.
{%- set renewal_steps = 3 %}
with

evidence as (

    select * from {{ ref('int_contracts__candidate_evidence') }}

),

explicit_decisions as (

    -- rule 1. The billing tool's own link is the strongest evidence, but "a customer
    -- group is one real customer" (CONTRACT.md): a link the customer layer contradicts
    -- (it put the billing customer with other CRM accounts) is stale or wrong and is not
    -- followed. A link it neither confirms nor contradicts (billing customer tied to no
    -- CRM account, or quarantined) is followed with less confidence. Drafts never match.
    select
        crm_contract_id,
        subscription_id,
        case
            when contract_status = 'draft'
                then 'rejected: the explicit link names a draft contract'
            when is_customer_group_contradicted
                then 'rejected: the customer groups contradict the explicit link'
        end as rejection_reason,
        case when is_same_customer_group then 1.00 else 0.90 end as match_confidence
    from evidence
    where is_explicit_link

),

explicit_matches as (

    select
        crm_contract_id,
        subscription_id,
        'explicit_link' as match_method,
        match_confidence
    from explicit_decisions
    where rejection_reason is null

),

contracts_matched_explicitly as (

    select distinct crm_contract_id from explicit_matches

),

subscriptions_matched_explicitly as (

    select distinct subscription_id from explicit_matches

),

term_product_evidence as (

    -- what rules 2 and 3 require of a pair: one real customer, the same legal entity
    -- billing, terms sharing at least one day (CONTRACT.md, active-on-day rule) and the
    -- contract's products through reference/product_map (all, or some left unbilled:
    -- a quantity_mismatch "not at all" later). Currency and interval are not
    -- required: they differ in currency_mismatch and term_mismatch, which need the match.
    select
        evidence.*,
        (
            evidence.is_same_customer_group
            and evidence.is_same_billing_entity
            and evidence.term_overlap_days > 0
            and evidence.is_product_subset
            and evidence.contract_status != 'draft'
        ) as has_term_product_evidence
    from evidence

),

fallback_eligible as (

    -- rule 2 only looks at contracts and subscriptions rule 1 left unmatched
    select term_product_evidence.*
    from term_product_evidence
    left join contracts_matched_explicitly
        on term_product_evidence.crm_contract_id = contracts_matched_explicitly.crm_contract_id
    left join subscriptions_matched_explicitly
        on term_product_evidence.subscription_id = subscriptions_matched_explicitly.subscription_id
    where
        term_product_evidence.has_term_product_evidence
        and contracts_matched_explicitly.crm_contract_id is null
        and subscriptions_matched_explicitly.subscription_id is null

),

fallback_distance as (

    -- prefer an equal product set, then the closest start: the distance orders by both
    select
        fallback_eligible.*,
        fallback_eligible.start_gap_days
        + case when fallback_eligible.is_product_set_equal then 0 else 1000000 end as match_distance
    from fallback_eligible

),

fallback_closest as (

    -- the best candidate seen from each side
    select
        fallback_distance.*,
        min(fallback_distance.match_distance)
            over (partition by fallback_distance.crm_contract_id)
            as contract_closest_distance,
        min(fallback_distance.match_distance)
            over (partition by fallback_distance.subscription_id)
            as subscription_closest_distance
    from fallback_distance

),

fallback_ties as (

    select
        fallback_closest.*,
        sum(case when fallback_closest.match_distance = fallback_closest.contract_closest_distance then 1 else 0 end)
            over (partition by fallback_closest.crm_contract_id) as contract_closest_count,
        sum(
            case when fallback_closest.match_distance = fallback_closest.subscription_closest_distance then 1 else 0 end
        )
            over (partition by fallback_closest.subscription_id) as subscription_closest_count
    from fallback_closest

),

fallback_decisions as (

    -- accepted only when each side has exactly one best candidate and it is the other
    select
        crm_contract_id,
        subscription_id,
        case
            when contract_closest_count > 1 or subscription_closest_count > 1
                then 'rejected: ambiguous, another candidate is as close'
            when
                match_distance > contract_closest_distance
                or match_distance > subscription_closest_distance
                then 'rejected: another candidate is closer'
        end as rejection_reason,
        -- a start gap beyond tolerance, another currency or interval still match, with
        -- less confidence: they are term_mismatch / currency_mismatch later
        case
            when not is_product_set_equal then 0.75
            when
                start_gap_days <= {{ var('date_tolerance_days') }}
                and is_currency_equal
                and is_interval_frequency_equal
                then 0.95
            else 0.85
        end as match_confidence
    from fallback_ties

),

matched_0 as (

    select * from explicit_matches

    union all

    select
        crm_contract_id,
        subscription_id,
        'customer_term_products' as match_method,
        match_confidence
    from fallback_decisions
    where rejection_reason is null

),

renewal_eligible as (

    -- rule 3. A renewal is a new CRM contract (renewed_from_contract_id); in real data
    -- it may go on billing on the subscription of the contract it renews. Followed only
    -- when that subscription is the renewal's one and only term/product candidate and it
    -- started before the renewal (it is carried on, not started for it).
    select
        term_product_evidence.*,
        sum(case when term_product_evidence.has_term_product_evidence then 1 else 0 end)
            over (partition by term_product_evidence.crm_contract_id) as contract_candidate_count
    from term_product_evidence

),

{% for step in range(1, renewal_steps + 1) %}
renewal_step_{{ step }} as (

    -- one more link down a renewal chain per step ({{ renewal_steps }} renewals at most)
    select
        renewal_eligible.crm_contract_id,
        renewal_eligible.subscription_id,
        'renewal_continuation' as match_method,
        0.80 as match_confidence
    from renewal_eligible
    inner join matched_{{ step - 1 }} as renewed
        on
            renewal_eligible.renewed_from_contract_id = renewed.crm_contract_id
            and renewal_eligible.subscription_id = renewed.subscription_id
    left join matched_{{ step - 1 }} as already
        on renewal_eligible.crm_contract_id = already.crm_contract_id
    where
        renewal_eligible.has_term_product_evidence
        and renewal_eligible.contract_candidate_count = 1
        and renewal_eligible.subscription_start_date < renewal_eligible.contract_start_date
        and already.crm_contract_id is null

),

matched_{{ step }} as (

    select * from matched_{{ step - 1 }}
    union all
    select * from renewal_step_{{ step }}

),

{% endfor %}
final as (

    select
        term_product_evidence.crm_contract_id,
        term_product_evidence.subscription_id,
        accepted_pair.match_method,
        cast(accepted_pair.match_confidence as decimal(4, 3)) as match_confidence,
        term_product_evidence.account_id,
        term_product_evidence.billing_customer_id,
        term_product_evidence.contract_customer_key as customer_key,
        term_product_evidence.subscription_customer_key,
        term_product_evidence.contract_number,
        term_product_evidence.contract_status,
        term_product_evidence.subscription_status,
        term_product_evidence.renewed_from_contract_id,
        term_product_evidence.billing_entity,
        term_product_evidence.contract_start_date,
        term_product_evidence.contract_end_date,
        term_product_evidence.subscription_start_date,
        term_product_evidence.subscription_end_date,
        term_product_evidence.is_explicit_link,
        term_product_evidence.is_same_customer_group,
        term_product_evidence.is_customer_group_contradicted,
        term_product_evidence.is_same_billing_entity,
        term_product_evidence.term_overlap_days,
        term_product_evidence.start_gap_days,
        term_product_evidence.is_product_set_equal,
        term_product_evidence.is_product_subset,
        term_product_evidence.contract_product_count,
        term_product_evidence.subscription_product_count,
        term_product_evidence.shared_product_count,
        term_product_evidence.is_currency_equal,
        term_product_evidence.contract_currency,
        term_product_evidence.subscription_currency,
        term_product_evidence.is_interval_frequency_equal,
        term_product_evidence.billing_frequency,
        term_product_evidence.billing_interval,
        case
            when accepted_pair.match_method is not null then accepted_pair.match_method
            when term_product_evidence.is_explicit_link then 'explicit_link'
            else 'customer_term_products'
        end as candidate_rule,
        accepted_pair.match_method is not null as is_accepted,
        case
            when accepted_pair.match_method is not null then 'accepted'
            when explicit_decisions.rejection_reason is not null then explicit_decisions.rejection_reason
            when term_product_evidence.contract_status = 'draft' then 'rejected: draft contract'
            when not term_product_evidence.is_same_customer_group then 'rejected: different customer groups'
            when not term_product_evidence.is_same_billing_entity then 'rejected: different billing entity'
            when term_product_evidence.term_overlap_days <= 0 then 'rejected: terms do not overlap'
            when not term_product_evidence.is_product_subset
                then 'rejected: the subscription bills products the contract does not hold'
            when fallback_decisions.rejection_reason is not null then fallback_decisions.rejection_reason
            else 'rejected: contract or subscription already matched by a stronger rule'
        end as decision_reason
    from term_product_evidence
    left join matched_{{ renewal_steps }} as accepted_pair
        on
            term_product_evidence.crm_contract_id = accepted_pair.crm_contract_id
            and term_product_evidence.subscription_id = accepted_pair.subscription_id
    left join explicit_decisions
        on
            term_product_evidence.crm_contract_id = explicit_decisions.crm_contract_id
            and term_product_evidence.subscription_id = explicit_decisions.subscription_id
    left join fallback_decisions
        on
            term_product_evidence.crm_contract_id = fallback_decisions.crm_contract_id
            and term_product_evidence.subscription_id = fallback_decisions.subscription_id

)

select * from final
