-- Every landing row of erp/gl_journal_lines, typed, with the reason it breaks the contract (if it does).
{{ check_landing_rows('erp', 'gl_journal_lines') }}
