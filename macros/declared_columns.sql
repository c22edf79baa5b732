{#-
    fct_company_year_kpis's columns, as its YAML declares them: a column whose meta names a catalogue
    metric (and members) holds that metric's standing value; one whose meta names a numerator and a
    denominator divides two other columns.
-#}

{#- One column per metric column: the standing value of its metric and members, pivoted. -#}
{% macro kpi_metric_columns(columns) -%}
    {%- for column in columns if column.meta.metric_code %}
    max(case when metric_code = '{{ column.meta.metric_code }}' and members = '{{ column.meta.members or "" }}' then kpi_value end)
        as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- One column per ratio column: numerator over denominator, null where the denominator is 0. -#}
{% macro kpi_ratio_columns(columns) -%}
    {%- for column in columns if column.meta.numerator %}
    {{ column.meta.numerator }} / nullif({{ column.meta.denominator }}, 0) as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The columns by name, in the declared order. -#}
{% macro column_names(columns) -%}
    {%- for column in columns %}
    {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Every mart column the project declares (dbt's graph), as rows of literals for a `values` list:
    table, place, column, description, and the meta keys unit, unit_column, metric_code, members. -#}
{% macro mart_column_rows() -%}
    {%- set rows = [] %}
    {%- if execute %}
        {%- for node in graph.nodes.values() | sort(attribute='name')
            if node.resource_type == 'model' and node.config.schema == 'marts' %}
            {%- for column in node.columns.values() %}
                {%- set values = [sql_string(node.name), loop.index, sql_string(column.name), sql_string(column.description)] %}
                {%- for key in ['unit', 'unit_column', 'metric_code', 'members'] %}
                    {%- do values.append(sql_string(column.meta[key]) if column.meta.get(key) is not none else 'null') %}
                {%- endfor %}
                {%- do rows.append('(' ~ values | join(', ') ~ ')') %}
            {%- endfor %}
        {%- endfor %}
    {%- endif %}
    {{- rows | join(',\n        ') if rows else "('', 0, '', '', null, null, null, null)" }}
{%- endmacro %}
