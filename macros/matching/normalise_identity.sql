{#- Normalisers for matching customers across systems. Each turns the many ways a
    value is written into one comparable form; none of them decides a match. -#}

{#- Tax ids: upper case, only letters and digits, a leading two-letter country prefix
    removed (FR12 345..., fr-12.345..., 12345... all compare equal). Null when empty.
    Written without regex back-references, which DuckDB and Spark spell differently. -#}
{% macro normalise_tax_id(expression) -%}
    {%- set compact = regexp_replace_all('upper(' ~ expression ~ ')', '[^A-Z0-9]', '') -%}
    nullif(
        case
            when substr({{ compact }}, 1, 1) between 'A' and 'Z'
                and substr({{ compact }}, 2, 1) between 'A' and 'Z'
                and substr({{ compact }}, 3, 1) between '0' and '9'
                then substr({{ compact }}, 3)
            else {{ compact }}
        end,
        ''
    )
{%- endmacro %}

{#- Company names: lower case, accents folded, dots and apostrophes dropped (so
    "S.A.R.L." reads sarl), other punctuation as spaces, legal-form suffixes (Inc, LLC,
    Ltd, GmbH, SAS, SARL, BV, ...) dropped from the end, spaces collapsed.
    "ACME, Inc." and "Acme" compare equal; "Acme Holding" and "Acme" do not. -#}
{% macro normalise_company_name(expression) -%}
    {%- set suffixes = legal_suffixes() | join('|') -%}
    nullif(trim({{ regexp_replace_all(
        regexp_replace_all('trim(' ~ company_name_words(expression) ~ ')', '( (' ~ suffixes ~ '))+$', ''),
        ' +', ' ') }}), '')
{%- endmacro %}

{#- A company name as plain words, legal form kept: lower case, accents folded, dots and
    apostrophes dropped, other punctuation as single spaces, trimmed; null when empty.
    For comparing a name cut short (a bank statement truncates the payer: "ACME
    HOLDINGS LIMI"), where dropping suffixes would mangle the cut word. -#}
{% macro clean_company_name(expression) -%}
    nullif(trim({{ company_name_words(expression) }}), '')
{%- endmacro %}

{#- The first step both share: case and accents folded, punctuation to spaces. -#}
{% macro company_name_words(expression) -%}
    {%- set folded = "translate(lower(" ~ expression ~ "), "
        ~ "'àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżšśłß.''', "
        ~ "'aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzssls')" -%}
    {{ regexp_replace_all(folded, '[^a-z0-9]+', ' ') }}
{%- endmacro %}

{#- Legal-form words, as they read once dots are gone ("S.A.R.L." -> "sarl"). -#}
{% macro legal_suffixes() %}
    {{ return([
        'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'llc', 'llp', 'lp',
        'ltd', 'limited', 'plc', 'gmbh', 'ag', 'kg', 'ug', 'mbh', 'sa', 'sas', 'sasu', 'sarl',
        'eurl', 'sca', 'bv', 'nv', 'vof', 'srl', 'spa', 'sl', 'slu', 'ab', 'as', 'asa', 'aps',
        'oy', 'oyj', 'kk', 'pty', 'pte', 'bhd', 'sdn', 'lda', 'ltda', 'spzoo', 'dac', 'uc', 'clg',
        'ulc', 'pllc', 'pc', 'se', 'sro', 'kft', 'zrt', 'bvba', 'cv', 'sprl', 'kgaa', 'ohg', 'ev'
    ]) }}
{% endmacro %}
