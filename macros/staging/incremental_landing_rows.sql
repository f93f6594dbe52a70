{#- The daily incremental run of the base models (issue #8; DECISIONLOG "Daily incremental
    run"). A base row depends on its own raw text, on the other rows of its record key
    (duplicate checks), on the checks' code and on iso_currencies, nothing else. So the
    rows of a *group* (one record key; a row without key is checked on its own) are
    checked again only when the group's multiset of raw-row fingerprints differs from the
    stored one:
      1. pre-hook `forget_changed_landing_groups`: delete the stored rows of every group
         whose fingerprints changed, or that left the file;
      2. the model (`landing_rows_to_check`): check the landing rows of every group the
         table no longer (or never) held, all of the group's rows together;
      3. incremental strategy `append`: insert them.
    A group is either fully stored or absent, so a run that fails half-way heals on the
    next. DuckDB only: on Spark the base models are tables, rebuilt every run. -#}


{#- The landing rows the model checks: all of them, or (incremental) those of the
    groups the table does not hold. `landing.*` are the contract's columns as text;
    with key_only, the rows' raw record key alone. -#}
{% macro landing_rows_to_check(ent, key_only=false) %}
    {%- set fingerprint = landing_raw_fingerprint(ent) -%}
    select
        {%- if key_only %}
        {{ landing_raw_record_key(ent) }} as _record_key
        {%- else %}
        landing.*,
        {{ fingerprint }} as _raw_fingerprint
        {%- endif %}
    from {{ source('landing', ent.system ~ '__' ~ ent.entity) }} as landing
    {%- if landing_table_is_incremental() %}
    where {{ landing_group_key(landing_raw_record_key(ent), fingerprint) }} not in (
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
        {%- set stored_group = landing_group_key('_record_key', '_raw_fingerprint') -%}
        delete from {{ this }}
        where {{ stored_group }} in (
            select coalesce(in_file.group_key, stored.group_key)
            from (
                select {{ landing_group_key('record_key', 'fingerprint') }} as group_key, fingerprint, count(*) as copies
                from (
                    select
                        {{ landing_raw_record_key(ent) }} as record_key,
                        {{ landing_raw_fingerprint(ent) }} as fingerprint
                    from {{ source('landing', system ~ '__' ~ entity_name) }}
                ) as landing
                group by group_key, fingerprint
            ) as in_file
            full outer join (
                select {{ stored_group }} as group_key, _raw_fingerprint as fingerprint, count(*) as copies
                from {{ this }}
                group by group_key, fingerprint
            ) as stored
                on in_file.group_key = stored.group_key and in_file.fingerprint = stored.fingerprint
            where in_file.copies is distinct from stored.copies
        )
    {%- endif -%}
{% endmacro %}


{#- Incremental, and the table already stores fingerprints (else every row is checked).
    A table whose columns are not the model's (built before fingerprints were stored, or
    before the contract changed) stops the run, asking for --full-refresh
    (`on_schema_change='fail'`): DuckDB cannot delete rows and alter a table in one
    transaction. A unit test has no `this`: it checks its given rows, all of them. -#}
{% macro landing_table_is_incremental() %}
    {%- if this is none or not is_incremental() -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return('_raw_fingerprint' in stored) -}}
{% endmacro %}


{#- A group as a number: the hash of the record key, or for a row without key its own
    fingerprint. Two keys sharing a number are checked again together: more work, never
    a wrong row. -#}
{% macro landing_group_key(record_key, fingerprint) -%}
    case when {{ record_key }} is null then {{ fingerprint }} else {{ fingerprint_hash([record_key]) }} end
{%- endmacro %}


{#- The record key `check_landing_rows` derives, from the raw text columns. -#}
{% macro landing_raw_record_key(ent) -%}
    {%- set key_texts = [] -%}
    {%- for col in ent.columns if col.key -%}
        {%- do key_texts.append("nullif(trim(" ~ col.name ~ "), '')") -%}
    {%- endfor -%}
    {{- landing_record_key(key_texts) -}}
{%- endmacro %}


{#- A 64-bit hash of the raw text of every contract column, untrimmed, and of the checks'
    version: their code and, for an entity with a currency, iso_currencies. A row whose
    text changed, or whose checks changed, has a new fingerprint. No value is typed. -#}
{% macro landing_raw_fingerprint(ent) -%}
    {%- set parts = ["'" ~ landing_checks_version(ent) ~ "'"] -%}
    {%- if ent.columns | selectattr('name', 'equalto', 'currency') | list | length > 0 -%}
        {%- do parts.append('(select ' ~ fingerprint_hash([sorted_text_list('currency_code')])
            ~ ' from ' ~ ref('iso_currencies') ~ ')') -%}
    {%- endif -%}
    {%- for col in ent.columns -%}
        {%- do parts.append(col.name) -%}
    {%- endfor -%}
    {{ fingerprint_hash(parts) }}
{%- endmacro %}


{#- md5 of the checks' code, wherever the database lives (the seed's relation name is
    not part of it: a warehouse file moved or renamed keeps its fingerprints). -#}
{% macro landing_checks_version(ent) %}
    {%- set seed = ref('iso_currencies') | string -%}
    {{- return(local_md5(landing_checks(ent) | replace(seed, 'iso_currencies'))) -}}
{% endmacro %}


{#- One 64-bit hash of several values, each in its place, a null apart from any text
    (DuckDB's hash). Spark's value is stored but never compared: Spark rebuilds. -#}
{% macro fingerprint_hash(values) -%}
    {{ return(adapter.dispatch('fingerprint_hash', 'recon')(values)) }}
{%- endmacro %}

{% macro default__fingerprint_hash(values) -%}
    hash({{ values | join(', ') }})
{%- endmacro %}

{% macro spark__fingerprint_hash(values) -%}
    xxhash64({{ values | join(', ') }})
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
