{#- Quantities (emissions, energy, water, waste, headcount) are never below zero. -#}
{% test non_negative(model, column_name) %}

select
    *,
    '{{ column_name }} is negative: ' || cast({{ column_name }} as {{ dbt.type_string() }}) as failure_message
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
