-- Every landing row of billing/invoice_lines, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('billing', 'invoice_lines') }}
