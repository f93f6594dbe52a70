-- Every landing row of erp/ar_documents, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('erp', 'ar_documents') }}
