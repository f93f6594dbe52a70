-- Every landing row of reference/fx_rates, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('reference', 'fx_rates') }}
