-- Every landing row of crm/contract_lines, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('crm', 'contract_lines') }}
