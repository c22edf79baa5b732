{#- How alike two labels are, from 0 to 1 (1: the same). DuckDB has Jaro-Winkler built in. -#}
{% macro text_similarity(a, b) -%}
    {{ return(adapter.dispatch('text_similarity')(a, b)) }}
{%- endmacro %}

{% macro default__text_similarity(a, b) -%}
    1.0 - cast(levenshtein({{ a }}, {{ b }}) as {{ float64() }})
    / cast(greatest(length({{ a }}), length({{ b }}), 1) as {{ float64() }})
{%- endmacro %}

{% macro duckdb__text_similarity(a, b) -%}
    jaro_winkler_similarity({{ a }}, {{ b }})
{%- endmacro %}
