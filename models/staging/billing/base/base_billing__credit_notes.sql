-- Every landing row of billing/credit_notes, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('billing', 'credit_notes') }}
