-- Every landing row of erp/customers, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('erp', 'customers') }}
