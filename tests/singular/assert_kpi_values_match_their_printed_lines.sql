-- Every published KPI value traces back to its row: the row at that place in that document holds
-- the value exactly as printed and the label as printed (a row indented under a parent row prints
-- its own part of the label, the last).
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
),

staged_values as (
    select * from {{ ref('stg_reports__values') }}
),

traced as (
    select
        reported_values.document_path,
        reported_values.location,
        reported_values.label_as_printed,
        reported_values.value_as_printed,
        staged_values.line_text
    from reported_values
    left join staged_values
        on
            reported_values.document_sha256 = staged_values.document_sha256
            and reported_values.line_number = staged_values.line_number
            and reported_values.column_number = staged_values.column_number
),

failures as (
    select
        *,
        document_path || ' ' || location || ': published value ''' || value_as_printed
        || ''' or its label is not on that row' as failure_message
    from traced
    where
        line_text is null
        or {{ dbt.position("value_as_printed", "line_text") }} = 0
        or (
            {{ dbt.position("label_as_printed", "line_text") }} = 0
            and {{ dbt.position("replace(label_as_printed, ' / ', ' | ')", "line_text") }} = 0
            and {{ dbt.position(dbt.split_part("label_as_printed", "' / '", -1), "line_text") }} = 0
        )
)

select * from failures
