-- Every landing row of billing/subscription_items, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('billing', 'subscription_items') }}
