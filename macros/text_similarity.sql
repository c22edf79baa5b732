{#-
    How alike two labels are, from 0 to 1 (1: the same): one minus their edit distance over the longer,
    counted in UTF-8 bytes on every engine (DuckDB's levenshtein counts bytes; Spark's counts characters,
    so it is given each byte as a character).
-#}
{% macro text_similarity(a, b) -%}
    {{ return(adapter.dispatch('text_similarity')(a, b)) }}
{%- endmacro %}

{% macro default__text_similarity(a, b) -%}
    1.0 - cast(levenshtein({{ a }}, {{ b }}) as {{ float64() }})
    / cast(greatest(strlen({{ a }}), strlen({{ b }}), 1) as {{ float64() }})
{%- endmacro %}

{% macro spark__text_similarity(a, b) -%}
    1.0 - cast(levenshtein(
        decode(encode({{ a }}, 'UTF-8'), 'ISO-8859-1'), decode(encode({{ b }}, 'UTF-8'), 'ISO-8859-1')
    ) as {{ float64() }})
    / cast(greatest(octet_length({{ a }}), octet_length({{ b }}), 1) as {{ float64() }})
{%- endmacro %}
