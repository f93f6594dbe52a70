-- Every row of the reviewers' decisions file, typed, with the reason it breaks the file's
-- layout (macros/contract/review_contract.sql) if it does.
{{ check_landing_rows('review', 'decisions') }}
