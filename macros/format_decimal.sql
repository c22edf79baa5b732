{#- An exact decimal as text without trailing zeros (22782.255000000000 -> 22782.255), for messages. -#}
{% macro format_decimal(expression) -%}
    {%- set text -%}cast({{ expression }} as {{ dbt.type_string() }}){%- endset -%}
    case
        when {{ text }} like '%.%'
            then trim(trailing '.' from trim(trailing '0' from {{ text }}))
        else {{ text }}
    end
{%- endmacro %}
