-- Every landing row of billing/invoices, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('billing', 'invoices') }}
