-- Every hard check (parts vs totals, a figure printed twice) holds at printed precision, or its
-- discrepancy is in the exceptions register with a reason, who accepted it and when.
with

findings as (
    select * from {{ ref('fct_audit_findings') }}
),

failures as (
    select
        *,
        message as failure_message
    from findings
    where fails_build
)

select * from failures
