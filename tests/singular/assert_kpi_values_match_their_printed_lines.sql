-- Every published KPI value traces back to its line: the line at that number in that document
-- holds exactly the label and the value as printed.
with

kpi_values as (
    select * from {{ ref('fct_kpi_values') }}
),

reported_values as (
    select * from {{ ref('stg_reports__values') }}
),

traced as (
    select
        kpi_values.document_path,
        kpi_values.line_number,
        kpi_values.label_as_printed,
        kpi_values.value_as_printed,
        reported_values.line_text
    from kpi_values
    left join reported_values
        on
            kpi_values.document_sha256 = reported_values.document_sha256
            and kpi_values.line_number = reported_values.line_number
),

failures as (
    select
        *,
        document_path || ' line ' || cast(line_number as {{ dbt.type_string() }})
        || ': published value ''' || value_as_printed || ''' is not on that line' as failure_message
    from traced
    where
        line_text is null
        or {{ dbt.position("label_as_printed", "line_text") }} = 0
        or {{ dbt.position("value_as_printed", "line_text") }} = 0
)

select * from failures
