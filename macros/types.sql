{#- The exact decimal type printed figures are kept in (the loader writes DECIMAL(38, 12)). -#}
{% macro exact_decimal() -%}
    {{ return(adapter.dispatch('exact_decimal')()) }}
{%- endmacro %}

{% macro default__exact_decimal() -%}
    decimal(38, 12)
{%- endmacro %}

{#- Whole numbers beyond BIGINT, for exact ratios in units of 10^-12 (macros/intervals.sql). -#}
{% macro exact_integer() -%}
    {{ return(adapter.dispatch('exact_integer')()) }}
{%- endmacro %}

{% macro default__exact_integer() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__exact_integer() -%}
    hugeint
{%- endmacro %}

{#- 64-bit floating point, for ratios of exact values (DuckDB's `float` is 32-bit). -#}
{% macro float64() -%}
    {{ return(adapter.dispatch('float64')()) }}
{%- endmacro %}

{% macro default__float64() -%}
    double
{%- endmacro %}

{% macro postgres__float64() -%}
    double precision
{%- endmacro %}
