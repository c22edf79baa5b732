-- No candidate row was rejected; each rejected row is reported with its document, place and
-- reason (a warning: the row is kept in fct_rejected_lines and counted in the build summary).
{{ config(severity='warn') }}

with

rejected_lines as (
    select * from {{ ref('fct_rejected_lines') }}
),

failures as (
    select
        *,
        document_path || ' ' || location || ': rejected (' || reason_code || '): ' || reason as failure_message
    from rejected_lines
)

select * from failures
