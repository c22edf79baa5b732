{#- The first and last day of a company's fiscal year, from the year's number and the company's year end
    (MM-DD) and naming (dim_companies): fiscal 2023 ending 09-30 and named for its end year runs from
    2022-10-01 to 2023-09-30; named for its start year, from 2023-10-01 to 2024-09-30. -#}
{% macro fiscal_period_end_date(fiscal_year, fiscal_year_end, fiscal_year_named_for) -%}
    cast(
        concat(
            cast({{ fiscal_year }} + case when {{ fiscal_year_named_for }} = 'start' then 1 else 0 end as string),
            '-',
            {{ fiscal_year_end }}
        ) as date
    )
{%- endmacro %}

{% macro fiscal_period_start_date(fiscal_year, fiscal_year_end, fiscal_year_named_for) -%}
    cast({{ dbt.dateadd('day', 1, fiscal_period_end_date(fiscal_year ~ ' - 1', fiscal_year_end, fiscal_year_named_for)) }} as date)
{%- endmacro %}
