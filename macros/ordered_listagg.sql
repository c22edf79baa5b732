{#-
    The measure of a group's rows joined by a delimiter in the order of `order_by`, a list of
    [expression, 'text' | 'number'] pairs (ascending, nulls last; numbers whole and not negative:
    lines, pages, columns, ranks). What findings name their inputs with.
-#}
{% macro ordered_listagg(measure, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg')(measure, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter, order_by) -%}
    {%- set keys = [] -%}
    {%- for expression, kind in order_by -%}
        {%- do keys.append(expression ~ ' asc nulls last') -%}
    {%- endfor -%}
    {{ dbt.listagg(measure, delimiter, 'order by ' ~ keys | join(', ')) }}
{%- endmacro %}

{#-
    DuckDB keeps an ordered aggregate's rows in memory, group by group, and runs out of it on a few
    hundred thousand groups; a plain string_agg needs far less (its text is still held until the
    query ends: over millions of groups, see ranked_listagg). So each row is prefixed with a key
    that sorts as `order_by` does (a number zero-padded, a null after any value), the rows are
    joined unordered, and the joined list is sorted and stripped of its keys row by row. Unit
    (chr(31)) and record (chr(30)) separators in a measure would split it: they become spaces.
-#}
{% macro duckdb__ordered_listagg(measure, delimiter, order_by) -%}
    {%- set keys = [] -%}
    {%- for expression, kind in order_by -%}
        {%- if kind == 'number' -%}
            {%- do keys.append("coalesce('0' || lpad(cast(" ~ expression ~ " as varchar), 20, '0'), '1')") -%}
        {%- else -%}
            {%- do keys.append("coalesce('0' || replace(replace(" ~ expression ~ ", chr(30), ' '), chr(31), ' '), '1')") -%}
        {%- endif -%}
    {%- endfor -%}
    array_to_string(
        list_transform(
            list_sort(
                string_split(
                    string_agg(
                        {{ keys | join(" || chr(1) || ") }} || chr(31)
                        || replace(replace({{ measure }}, chr(30), ' '), chr(31), ' '),
                        chr(30)
                    ),
                    chr(30)
                )
            ),
            sorted_row -> substr(sorted_row, strpos(sorted_row, chr(31)) + 1)
        ),
        {{ delimiter }}
    )
{%- endmacro %}

{#-
    The measure of a group's rows joined by a delimiter in the order of `rank` (1, 2, ... at most
    `max_rank`): one max() per rank, which DuckDB spills to disk where a string_agg of millions of
    groups would not fit in memory. For lists whose length is bounded (the parts of an identity).
-#}
{% macro ranked_listagg(measure, delimiter, rank, max_rank) -%}
    nullif(concat_ws(
        {{ delimiter }},
        {%- for position in range(1, max_rank + 1) %}
        max(case when {{ rank }} = {{ position }} then {{ measure }} end){{ ',' if not loop.last }}
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- Spark: the rows as structs of their sort keys (a null after any value) and measure, sorted. -#}
{% macro spark__ordered_listagg(measure, delimiter, order_by) -%}
    {%- set fields = [] -%}
    {%- for expression, kind in order_by -%}
        {%- do fields.append('(' ~ expression ~ ') is null') -%}
        {%- do fields.append(expression) -%}
    {%- endfor -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct(
                {%- for field in fields %}
                'k{{ loop.index }}', {{ field }},
                {%- endfor %}
                'measure', {{ measure }}
            ))),
            sorted_row -> sorted_row.measure
        ),
        {{ delimiter }}
    )
{%- endmacro %}
