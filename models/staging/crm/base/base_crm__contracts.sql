-- Every landing row of crm/contracts, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('crm', 'contracts') }}
