-- CRM ARR per contract line and month (CONTRACT.md, ARR): the contract lines of
-- activated, expired or terminated contracts active at the month end (end day
-- included, a null end is open), quantity * net_unit_price, in the reporting currency
-- at that month end's rate. A mid-month amendment ends one line and starts the next,
-- so the month end sees only the new terms. One row per line and month: the ARR
-- bridge explains gaps contract by contract, and int_arr__source_monthly sums the
-- rows per customer group (rounding the sum, not each line).
with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}
    where source_system = 'crm'

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

counted_lines as (

    select
        contract_lines.contract_line_id,
        contract_lines.contract_id as crm_contract_id,
        contract_lines.quantity,
        contract_lines.start_date,
        contract_lines.end_date,
        contracts.currency,
        customers.customer_key,
        cast(contract_lines.quantity * contract_lines.net_unit_price as {{ type_money() }})
            as arr_document
    from contract_lines
    inner join contracts
        on contract_lines.contract_id = contracts.contract_id
    inner join customers
        on contracts.account_id = customers.source_customer_id
    where contracts.status in ('activated', 'expired', 'terminated')

),

active_line_months as (

    select
        month_spine.month,
        counted_lines.contract_line_id,
        counted_lines.crm_contract_id,
        counted_lines.customer_key,
        counted_lines.quantity,
        counted_lines.currency,
        counted_lines.arr_document
    from counted_lines
    inner join month_spine
        on counted_lines.start_date <= month_spine.month_end_date
            and month_spine.month_end_date <= {{ open_end('counted_lines.end_date') }}

),

final as (

    select
        active_line_months.month,
        active_line_months.contract_line_id,
        active_line_months.crm_contract_id,
        active_line_months.customer_key,
        active_line_months.quantity,
        active_line_months.currency,
        active_line_months.arr_document,
        fx_rates.rate_to_reporting,
        active_line_months.arr_document * fx_rates.rate_to_reporting as arr_reporting
    from active_line_months
    inner join fx_rates
        on active_line_months.month = fx_rates.month
            and active_line_months.currency = fx_rates.currency

)

select * from final
