{#- The daily incremental run of the base models (issue #8; DECISIONLOG "Daily incremental
    run"). A base row depends on its own raw text, on the other rows of its record key
    (duplicate checks), on the checks' code and on iso_currencies, nothing else. So the
    rows of a *group* (one record key; a null key is a group per raw row) are recomputed
    only when the group's multiset of raw-row fingerprints differs from the stored one:
      1. pre-hook `forget_changed_landing_groups`: delete the stored rows of every group
         whose fingerprints changed, or that left the file;
      2. the model (`landing_rows_to_check`): check the landing rows of every group the
         table no longer (or never) held, all of the group's rows together;
      3. incremental strategy `append`: insert them.
    A group is either fully stored or absent, so an interrupted run heals on the next.
    DuckDB only: on Spark the base models are tables, rebuilt every run. -#}


{#- The landing rows the model checks: all of them, or (incremental) those of the
    groups the table does not hold. `landing.*` are the contract's columns as text. -#}
{% macro landing_rows_to_check(ent) %}
    {%- set checks_version = landing_checks_version(ent) -%}
    select
        landing.*,
        {{ landing_raw_fingerprint(ent, checks_version) }} as _raw_fingerprint
    from {{ source('landing', ent.system ~ '__' ~ ent.entity) }} as landing
    {%- if landing_table_is_incremental() %}
    -- the landing side computes a fingerprint only for null keys (coalesce is lazy)
    where {{ landing_group_key(
        landing_raw_record_key(ent), landing_raw_fingerprint(ent, checks_version)) }} not in (
        select {{ landing_group_key('_record_key', '_raw_fingerprint') }} from {{ this }}
    )
    {%- endif %}
{% endmacro %}


{#- Pre-hook: forget the stored rows of every group whose multiset of fingerprints
    differs from the landing file's (changed rows, added or removed copies, a group gone
    from the file). Nothing to do on a first or full-refresh build. -#}
{% macro forget_changed_landing_groups(system, entity_name) %}
    {%- if landing_table_is_incremental() -%}
        {%- set ent = landing_entity(system, entity_name) -%}
        {%- set checks_version = landing_checks_version(ent) -%}
        {%- set stored_key = landing_group_key('_record_key', '_raw_fingerprint') -%}
        delete from {{ this }}
        where {{ stored_key }} in (
            select coalesce(in_file.group_key, stored.group_key)
            from (
                select {{ landing_group_key('record_key', 'fingerprint') }} as group_key, fingerprint, count(*) as copies
                from (
                    select
                        {{ landing_raw_record_key(ent) }} as record_key,
                        {{ landing_raw_fingerprint(ent, checks_version) }} as fingerprint
                    from {{ source('landing', system ~ '__' ~ entity_name) }}
                ) as landing
                group by group_key, fingerprint
            ) as in_file
            full outer join (
                select {{ stored_key }} as group_key, _raw_fingerprint as fingerprint, count(*) as copies
                from {{ this }}
                group by group_key, fingerprint
            ) as stored
                on in_file.group_key = stored.group_key and in_file.fingerprint = stored.fingerprint
            where in_file.copies is distinct from stored.copies
        )
    {%- elif this is not none and is_incremental() -%}
        {#- a table built before fingerprints were stored: forget it all, once -#}
        delete from {{ this }}
    {%- endif -%}
{% endmacro %}


{#- md5 of the checks' code, wherever the database lives (the seed's relation name is
    not part of it: a warehouse file moved or renamed keeps its fingerprints). -#}
{% macro landing_checks_version(ent) %}
    {%- set seed = ref('iso_currencies') | string -%}
    {{- return(local_md5(landing_checks(ent) | replace(seed, 'iso_currencies'))) -}}
{% endmacro %}


{#- Incremental, and the table already stores fingerprints (a table built by an older
    version of this project holds none: it is rebuilt once, by the same path). A unit
    test has no `this`: it checks its given rows, all of them. -#}
{% macro landing_table_is_incremental() %}
    {%- if this is none or not is_incremental() -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return('_raw_fingerprint' in stored) -}}
{% endmacro %}


{#- One text per group: 'k' + the record key, or 'f' + the fingerprint when the key is
    null (such a row is checked on its own). -#}
{% macro landing_group_key(record_key, fingerprint) -%}
    coalesce({{ dbt.concat(["'k'", record_key]) }}, {{ dbt.concat(["'f'", fingerprint]) }})
{%- endmacro %}


{#- The record key `check_landing_rows` derives, from the raw text columns. -#}
{% macro landing_raw_record_key(ent) -%}
    {%- set key_texts = [] -%}
    {%- for col in ent.columns if col.key -%}
        {%- do key_texts.append("nullif(trim(" ~ col.name ~ "), '')") -%}
    {%- endfor -%}
    {{- landing_record_key(key_texts) -}}
{%- endmacro %}


{#- md5 of the raw text of every contract column, untrimmed, each value length-prefixed
    (a null marked apart from an empty value), and of the checks' version: the checks'
    code and, for an entity with a currency, iso_currencies. A row whose text changed, or
    whose checks changed, has a new fingerprint. No value is typed. -#}
{% macro landing_raw_fingerprint(ent, checks_version) -%}
    {%- set parts = ["'" ~ checks_version ~ "'"] -%}
    {%- if ent.columns | selectattr('name', 'equalto', 'currency') | list | length > 0 -%}
        {%- do parts.append('(select ' ~ dbt.hash("coalesce(" ~ sorted_text_list('currency_code') ~ ", '')")
            ~ ' from ' ~ ref('iso_currencies') ~ ')') -%}
    {%- endif -%}
    {%- for col in ent.columns -%}
        {%- do parts.append("case when " ~ col.name ~ " is null then '~' else "
            ~ dbt.concat(['cast(length(' ~ col.name ~ ') as ' ~ dbt.type_string() ~ ')', "':'", col.name]) ~ " end") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#- Every value of a column, sorted, joined by ','. -#}
{% macro sorted_text_list(column) -%}
    {{ return(adapter.dispatch('sorted_text_list', 'recon')(column)) }}
{%- endmacro %}

{% macro default__sorted_text_list(column) -%}
    string_agg({{ column }}, ',' order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_text_list(column) -%}
    array_join(array_sort(collect_list({{ column }})), ',')
{%- endmacro %}
