-- No candidate line was rejected; each rejected line is reported with its document, line and
-- reason (a warning: the line is kept in fct_rejected_lines and counted in the build summary).
{{ config(severity='warn') }}

with

rejected_lines as (
    select * from {{ ref('fct_rejected_lines') }}
),

failures as (
    select
        *,
        document_path || ':' || cast(line_number as {{ dbt.type_string() }}) || ': rejected ('
        || reason_code || '): ' || reason as failure_message
    from rejected_lines
)

select * from failures
