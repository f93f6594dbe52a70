-- Every landing row of billing/customers, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('billing', 'customers') }}
