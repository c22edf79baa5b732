-- Every candidate row or cell that is no fact: what the loader rejected, and the values that broke
-- their metric's rules once mapped (a unit of another dimension, a negative amount).
with

rejected_lines as (
    select * from {{ ref('stg_reports__rejected_lines') }}
),

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

report_tables as (
    select * from {{ ref('stg_reports__tables') }}
),

reported_values as (
    select * from {{ ref('stg_reports__values') }}
),

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report' and rule_broken_code is not null
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

located as (
    select
        documents.company_id,
        documents.fiscal_year,
        documents.document_path,
        rejected_lines.document_sha256,
        rejected_lines.line_number,
        rejected_lines.location,
        rejected_lines.page_number,
        rejected_lines.column_number,
        report_tables.table_heading,
        rejected_lines.line_text,
        rejected_lines.reason_code,
        rejected_lines.reason,
        cast(null as {{ dbt.type_string() }}) as metric_code,
        cast(null as {{ dbt.type_string() }}) as members
    from rejected_lines
    inner join documents
        on rejected_lines.document_sha256 = documents.document_sha256
    left join report_tables
        on
            rejected_lines.document_sha256 = report_tables.document_sha256
            and rejected_lines.table_index = report_tables.table_index
),

rules_broken as (
    select
        documents.company_id,
        documents.fiscal_year,
        documents.document_path,
        metric_values.document_sha256,
        metric_values.line_number,
        metric_values.location,
        metric_values.page_number,
        metric_values.column_number,
        metric_values.table_heading,
        reported_values.line_text,
        metric_values.rule_broken_code as reason_code,
        metric_values.rule_broken_reason || '; label ''' || metric_values.label_as_printed || '''' as reason,
        metric_values.metric_code,
        metric_values.members
    from metric_values
    inner join documents
        on metric_values.document_sha256 = documents.document_sha256
    inner join reported_values
        on
            metric_values.document_sha256 = reported_values.document_sha256
            and metric_values.line_number = reported_values.line_number
            and metric_values.column_number = reported_values.column_number
            and coalesce(metric_values.page_number, 0) = coalesce(reported_values.page_number, 0)
),

rejected as (
    select * from located
    union all
    select * from rules_broken
),

dated as (
    select
        rejected.company_id,
        rejected.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        rejected.document_path,
        rejected.document_sha256,
        rejected.line_number,
        rejected.location,
        rejected.page_number,
        rejected.column_number,
        rejected.table_heading,
        rejected.line_text,
        rejected.reason_code,
        rejected.reason,
        rejected.metric_code,
        rejected.members
    from rejected
    left join company_fiscal_years
        on
            rejected.company_id = company_fiscal_years.company_id
            and rejected.fiscal_year = company_fiscal_years.fiscal_year
)

select * from dated
