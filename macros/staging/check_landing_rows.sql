{#- The body of a `base_<system>__<entity>` model: every landing row, typed as the
    contract says, with `_quarantine_reason` null when the row keeps the contract and
    otherwise every reason it breaks it, so that staging and quarantine_rows split one
    set of rows and nothing is lost between them. On DuckDB the model is incremental: a
    daily run checks only the rows of the record keys whose landing rows changed
    (macros/staging/incremental_landing_rows.sql). -#}
{% macro check_landing_rows(system, entity_name) %}
{%- set ent = landing_entity(system, entity_name) -%}
{{ config(
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_changed_landing_groups('" ~ system ~ "', '" ~ entity_name ~ "') }}") }}

-- `landing` and the CTEs over it up to `checked` are inlined where read, each read
-- keeping only its own rows (cte_not_materialized): held whole in memory, the rows of a
-- large file would spill
with landing as {{ cte_not_materialized() }} (

    {{ landing_rows_to_check(ent) }}

),

-- the record keys alone, from a second read of the file (a key column costs little):
-- `landing` is inlined where it is used, so the file is read once per branch rather
-- than held whole in memory
landing_keys as (

    {{ landing_rows_to_check(ent, key_only=true) }}

),

{{ landing_checks(ent) }}

select
    final.*,
    -- the run that checked the row: a daily run's own rows are the ones it recomputed
    '{{ invocation_id }}' as _checked_in_run
from final
{% endmacro %}


{#- The checks, as CTEs over `landing` (the contract's columns as text, and the row's
    `_raw_fingerprint`) and `landing_keys` (the raw record key of the same rows),
    ending in `final`: one row out per landing row. -#}
{% macro landing_checks(ent) %}
{%- set key_columns = ent.columns | selectattr('key') | map(attribute='name') | list -%}
{%- set key_texts = [] -%}
{%- for k in key_columns -%}
    {%- do key_texts.append(k ~ '__text') -%}
{%- endfor -%}
{%- set has_currency = ent.columns | selectattr('name', 'equalto', 'currency') | list | length > 0 -%}
{% if has_currency -%}
currency_codes as (

    select currency_code from {{ ref('iso_currencies') }}

),

{% endif -%}
repeated_keys as (
    -- almost every key has one row: the comparisons in `keyed` run on the others only
    select
        _record_key,
        count(*) as _rows_with_key
    from landing_keys
    where _record_key is not null
    group by _record_key
    having count(*) > 1

),

cleaned as {{ cte_not_materialized() }} (
    -- stray whitespace is not an error: trim, and an empty field is null
    select
        landing._raw_fingerprint,
        repeated_keys._rows_with_key,
        {%- for col in ent.columns %}
        {{ col.name }} as {{ col.name }}__raw,
        nullif(trim({{ col.name }}), '') as {{ col.name }}__text{{ ',' if not loop.last }}
        {%- endfor %}
    from landing
    left join repeated_keys
        on {{ landing_raw_record_key(ent) }} = repeated_keys._record_key

),

typed as {{ cte_not_materialized() }} (

    select
        cleaned.*,
        {%- for col in ent.columns %}
        {{ landing_typed_value(col) }} as {{ col.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from cleaned

),

checked as {{ cte_not_materialized() }} (

    select
        typed.*,
        {{ landing_record_key(key_texts) }} as _record_key,
        {%- for col in ent.columns %}
        {{ landing_value_problem(col) }} as {{ col.name }}__problem,
        {%- endfor %}
        {%- if has_currency %}
        case
            when typed.currency is not null and currency_codes.currency_code is null
                then {{ dbt.concat(["'currency: unknown currency code '''", 'typed.currency', "''''"]) }}
        end as _currency_problem
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as _currency_problem
        {%- endif %}
    from typed
    {%- if has_currency %}
    left join currency_codes
        on typed.currency = currency_codes.currency_code
    {%- endif %}

),

keyed as (
    -- two different rows under one key: nobody can tell which is right, so every
    -- row of that key is quarantined; identical copies keep one row staged
    select
        checked.*,
        false as _key_has_different_rows,
        1 as _copy_number
    from checked
    where checked._rows_with_key is null

    union all

    select
        checked.*,
        min({{ landing_row_fingerprint(ent) }}) over (partition by checked._record_key)
        <> max({{ landing_row_fingerprint(ent) }}) over (partition by checked._record_key)
            as _key_has_different_rows,
        row_number() over (
            partition by checked._record_key, {{ landing_row_fingerprint(ent) }}
            order by {{ landing_raw_values(ent, '__raw') }}
        ) as _copy_number
    from checked
    where checked._rows_with_key is not null

),

reasoned as (

    select
        keyed.*,
        nullif(concat_ws(
            '; ',
            {%- for col in ent.columns %}
            {{ col.name }}__problem,
            {%- endfor %}
            _currency_problem,
            case
                when _record_key is null then null
                when _key_has_different_rows
                    then {{ dbt.concat([
                        "'duplicate key: '",
                        dbt.cast('_rows_with_key', dbt.type_string()),
                        "' different rows share " ~ key_columns | join('|') ~ " '''",
                        '_record_key', "''''"]) }}
                when _copy_number > 1
                    then {{ dbt.concat([
                        "'exact duplicate: an identical row with " ~ key_columns | join('|') ~ " '''",
                        '_record_key', "''' is already staged'"]) }}
            end
        ), '') as _quarantine_reason
    from keyed

),

final as (

    select
        {%- for col in ent.columns %}
        {{ col.name }},
        {%- endfor %}
        _record_key,
        -- built for quarantined rows only: the text of every row would double the
        -- cost of checking a large file
        case
            when _quarantine_reason is not null then {{ landing_raw_values(ent, '__raw') }}
        end as _raw_values,
        _raw_fingerprint,
        _quarantine_reason
    from reasoned

)
{% endmacro %}


{% macro landing_entity(system, entity_name) %}
    {%- for ent in checked_entities() -%}
        {%- if ent.system == system and ent.entity == entity_name -%}
            {{- return(ent) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error(system ~ '/' ~ entity_name ~ ' is not an entity of landing.yml nor the decisions file') -}}
{% endmacro %}


{#- `col=value | col=value ...` exactly as the file held them, for the quarantine
    (the raw columns are `<col><suffix>`). -#}
{% macro landing_raw_values(ent, suffix='') -%}
    concat_ws(' | '
    {%- for col in ent.columns -%}
        , {{ dbt.concat(["'" ~ col.name ~ "='", 'coalesce(' ~ col.name ~ suffix ~ ", '')"]) }}
    {%- endfor -%}
    )
{%- endmacro %}


{#- The record key from the key columns' cleaned text (composite keys joined by '|'). -#}
{% macro landing_record_key(key_texts) -%}
    {%- if key_texts | length == 1 -%}
        {{ key_texts[0] }}
    {%- else -%}
        nullif(concat_ws('|'{% for k in key_texts %}, {{ k }}{% endfor %}), '')
    {%- endif -%}
{%- endmacro %}


{#- What makes two rows "the same row": every cleaned value, nulls marked. -#}
{% macro landing_row_fingerprint(ent) -%}
    concat_ws(chr(31){% for col in ent.columns %}, coalesce({{ col.name }}__text, chr(30)){% endfor %})
{%- endmacro %}


{% macro landing_typed_value(col) -%}
    {%- set text = col.name ~ '__text' -%}
    {%- set sql_type = landing_column_sql_type(col) -%}
    {%- if col.type == 'string' and col.enum | length > 0 -%}
        lower({{ text }})
    {%- elif col.type == 'string' and col.name == 'currency' -%}
        upper({{ text }})
    {%- elif col.type == 'string' -%}
        {{ text }}
    {%- elif col.type == 'boolean' -%}
        case lower({{ text }}) when 'true' then true when 'false' then false end
    {%- elif col.type == 'date' -%}
        {#- the contract's dates are YYYY-MM-DD: the length check keeps both engines
            from accepting shorter forms differently -#}
        case when length({{ text }}) = 10 then {{ try_cast(text, 'date') }} end
    {%- else -%}
        {{ try_cast(text, sql_type) }}
    {%- endif -%}
{%- endmacro %}


{#- Why one value breaks the contract, or null. -#}
{% macro landing_value_problem(col) -%}
    {%- set text = col.name ~ '__text' -%}
    {%- set expected = {
        'date': 'is not a date (YYYY-MM-DD)',
        'timestamp': 'is not a timestamp (ISO 8601)',
        'decimal': 'is not a number',
        'integer': 'is not an integer',
        'boolean': 'is not a boolean (true/false)'} -%}
    {%- set checks = [] -%}
    {%- if col.key -%}
        {%- do checks.append("when " ~ text ~ " is null then '" ~ col.name ~ ": null key'") -%}
    {%- elif not col.nullable -%}
        {%- do checks.append("when " ~ text ~ " is null then '" ~ col.name ~ ": missing value'") -%}
    {%- endif -%}
    {%- if col.type in expected -%}
        {%- do checks.append("when " ~ text ~ " is not null and " ~ col.name ~ " is null then "
            ~ dbt.concat(["'" ~ col.name ~ ": '''", text, "''' " ~ expected[col.type] ~ "'"])) -%}
    {%- endif -%}
    {%- if col.enum | length > 0 -%}
        {%- do checks.append("when " ~ col.name ~ " not in ('" ~ col.enum | join("', '") ~ "') then "
            ~ dbt.concat(["'" ~ col.name ~ ": unknown value '''", text,
                "''' (expected one of " ~ col.enum | join(', ') ~ ")'"])) -%}
    {%- endif -%}
    {%- if col.name == 'quantity' -%}
        {%- do checks.append("when " ~ col.name ~ " < 0 then "
            ~ dbt.concat(["'quantity: negative quantity '", text])) -%}
    {%- endif -%}
    {%- if checks | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        case {{ checks | join(' ') }} end
    {%- endif -%}
{%- endmacro %}
