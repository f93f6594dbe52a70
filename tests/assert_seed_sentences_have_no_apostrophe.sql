-- The project's own seeds load on Spark too, where dbt-spark inserts seed values
-- without escaping quotes: a sentence with an apostrophe breaks the Spark build.
with

arr_bridge_steps as (

    select * from {{ ref('arr_bridge_steps') }}

),

exception_types as (

    select * from {{ ref('exception_types') }}

),

sentences as (

    select
        'arr_bridge_steps' as seed_name,
        step as seed_key,
        description as sentence
    from arr_bridge_steps
    union all
    select
        'exception_types' as seed_name,
        exception_type as seed_key,
        recommended_action as sentence
    from exception_types

),

final as (

    select * from sentences
    where sentence like '%''%'

)

select * from final
