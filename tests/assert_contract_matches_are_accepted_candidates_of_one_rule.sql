-- Every match is an accepted candidate, and every accepted candidate is a match: the
-- mart neither drops nor invents a pair. A contract under rules 1-2 pairs with one
-- subscription at most (renewal_continuation is the only way to share a subscription).
with

matches as (

    select * from {{ ref('contract_subscription_matches') }}

),

accepted as (

    select * from {{ ref('int_contracts__subscription_candidates') }}
    where is_accepted

),

lost_or_invented as (

    select
        coalesce(matches.crm_contract_id, accepted.crm_contract_id) as crm_contract_id,
        'mart and accepted candidates differ' as problem
    from matches
    full outer join accepted
        on
            matches.crm_contract_id = accepted.crm_contract_id
            and matches.subscription_id = accepted.subscription_id
    where matches.crm_contract_id is null or accepted.crm_contract_id is null

),

contracts_with_two_subscriptions as (

    select
        crm_contract_id,
        'contract matched to two subscriptions' as problem
    from matches
    where match_method != 'explicit_link'
    group by crm_contract_id
    having count(*) > 1

)

select * from lost_or_invented
union all
select * from contracts_with_two_subscriptions
