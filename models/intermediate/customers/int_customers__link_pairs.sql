-- Candidate pairs of customer records from links the tools keep or imply: the CRM
-- account a billing or ERP customer names, the parent account a CRM account names, the
-- CRM contracts a billing customer's subscriptions name, the ERP customers that hold a
-- billing customer's invoices, and the contract terms a billing customer's subscriptions
-- repeat (int_customers__contract_term_pairs).
-- Links are checked, not trusted: a named account that is missing, deleted or has
-- another tax id is not followed; an implied link counts only when most of a record's
-- evidence agrees (one ERP customer may hold two legal entities' documents, so tax ids
-- are not required to agree there).

with

records as (

    select * from {{ ref('int_customers__records') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

erp_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

contract_term_pairs as (

    select * from {{ ref('int_customers__contract_term_pairs') }}

),

explicit_links as (

    select
        linking.record_id as record_id_a,
        coalesce(crm_account.record_id, {{ dbt.concat(["'crm:'", 'linking.crm_account_id']) }}) as record_id_b,
        'explicit_link' as match_rule,
        {{ dbt.concat(['linking.source_system', "' customer names CRM account '", 'linking.crm_account_id']) }}
            as evidence,
        case
            when crm_account.record_id is null then 'rejected: the CRM account does not exist'
            when crm_account.is_deleted then 'rejected: the CRM account is deleted'
            when linking.tax_id_normalised <> crm_account.tax_id_normalised
                then 'rejected: tax ids disagree'
        end as rejection
    from records as linking
    left join records as crm_account
        on crm_account.source_system = 'crm'
            and linking.crm_account_id = crm_account.source_customer_id
    where linking.crm_account_id is not null

),

parent_accounts as (
    -- the CRM's own hierarchy: an account and its parent are two legal entities of one
    -- client (CONTRACT.md, Records and links), unless the parent is missing or deleted
    select
        child.record_id as record_id_a,
        coalesce(parent.record_id, {{ dbt.concat(["'crm:'", 'child.parent_account_id']) }}) as record_id_b,
        'parent_account' as match_rule,
        {{ dbt.concat(["'CRM account '", 'child.source_customer_id', "' has parent account '",
                       'child.parent_account_id']) }} as evidence,
        case
            when parent.record_id is null then 'rejected: the parent account does not exist'
            when parent.is_deleted then 'rejected: the parent account is deleted'
        end as rejection
    from records as child
    left join records as parent
        on parent.source_system = 'crm'
            and child.parent_account_id = parent.source_customer_id
    where child.source_system = 'crm'
        and child.parent_account_id is not null

),

subscription_contract_accounts as (
    -- the billing tool's own contract reference ties its customer to the contract's account
    select
        {{ dbt.concat(["'billing:'", 'subscriptions.customer_id']) }} as record_id_a,
        {{ dbt.concat(["'crm:'", 'contracts.account_id']) }} as record_id_b,
        count(*) as links
    from subscriptions
    inner join contracts
        on subscriptions.crm_contract_id = contracts.contract_id
    group by subscriptions.customer_id, contracts.account_id

),

billing_documents as (

    select
        customer_id,
        'invoice' as erp_document_type,
        {{ normalise_document_number('invoice_number') }} as number_key
    from invoices
    union all
    select
        customer_id,
        'credit_memo' as erp_document_type,
        {{ normalise_document_number('credit_note_number') }} as number_key
    from credit_notes

),

billing_document_keys as (
    -- a reference may be keyed without the series prefix ("2024-000123")
    select
        customer_id,
        erp_document_type,
        number_key
    from billing_documents
    union all
    select
        customer_id,
        erp_document_type,
        {{ document_number_body('number_key') }} as number_key
    from billing_documents
    where {{ document_number_body('number_key') }} <> number_key

),

posted_documents as (

    select
        erp_customer_id,
        document_type,
        {{ normalise_document_number('external_reference') }} as number_key
    from erp_documents
    where status <> 'cancelled'

),

billing_customer_postings as (
    -- the ERP customers holding a billing customer's documents, found by their number
    select
        {{ dbt.concat(["'billing:'", 'billing_document_keys.customer_id']) }} as record_id_a,
        {{ dbt.concat(["'erp:'", 'posted_documents.erp_customer_id']) }} as record_id_b,
        count(*) as links
    from billing_document_keys
    inner join posted_documents
        on billing_document_keys.number_key = posted_documents.number_key
            and billing_document_keys.erp_document_type = posted_documents.document_type
    group by billing_document_keys.customer_id, posted_documents.erp_customer_id

),

own_erp_customers as (
    -- the ERP customers a billing customer already has by identity (same tax id or same
    -- legal name, same country): documents found on another ERP customer of the same
    -- entity are misposted there, not evidence of one customer. Two equi-joins, not one
    -- join on "tax id or name", which would compare every pair of one country.
    select distinct
        billing_record.record_id as billing_record_id,
        erp_record.record_id as erp_record_id,
        erp_record.erp_entity
    from records as billing_record
    inner join records as erp_record
        on billing_record.country = erp_record.country
            and billing_record.tax_id_normalised = erp_record.tax_id_normalised
    where billing_record.source_system = 'billing'
        and erp_record.source_system = 'erp'

    union

    select
        billing_record.record_id as billing_record_id,
        erp_record.record_id as erp_record_id,
        erp_record.erp_entity
    from records as billing_record
    inner join records as erp_record
        on billing_record.country = erp_record.country
            and billing_record.name_normalised = erp_record.name_normalised
    where billing_record.source_system = 'billing'
        and erp_record.source_system = 'erp'

),

implied_links as (

    select
        record_id_a,
        record_id_b,
        'contract_link' as match_rule,
        links
    from subscription_contract_accounts
    union all
    select
        record_id_a,
        record_id_b,
        'posted_documents' as match_rule,
        links
    from billing_customer_postings

),

implied_link_shares as (

    select
        implied_links.*,
        sum(implied_links.links) over (
            partition by implied_links.record_id_a, implied_links.match_rule
        ) as links_of_record
    from implied_links

),

posted_link_holders as (
    -- each posted-documents link with the entity of the ERP customer holding the
    -- documents, keyed by billing record and entity: joined on the entity alone,
    -- records and own ERP customers would make a near cross product
    select
        implied_link_shares.record_id_a,
        implied_link_shares.record_id_b,
        {{ dbt.concat(['implied_link_shares.record_id_a', "'|'", 'holder.erp_entity']) }} as owner_key
    from implied_link_shares
    inner join records as holder
        on implied_link_shares.record_id_b = holder.record_id
    where implied_link_shares.match_rule = 'posted_documents'

),

keyed_own_erp_customers as (

    select
        erp_record_id,
        {{ dbt.concat(['billing_record_id', "'|'", 'erp_entity']) }} as owner_key
    from own_erp_customers

),

misposted_candidates as (

    select distinct
        posted_link_holders.record_id_a,
        posted_link_holders.record_id_b
    from posted_link_holders
    inner join keyed_own_erp_customers
        on posted_link_holders.owner_key = keyed_own_erp_customers.owner_key
            and posted_link_holders.record_id_b <> keyed_own_erp_customers.erp_record_id

),

implied_link_pairs as (

    select
        implied_link_shares.record_id_a,
        implied_link_shares.record_id_b,
        implied_link_shares.match_rule,
        {{ dbt.concat([
            dbt.cast('implied_link_shares.links', dbt.type_string()), "' of '",
            dbt.cast('implied_link_shares.links_of_record', dbt.type_string()),
            "case implied_link_shares.match_rule when 'contract_link' then ' contract references'"
            ~ " else ' posted documents' end"]) }} as evidence,
        case
            when implied_link_shares.links * 2 <= implied_link_shares.links_of_record
                then 'rejected: most of the evidence points elsewhere'
            when misposted_candidates.record_id_a is not null
                then 'rejected: the billing customer has its own ERP customer in that entity'
        end as rejection
    from implied_link_shares
    left join misposted_candidates
        on implied_link_shares.record_id_a = misposted_candidates.record_id_a
            and implied_link_shares.record_id_b = misposted_candidates.record_id_b

),

unioned as (

    select * from explicit_links
    union all
    select * from parent_accounts
    union all
    select * from implied_link_pairs
    union all
    select
        record_id_a,
        record_id_b,
        match_rule,
        evidence,
        rejection
    from contract_term_pairs

)

select * from unioned
