{#-
    Incremental builds by company. A company's rows in the KPI tables and findings depend on that
    company's documents only (every window and join of them is keyed on the company or on one
    document), so when documents are added, changed or removed, recomputing the rows of the companies
    they hold (raw.changed_companies, kept by the loaders) gives what a full rebuild would.

    changed_companies_filter(column) is the predicate an incremental model selects its inputs with and
    the replace_companies strategy deletes by: true in a full build; the changed companies otherwise,
    written out as constants. DuckDB pushes a range through the joins, aggregates and windows of views
    into their scans, where it does not push an IN list alone (nor anything OR'ed with "is null": every
    row of these models has a company). Past var('incremental_max_companies') companies a filter would
    cost more than it saves, and everything is recomputed.
-#}
{% macro changed_companies_filter(column='company_id') %}
    {%- if not execute -%}
        {%- do ref('stg_reports__changed_companies') -%}  {#- parsing: the dependency recorded -#}
    {%- endif -%}
    {%- if not (execute and is_incremental()) -%}
        true
    {%- else -%}
        {%- set changed = ref('stg_reports__changed_companies') -%}
        {%- set companies = run_query('select company_id from ' ~ changed ~ ' order by company_id').columns[0].values() -%}
        {%- if companies | length > var('incremental_max_companies') -%}
            true
        {%- elif companies | length == 0 -%}
            false
        {%- else -%}
            {%- set literals = [] -%}
            {%- for company in companies -%}
                {%- do literals.append(dbt.string_literal(company | replace("'", "''"))) -%}
            {%- endfor -%}
            ({{ column }} between {{ literals[0] }} and {{ literals[-1] }} and {{ column }} in ({{ literals | join(', ') }}))
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- The rows of the changed companies are replaced by those the model computed for them. -#}
{% macro get_incremental_replace_companies_sql(arg_dict) %}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ changed_companies_filter() }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{% endmacro %}
