-- Candidate pairs of a CRM account and a billing customer that only their contract
-- terms tie: a CRM account known by its commercial name ("Fabekafapo") and a billing
-- customer under its full name ("Fabekafapo Media PLC"), with no tax id and no link
-- between them, are one customer (CONTRACT.md, Records and links) when a contract of
-- the account and a subscription of the customer agree on billing entity, currency,
-- start date and annual value, their names are compatible (equal, or one a whole-word
-- prefix of the other), in the same country, and neither has another such partner.
-- Records are compared within (country, first word of the name) blocks only: pair by
-- pair in blocks of at most var('block_max_pairs') pairs, by equal joins on whole
-- names and name prefixes in every block, so a common first word costs no cross product.
{%- set date_tolerance_days = var('date_tolerance_days') %}
{%- set amount_tolerance = var('amount_tolerance') %}

with

records as (

    select * from {{ ref('int_customers__records') }}

),

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

account_names as (
    -- an account is known by its legal name and by its commercial name
    select
        record_id,
        source_customer_id as account_id,
        country,
        tax_id_normalised,
        is_deleted,
        name_normalised as account_name
    from records
    where source_system = 'crm'
        and name_normalised is not null
    union
    select
        record_id,
        source_customer_id as account_id,
        country,
        tax_id_normalised,
        is_deleted,
        alternate_name_normalised as account_name
    from records
    where source_system = 'crm'
        and alternate_name_normalised is not null

),

account_blocks as (

    select
        account_names.*,
        {{ dbt.split_part('account_name', "' '", 1) }} as first_word
    from account_names

),

customer_blocks as (

    select
        record_id,
        source_customer_id as customer_id,
        country,
        tax_id_normalised,
        name_normalised as customer_name,
        {{ dbt.split_part('name_normalised', "' '", 1) }} as first_word
    from records
    where source_system = 'billing'
        and name_normalised is not null

),

account_block_names as (

    select
        country,
        first_word,
        count(*) as name_count
    from account_blocks
    group by country, first_word

),

customer_block_names as (

    select
        country,
        first_word,
        count(*) as name_count
    from customer_blocks
    group by country, first_word

),

block_sizes as (

    select
        account_block_names.country,
        account_block_names.first_word,
        account_block_names.name_count * customer_block_names.name_count as name_pairs
    from account_block_names
    inner join customer_block_names
        on account_block_names.country = customer_block_names.country
            and account_block_names.first_word = customer_block_names.first_word

),

small_block_pairs as (
    -- every pair of a block, compatible or not, so a rejection can say "the names are
    -- not compatible"; only in blocks of at most block_max_pairs pairs
    select
        account_blocks.record_id as account_record_id,
        account_blocks.account_id,
        account_blocks.is_deleted,
        account_blocks.tax_id_normalised as account_tax_id,
        account_blocks.account_name,
        customer_blocks.record_id as customer_record_id,
        customer_blocks.customer_id,
        customer_blocks.tax_id_normalised as customer_tax_id,
        customer_blocks.customer_name,
        case
            when account_blocks.account_name = customer_blocks.customer_name
                or {{ dbt.concat(['account_blocks.account_name', "' '"]) }}
                = substr(customer_blocks.customer_name, 1, length(account_blocks.account_name) + 1)
                or {{ dbt.concat(['customer_blocks.customer_name', "' '"]) }}
                = substr(account_blocks.account_name, 1, length(customer_blocks.customer_name) + 1)
                then 1
            else 0
        end as is_name_compatible
    from account_blocks
    inner join block_sizes
        on account_blocks.country = block_sizes.country
            and account_blocks.first_word = block_sizes.first_word
    inner join customer_blocks
        on account_blocks.country = customer_blocks.country
            and account_blocks.first_word = customer_blocks.first_word
    where block_sizes.name_pairs <= {{ var('block_max_pairs') }}

),

account_name_lengths as (

    select distinct
        country,
        first_word,
        length(account_name) as name_length
    from account_blocks

),

customer_name_lengths as (

    select distinct
        country,
        first_word,
        length(customer_name) as name_length
    from customer_blocks

),

customer_names_cut as (
    -- a customer name cut after a word, at the length of an account name of its block
    select
        customer_blocks.*,
        substr(customer_blocks.customer_name, 1, account_name_lengths.name_length) as name_prefix
    from customer_blocks
    inner join account_name_lengths
        on customer_blocks.country = account_name_lengths.country
            and customer_blocks.first_word = account_name_lengths.first_word
    where length(customer_blocks.customer_name) = account_name_lengths.name_length
        or substr(customer_blocks.customer_name, account_name_lengths.name_length + 1, 1) = ' '

),

account_names_cut as (

    select
        account_blocks.*,
        substr(account_blocks.account_name, 1, customer_name_lengths.name_length) as name_prefix
    from account_blocks
    inner join customer_name_lengths
        on account_blocks.country = customer_name_lengths.country
            and account_blocks.first_word = customer_name_lengths.first_word
    where length(account_blocks.account_name) > customer_name_lengths.name_length
        and substr(account_blocks.account_name, customer_name_lengths.name_length + 1, 1) = ' '

),

compatible_pairs as (
    -- the compatible pairs of every block, by equal joins: the account's name is the
    -- customer's, or its first words ("fabekafapo" and "fabekafapo media") ...
    select
        account_blocks.record_id as account_record_id,
        account_blocks.account_id,
        account_blocks.is_deleted,
        account_blocks.tax_id_normalised as account_tax_id,
        account_blocks.account_name,
        customer_names_cut.record_id as customer_record_id,
        customer_names_cut.customer_id,
        customer_names_cut.tax_id_normalised as customer_tax_id,
        customer_names_cut.customer_name,
        1 as is_name_compatible
    from account_blocks
    inner join customer_names_cut
        on account_blocks.country = customer_names_cut.country
            and account_blocks.account_name = customer_names_cut.name_prefix

    union all

    -- ... or the customer's name is the account's first words
    select
        account_names_cut.record_id as account_record_id,
        account_names_cut.account_id,
        account_names_cut.is_deleted,
        account_names_cut.tax_id_normalised as account_tax_id,
        account_names_cut.account_name,
        customer_blocks.record_id as customer_record_id,
        customer_blocks.customer_id,
        customer_blocks.tax_id_normalised as customer_tax_id,
        customer_blocks.customer_name,
        1 as is_name_compatible
    from account_names_cut
    inner join customer_blocks
        on account_names_cut.country = customer_blocks.country
            and account_names_cut.name_prefix = customer_blocks.customer_name

),

block_pairs as (

    select * from small_block_pairs
    union all
    select * from compatible_pairs

),

name_pairs as (
    -- a pair is compatible when any of the account's names is
    select
        account_record_id,
        account_id,
        is_deleted,
        account_tax_id,
        customer_record_id,
        customer_id,
        customer_tax_id,
        customer_name,
        max(is_name_compatible) as is_name_compatible,
        coalesce(
            max(case when is_name_compatible = 1 then account_name end), min(account_name)
        ) as account_name
    from block_pairs
    group by
        account_record_id,
        account_id,
        is_deleted,
        account_tax_id,
        customer_record_id,
        customer_id,
        customer_tax_id,
        customer_name

),

contract_values as (
    -- the contract's annual value: its lines active on the contract start
    select
        contracts.contract_id,
        contracts.account_id,
        contracts.billing_entity,
        contracts.currency,
        contracts.start_date,
        sum(contract_lines.quantity * contract_lines.net_unit_price) as annual_value
    from contracts
    inner join contract_lines
        on contracts.contract_id = contract_lines.contract_id
            and coalesce(contract_lines.start_date, contracts.start_date) <= contracts.start_date
            and {{ open_end('contract_lines.end_date') }} >= contracts.start_date
    where contracts.status in ('activated', 'expired', 'terminated')
    group by
        contracts.contract_id,
        contracts.account_id,
        contracts.billing_entity,
        contracts.currency,
        contracts.start_date

),

subscription_values as (
    -- the subscription's annual value: its items active on the subscription start
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.billing_entity,
        subscriptions.currency,
        subscriptions.start_date,
        {{ periods_per_year('subscriptions.billing_interval') }} as periods_per_year,
        sum(subscription_items.quantity) as quantity,
        sum(
            subscription_items.quantity * subscription_items.unit_amount
            * {{ periods_per_year('subscriptions.billing_interval') }}
        ) as annual_value
    from subscriptions
    inner join subscription_items
        on subscriptions.subscription_id = subscription_items.subscription_id
            and coalesce(subscription_items.start_date, subscriptions.start_date) <= subscriptions.start_date
            and {{ open_end('subscription_items.end_date') }} >= subscriptions.start_date
    group by
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.billing_entity,
        subscriptions.currency,
        subscriptions.start_date,
        subscriptions.billing_interval

),

pair_contracts as (
    -- the contracts of each account of a pair; the subscription key carries the pair's
    -- customer with the contract's entity and currency, so the join below can only go
    -- pair by pair (joined on entity and currency alone, contracts and subscriptions
    -- would make a near cross product, and DuckDB picked that order on some data)
    select
        name_pairs.account_record_id,
        name_pairs.customer_record_id,
        contract_values.contract_id,
        contract_values.start_date,
        contract_values.annual_value,
        {{ dbt.concat([
            'name_pairs.customer_id', "'|'", 'contract_values.billing_entity', "'|'", 'contract_values.currency',
        ]) }} as subscription_key
    from name_pairs
    inner join contract_values
        on name_pairs.account_id = contract_values.account_id

),

keyed_subscription_values as (

    select
        subscription_values.*,
        {{ dbt.concat([
            'subscription_values.customer_id', "'|'", 'subscription_values.billing_entity', "'|'",
            'subscription_values.currency',
        ]) }} as subscription_key
    from subscription_values

),

agreeing_terms as (
    -- a contract and a subscription that bill the same thing: same entity and currency,
    -- start within date_tolerance_days, annual value within amount_tolerance a period and
    -- a unit: the tolerance is on a unit price (a yearly price billed monthly is rounded
    -- to the cent per unit), so on a value of n units the rounding is n times that (89
    -- units of 831.25 a year billed at 69.27 a month differ by 0.89 a year, all rounding)
    select
        pair_contracts.account_record_id,
        pair_contracts.customer_record_id,
        count(*) as agreeing_terms,
        min(pair_contracts.contract_id) as contract_id,
        min(keyed_subscription_values.subscription_id) as subscription_id
    from pair_contracts
    inner join keyed_subscription_values
        on pair_contracts.subscription_key = keyed_subscription_values.subscription_key
    where abs({{ dbt.datediff('pair_contracts.start_date', 'keyed_subscription_values.start_date', 'day') }})
        <= {{ date_tolerance_days }}
        and abs(pair_contracts.annual_value - keyed_subscription_values.annual_value)
        <= {{ amount_tolerance }} * keyed_subscription_values.periods_per_year
        * greatest(keyed_subscription_values.quantity, 1)
    group by
        pair_contracts.account_record_id,
        pair_contracts.customer_record_id

),

checked_pairs as (

    select
        name_pairs.*,
        agreeing_terms.agreeing_terms,
        agreeing_terms.contract_id,
        agreeing_terms.subscription_id,
        case
            when name_pairs.is_deleted then 'rejected: the CRM account is deleted'
            when name_pairs.is_name_compatible = 0 then 'rejected: the names are not compatible'
            when name_pairs.account_tax_id <> name_pairs.customer_tax_id then 'rejected: tax ids disagree'
        end as check_rejection
    from name_pairs
    inner join agreeing_terms
        on name_pairs.account_record_id = agreeing_terms.account_record_id
            and name_pairs.customer_record_id = agreeing_terms.customer_record_id

),

partner_counts as (
    -- one to one: the account has no other such billing customer, and the customer no
    -- other such account
    select
        checked_pairs.*,
        sum(case when checked_pairs.check_rejection is null then 1 else 0 end)
            over (partition by checked_pairs.account_record_id) as customers_of_account,
        sum(case when checked_pairs.check_rejection is null then 1 else 0 end)
            over (partition by checked_pairs.customer_record_id) as accounts_of_customer
    from checked_pairs

),

final as (

    select
        customer_record_id as record_id_a,
        account_record_id as record_id_b,
        'contract_terms' as match_rule,
        {{ dbt.concat([
            "'contract '", 'contract_id', "' and subscription '", 'subscription_id',
            "' agree on entity, currency, start and annual value ('",
            dbt.cast('agreeing_terms', dbt.type_string()), "' such pairs); names \"'",
            'account_name', "'\" and \"'", 'customer_name', "'\"'"]) }} as evidence,
        case
            when check_rejection is not null then check_rejection
            when customers_of_account > 1 then 'rejected: the CRM account has another such billing customer'
            when accounts_of_customer > 1 then 'rejected: the billing customer has another such CRM account'
        end as rejection
    from partner_counts

)

select * from final
