-- Every landing row of erp/receipt_applications, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('erp', 'receipt_applications') }}
