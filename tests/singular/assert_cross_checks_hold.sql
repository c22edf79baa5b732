-- Every cross-check (printed vs derived intensities, shared denominators, amounts in two
-- currencies, printed changes, donations within their total) holds; each one that does not is
-- listed (a warning: cross-checks are findings, they do not fail the build).
{{ config(severity='warn') }}

with

findings as (
    select * from {{ ref('fct_audit_findings') }}
),

failures as (
    select
        *,
        message as failure_message
    from findings
    where severity = 'warning' and status = 'fail'
)

select * from failures
