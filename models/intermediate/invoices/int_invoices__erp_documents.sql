-- Every ERP receivable document with the normalised external reference the reference
-- rules compare, the billing document type it can stand for, and its customer group.
-- Cancelled documents stay in the list (a reviewer sees why they were not linked) but
-- are flagged: the contract counts them as not posted, so no rule may accept them.
{{ config(materialized='table') }}

with

ar_documents as (

    select * from {{ ref('stg_erp__ar_documents') }}

),

customer_groups as (

    select
        source_customer_id as erp_customer_id,
        customer_key
    from {{ ref('int_customers__clustered') }}
    where source_system = 'erp'

),

typed as (

    select
        ar_documents.document_id as erp_document_id,
        ar_documents.document_number as erp_document_number,
        ar_documents.document_type as erp_document_type,
        -- types always pair: an ERP invoice posts a billing invoice, a credit memo a
        -- credit note
        case ar_documents.document_type
            when 'invoice' then 'invoice'
            when 'credit_memo' then 'credit_note'
        end as billing_document_type,
        ar_documents.status as erp_status,
        ar_documents.status != 'cancelled' as is_posted,
        ar_documents.erp_customer_id,
        customer_groups.customer_key,
        ar_documents.entity,
        ar_documents.external_reference,
        ar_documents.document_date,
        ar_documents.posting_date,
        ar_documents.currency,
        ar_documents.gross_amount,
        {{ normalise_document_number('ar_documents.external_reference') }} as reference_normalised
    from ar_documents
    left join customer_groups
        on ar_documents.erp_customer_id = customer_groups.erp_customer_id

),

final as (

    select
        typed.*,
        {{ document_number_body('reference_normalised') }} as reference_body
    from typed

)

select * from final
