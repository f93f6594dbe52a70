{#- The reviewers' decisions file: the project's own extract, not the contract's (it is
    what finance writes back, DECISIONLOG "Reviewer decisions"). Same shape as
    landing_contract(), so the same checks read it and its bad rows land in
    quarantine_rows. `folder_var` names the dbt var holding its folder; `optional`: a
    missing file means no decision yet (an empty view), not an error. -#}
{% macro review_contract() %}
{{ return([
    {
        'system': 'review', 'entity': 'decisions', 'folder_var': 'decisions_dir', 'optional': true,
        'columns': [
            {'name': 'decision_id', 'type': 'string', 'key': true, 'nullable': false, 'enum': []},
            {'name': 'decided_at', 'type': 'timestamp', 'key': false, 'nullable': false, 'enum': []},
            {'name': 'reviewer', 'type': 'string', 'key': false, 'nullable': false, 'enum': []},
            {'name': 'subject_type', 'type': 'string', 'key': false, 'nullable': false,
             'enum': ['exception', 'payment_proposal', 'customer_pair']},
            {'name': 'subject_id', 'type': 'string', 'key': false, 'nullable': false, 'enum': []},
            {'name': 'related_subject_id', 'type': 'string', 'key': false, 'nullable': true, 'enum': []},
            {'name': 'decision', 'type': 'string', 'key': false, 'nullable': false,
             'enum': ['confirm', 'dismiss', 'accept', 'reject', 'link', 'unlink']},
            {'name': 'comment', 'type': 'string', 'key': false, 'nullable': true, 'enum': []},
        ],
    },
]) }}
{% endmacro %}


{#- Every checked extract: the contract's landing files, then the decisions file. -#}
{% macro checked_entities() %}
    {{- return(landing_contract() + review_contract()) -}}
{% endmacro %}
