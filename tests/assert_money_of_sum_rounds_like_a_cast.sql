-- money_of_sum rounds a 38-digit exact sum to cents half away from zero, on its fast
-- path (below 10^8) and on its plain path alike. A row returned is a wrong rounding.
with

case_texts as (

    select
        '0.0049999999' as amount_text,
        '0.00' as expected_text
    union all
    select
        '0.005' as amount_text,
        '0.01' as expected_text
    union all
    select
        '-0.005' as amount_text,
        '-0.01' as expected_text
    union all
    select
        '12345.6749999999' as amount_text,
        '12345.67' as expected_text
    union all
    select
        '99999999.9949999999' as amount_text,
        '99999999.99' as expected_text
    union all
    select
        '99999999.995' as amount_text,
        '100000000.00' as expected_text
    union all
    select
        '123456789012.345' as amount_text,
        '123456789012.35' as expected_text
    union all
    select
        '-123456789012.3449999999' as amount_text,
        '-123456789012.34' as expected_text

),

cases as (

    select
        cast(amount_text as decimal(38, 10)) as amount,
        cast(expected_text as {{ type_money() }}) as expected
    from case_texts

),

summed as (

    -- through a sum, as the models use it
    select
        amount,
        expected,
        {{ money_of_sum('sum(amount)') }} as rounded
    from cases
    group by amount, expected

)

select * from summed
where rounded is null or rounded <> expected
