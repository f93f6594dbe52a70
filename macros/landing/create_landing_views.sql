{#- Expose every landing entity as a view `landing.<system>__<entity>` holding exactly
    the contract's columns as text, read by header name (order free, extras ignored,
    a UTF-8 BOM tolerated). Runs at run start: every missing file or required column
    is reported at once, by name, before any model builds. -#}
{% macro create_landing_views() %}
    {%- if execute -%}
        {%- set landing_dir = var('landing_dir') | string | trim -%}
        {%- set problems = [] -%}
        {%- set plans = [] -%}
        {%- do adapter.dispatch('create_landing_schema', 'recon')() -%}
        {%- for ent in checked_entities() -%}
            {%- set folder = landing_dir -%}
            {%- if ent.folder_var and var(ent.folder_var, none) -%}
                {%- set folder = var(ent.folder_var) | string | trim -%}
            {%- endif -%}
            {%- set file = adapter.dispatch('locate_landing_file', 'recon')(folder, ent) -%}
            {%- if file is none and ent.optional -%}
                {#- no decision written yet: an empty view, so the run goes on -#}
                {%- do plans.append({'ent': ent, 'reader': none, 'select_list': empty_landing_select_list(ent), 'path': none}) -%}
                {%- do log('review: no ' ~ folder ~ '/' ~ ent.system ~ '/' ~ ent.entity
                    ~ '.csv (or .parquet): no reviewer decision applied', info=true) -%}
            {%- elif file is none -%}
                {%- do problems.append(
                    'missing landing file ' ~ folder ~ '/' ~ ent.system ~ '/' ~ ent.entity
                    ~ '.csv (or .parquet)') -%}
            {%- else -%}
                {%- set reader = adapter.dispatch('landing_file_reader', 'recon')(file, ent) -%}
                {%- set header = run_query('select * from ' ~ reader ~ ' limit 0').column_names -%}
                {%- set plan = landing_select_list(ent, header, file.path, problems) -%}
                {%- do plans.append({'ent': ent, 'reader': reader, 'select_list': plan, 'path': file.path}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                'The landing data does not match ../shared/contract/landing.yml (landing_dir='
                ~ landing_dir ~ '):\n  - ' ~ (problems | join('\n  - '))) }}
        {%- endif -%}
        {%- for plan in plans -%}
            {%- do run_query(
                'create or replace view ' ~ landing_relation_name(plan.ent)
                ~ ' as select ' ~ plan.select_list
                ~ (' from ' ~ plan.reader if plan.reader else ' where 1 = 0')) -%}
        {%- endfor -%}
        {{- log('landing: ' ~ plans | length ~ ' entities read from ' ~ landing_dir, info=true) -}}
    {%- endif -%}
{% endmacro %}


{% macro landing_relation_name(ent) -%}
    landing.{{ ent.system }}__{{ ent.entity }}
{%- endmacro %}


{#- Map the contract's columns onto the file's header by normalised name. A missing
    required column is a problem; a missing nullable column reads as null. -#}
{% macro landing_select_list(ent, header, path, problems) %}
    {%- set by_name = {} -%}
    {%- for actual in header -%}
        {%- do by_name.update({normalise_header_name(actual): actual}) -%}
    {%- endfor -%}
    {%- set exprs = [] -%}
    {%- for col in ent.columns -%}
        {%- if col.name in by_name -%}
            {%- do exprs.append('cast(' ~ adapter.quote(by_name[col.name]) ~ ' as '
                ~ dbt.type_string() ~ ') as ' ~ col.name) -%}
        {%- elif col.nullable -%}
            {%- do log('landing: ' ~ path ~ ' has no column ' ~ col.name ~ ' (nullable): read as null', info=true) -%}
            {%- do exprs.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ col.name) -%}
        {%- else -%}
            {%- do problems.append(path ~ ' is missing required column ' ~ col.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(exprs | join(', ')) -}}
{% endmacro %}


{#- The columns of a file that is not there (an optional one): no rows. -#}
{% macro empty_landing_select_list(ent) %}
    {%- set exprs = [] -%}
    {%- for col in ent.columns -%}
        {%- do exprs.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ col.name) -%}
    {%- endfor -%}
    {{- return(exprs | join(', ')) -}}
{% endmacro %}


{% macro normalise_header_name(name) -%}
    {{- modules.re.sub('^[\\s\\ufeff"]+|[\\s"]+$', '', name | string) | lower -}}
{%- endmacro %}


{% macro sql_string_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{# ---- DuckDB: files are read in place ------------------------------------------ #}

{% macro default__create_landing_schema() %}
    {%- do run_query('create schema if not exists landing') -%}
{% endmacro %}

{% macro default__locate_landing_file(landing_dir, ent) %}
    {%- for fmt in ['csv', 'parquet'] -%}
        {%- set path = landing_dir ~ '/' ~ ent.system ~ '/' ~ ent.entity ~ '.' ~ fmt -%}
        {%- set found = run_query('select count(*) from glob(' ~ sql_string_literal(path) ~ ')').columns[0].values()[0] -%}
        {%- if found > 0 -%}
            {{- return({'path': path, 'format': fmt}) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(none) -}}
{% endmacro %}

{% macro default__landing_file_reader(file, ent) %}
    {%- if file.format == 'csv' -%}
        {{- return("read_csv(" ~ sql_string_literal(file.path) ~ ", header = true, all_varchar = true, "
            ~ "delim = ',', quote = '\"', escape = '\"')") -}}
    {%- else -%}
        {{- return('read_parquet(' ~ sql_string_literal(file.path) ~ ')') -}}
    {%- endif -%}
{% endmacro %}


{# ---- Spark: each file becomes an external table, then a view over it ---------- #}

{% macro spark__create_landing_schema() %}
    {%- do run_query('create database if not exists landing') -%}
{% endmacro %}

{#- Spark SQL has no file test: the landing folder is listed through the binaryFile
    source (paths only, contents are not read), then looked up like DuckDB's glob.
    Relative folders resolve from the directory dbt runs in, as on DuckDB. -#}
{% macro spark__locate_landing_file(landing_dir, ent) %}
    {%- if not landing_dir.startswith('/') and ':' not in landing_dir -%}
        {%- set cwd = run_query("select reflect('java.lang.System', 'getProperty', 'user.dir')").columns[0].values()[0] -%}
        {%- set landing_dir = cwd ~ '/' ~ landing_dir -%}
    {%- endif -%}
    {%- do run_query(
        "create or replace temporary view recon_landing_files using binaryFile options (path "
        ~ sql_string_literal(landing_dir) ~ ", recursiveFileLookup 'true', pathGlobFilter '"
        ~ ent.entity ~ ".{csv,parquet}')") -%}
    {%- set found = run_query('select path from recon_landing_files').columns[0].values() | map('string') | list -%}
    {%- for fmt in ['csv', 'parquet'] -%}
        {%- for path in found if path.endswith('/' ~ ent.system ~ '/' ~ ent.entity ~ '.' ~ fmt) -%}
            {{- return({'path': path[5:] if path.startswith('file:') else path, 'format': fmt}) -}}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(none) -}}
{% endmacro %}

{% macro spark__landing_file_reader(file, ent) %}
    {%- set table = 'landing.' ~ ent.system ~ '__' ~ ent.entity ~ '__file' -%}
    {%- do run_query('drop table if exists ' ~ table) -%}
    {%- if file.format == 'csv' -%}
        {%- do run_query('create table ' ~ table ~ ' using csv options (path '
            ~ sql_string_literal(file.path) ~ ", header 'true', inferSchema 'false', "
            ~ "quote '\"', escape '\"', multiLine 'true', encoding 'UTF-8')") -%}
    {%- else -%}
        {%- do run_query('create table ' ~ table ~ ' using parquet options (path '
            ~ sql_string_literal(file.path) ~ ')') -%}
    {%- endif -%}
    {{- return(table) -}}
{% endmacro %}
