{#- Quantities (emissions, energy, water, waste, headcount) are never below zero; with `metric_column`,
    a metric the catalogue marks is_signed (a change in storage) may be. -#}
{% test non_negative(model, column_name, metric_column=none) %}

select
    *,
    '{{ column_name }} is negative: ' || cast({{ column_name }} as {{ dbt.type_string() }}) as failure_message
from {{ model }}
where
    {{ column_name }} < 0
    {% if metric_column -%}
        and {{ metric_column }} not in (select metric_code from {{ ref('kpi_catalogue') }} where is_signed)
    {%- endif %}

{% endtest %}
