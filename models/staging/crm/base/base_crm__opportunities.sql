-- Every landing row of crm/opportunities, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('crm', 'opportunities') }}
