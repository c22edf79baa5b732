{#- Columns that hold a value in every row: one test (one query, one node of the build) for all of a
    table's, where a not_null test per column would each cost a node. The failure names the null columns. -#}
{% test not_null_columns(model, columns) %}

select
    *,
    'null in ' || concat_ws(
        ', ',
        {%- for column in columns %}
        case when {{ column }} is null then '{{ column }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ) as failure_message
from {{ model }}
where
    {%- for column in columns %}
    {{ 'or ' if not loop.first }}{{ column }} is null
    {%- endfor %}

{% endtest %}
