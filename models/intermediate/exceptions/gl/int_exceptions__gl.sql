-- STUB (issue #6 in progress): the gl family of reconciliation exceptions, in the
-- shared family shape (see models/intermediate/exceptions/_exceptions__models.yml).
with

no_rows as (

    select
        cast(null as {{ dbt.type_string() }}) as exception_type,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_entity,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_string() }}) as related_record_id,
        cast(null as {{ dbt.type_string() }}) as customer_key,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ type_money() }}) as amount,
        cast(null as date) as event_date,
        cast(null as {{ dbt.type_string() }}) as explanation

),

final as (

    select * from no_rows
    where 1 = 0

)

select * from final
