-- Every landing row of erp/cash_receipts, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('erp', 'cash_receipts') }}
