{#-
    The columns every check model gives (models/audit/checks/) and fct_audit_findings unions, with
    their types: the one definition of a finding's shape. A check's severity, title and meaning are in
    seeds/audit_checks.csv, not in the check.
-#}
{% macro finding_columns() -%}
    {{ return({
        'check_code': 'string',
        'subject_key': 'string',
        'company_id': 'string',
        'fiscal_year': 'integer',
        'document_path': 'string',
        'subject': 'string',
        'members': 'string',
        'metrics_involved': 'string',
        'inputs': 'string',
        'expected_lower': 'float',
        'expected_upper': 'float',
        'actual_lower': 'float',
        'actual_upper': 'float',
        'unit': 'string',
        'status': 'string',
        'status_reason': 'string',
        'message': 'string',
    }) }}
{%- endmacro %}

{#- The finding columns of `relation`, by name and cast to their type. -#}
{% macro select_finding_columns(relation='') -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- for name, type in finding_columns().items() %}
    cast({{ prefix }}{{ name }} as {{ {'string': dbt.type_string(), 'integer': dbt.type_int(), 'float': float64()}[type] }})
        as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Rejected lines as findings name them, in the order of their places: line 3 (unit_conflict), line 10 (...). -#}
{% macro listed_rejects() -%}
    {{ ordered_listagg(
        "location || ' (' || reason_code || ')'",
        "', '",
        [["page_number", "number"], ["line_number", "number"], ["column_number", "number"]]
    ) }}
{%- endmacro %}
