{#-
    The loaders' raw tables: in the DuckDB warehouse file (schema raw), or, on an engine that cannot read
    that file (Spark), the Parquet files the loaders write beside it, RAW_PARQUET/<table>.parquet.
-#}
{% macro source(source_name, table_name) -%}
    {{ return(adapter.dispatch('raw_source')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__raw_source(source_name, table_name) -%}
    {{ return(builtins.source(source_name, table_name)) }}
{%- endmacro %}

{% macro spark__raw_source(source_name, table_name) -%}
    {%- do builtins.source(source_name, table_name) -%}  {#- the dependency recorded -#}
    {{ return('parquet.`' ~ env_var('RAW_PARQUET', 'raw') ~ '/' ~ table_name ~ '.parquet`') }}
{%- endmacro %}
