-- Every landing row of reference/product_map, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('reference', 'product_map') }}
