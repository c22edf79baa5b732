{#- An exact decimal as text without trailing zeros (22782.255000000000 -> 22782.255), for messages. -#}
{% macro format_decimal(expression) -%}
    {%- set text -%}cast({{ expression }} as {{ dbt.type_string() }}){%- endset -%}
    case
        when {{ text }} like '%.%'
            then trim(trailing '.' from trim(trailing '0' from {{ text }}))
        else {{ text }}
    end
{%- endmacro %}

{#-
    A number rounded to `digits` decimals as text, without trailing zeros: 5.5e-05 reads 0.000055.
    Engines print floats differently (DuckDB 5.5e-05, Spark 5.5E-5); a decimal they print alike. Null
    beyond 38 digits.
-#}
{% macro format_rounded(expression, digits) -%}
    {{ format_decimal('try_cast(round(' ~ expression ~ ', ' ~ digits ~ ') as decimal(38, ' ~ digits ~ '))') }}
{%- endmacro %}
