{#- The CTEs `known_pairs`, `billing_pool` and `erp_pool` of an invoice-matching rule
    without a reference (models/intermediate/invoices): the issued billing documents and
    posted ERP documents that the earlier rules left to it. With `accepted_only`, a
    document is taken when it sits in an accepted pair of `candidate_ctes` (rule 4 lets
    the reference rules' doubts compete with its own evidence). Otherwise it is known
    when it sits in any candidate pair (accepted, ambiguous or rejected) with a live ERP
    document: for the last-resort rules, an earlier rule's doubt is for a person to
    settle, not for a weaker rule. There a pair with a cancelled ERP document says nothing
    about the live ones (the invoice may have been cancelled in the ERP and keyed again);
    an accepted pair always has a live one. Both pools need a
    customer group. The calling model defines `billing_documents`, `erp_documents` and
    each CTE of `candidate_ctes` (with billing_document_type, billing_document_id and
    erp_document_id) before calling it, and continues after it with a comma. -#}
{% macro unknown_document_pools(candidate_ctes, accepted_only=false) -%}
known_pairs as (

    select
        rule_pairs.billing_document_type,
        rule_pairs.billing_document_id,
        rule_pairs.erp_document_id
    from (
        {%- for candidates in candidate_ctes %}
        {%- if not loop.first %}
        union all
        {%- endif %}
        select
            billing_document_type,
            billing_document_id,
            erp_document_id
        from {{ candidates }}
        {%- if accepted_only %}
        where is_accepted
        {%- endif %}
        {%- endfor %}
    ) as rule_pairs
    {%- if not accepted_only %}
    inner join erp_documents
        on rule_pairs.erp_document_id = erp_documents.erp_document_id
    where erp_documents.is_posted
    {%- endif %}

),

billing_pool as (

    select billing_documents.*
    from billing_documents
    where billing_documents.is_issued
        and billing_documents.customer_key is not null
        and not exists (
            select 1
            from known_pairs
            where known_pairs.billing_document_type = billing_documents.billing_document_type
                and known_pairs.billing_document_id = billing_documents.billing_document_id
        )

),

erp_pool as (

    select erp_documents.*
    from erp_documents
    where erp_documents.is_posted
        and erp_documents.customer_key is not null
        and not exists (
            select 1
            from known_pairs
            where known_pairs.erp_document_id = erp_documents.erp_document_id
        )

)
{%- endmacro %}
