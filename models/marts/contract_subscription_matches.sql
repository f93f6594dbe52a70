-- One row per matched (crm contract, billing subscription) pair: the accepted
-- candidates of int_contracts__subscription_candidates, where every pair that was
-- weighed is kept with its evidence and the reason it was or was not accepted.
with

candidates as (

    select * from {{ ref('int_contracts__subscription_candidates') }}

),

final as (

    select
        crm_contract_id,
        subscription_id,
        match_method,
        match_confidence,
        customer_key,
        contract_number,
        account_id,
        billing_customer_id,
        billing_entity,
        start_gap_days,
        is_currency_equal,
        is_interval_frequency_equal
    from candidates
    where is_accepted

)

select * from final
