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
        {{ changed_companies_predicate(ref('stg_reports__changed_companies'), column) }}
    {%- endif -%}
{% endmacro %}


{#- The companies listed in `changed` as a predicate on `column` (see above). -#}
{% macro changed_companies_predicate(changed, column='company_id') %}
    {%- set companies = run_query('select distinct company_id from ' ~ changed ~ ' order by company_id').columns[0].values() -%}
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
{% endmacro %}


{#-
    The data tests of a model whose rows are keyed by company (meta by_company) read the rows of the changed
    companies only: the others' rows are those the published build tested, unchanged. In a full build every
    company is a changed one. The changed companies are read from the staging model by name, not ref():
    a test depending on it would escape an incremental build's selection (loaders/build.py).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- if tested and tested.config.meta.get('by_company') -%}
        {%- set changed = graph.nodes['model.' ~ project_name ~ '.stg_reports__changed_companies'].relation_name -%}
        {%- set companies = changed_companies_predicate(changed) | trim -%}
        {%- if companies != 'true' -%}
            {%- set where = companies ~ (' and (' ~ where ~ ')' if where else '') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') as dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The rows of the changed companies are replaced by those the model computed for them. -#}
{% macro get_incremental_replace_companies_sql(arg_dict) %}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ changed_companies_filter() }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{% endmacro %}
