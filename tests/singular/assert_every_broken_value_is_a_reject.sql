-- Every mapped value that breaks its metric's rules (a unit of another dimension, a negative
-- amount) is a reject in fct_rejected_lines with that reason, and no fact: nothing is lost, nothing
-- wrong is published.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report' and rule_broken_code is not null
),

rejected_lines as (
    select * from {{ ref('fct_rejected_lines') }}
),

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
),

unlisted as (
    select
        metric_values.document_path || ' ' || metric_values.location || ': ' || metric_values.rule_broken_reason
        || ' is not in fct_rejected_lines' as failure_message
    from metric_values
    left join rejected_lines
        on
            metric_values.document_sha256 = rejected_lines.document_sha256
            and metric_values.line_number = rejected_lines.line_number
            and metric_values.column_number = rejected_lines.column_number
            and metric_values.rule_broken_code = rejected_lines.reason_code
    where rejected_lines.document_sha256 is null
),

published as (
    select
        metric_values.document_path || ' ' || metric_values.location || ': ' || metric_values.rule_broken_reason
        || ' is published in fct_kpi_reported_values' as failure_message
    from metric_values
    inner join reported_values
        on
            metric_values.document_sha256 = reported_values.document_sha256
            and metric_values.line_number = reported_values.line_number
            and metric_values.column_number = reported_values.column_number
),

failures as (
    select * from unlisted
    union all
    select * from published
)

select * from failures
