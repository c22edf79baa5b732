-- Every check on every subject it applies to, with its numbers and sources: one engine of
-- intervals (a printed figure is ± half a unit of its last digit) behind all of them.
-- Severity: `hard` checks (parts vs totals, a figure printed twice) fail the build unless the
-- exceptions register (seeds/audit_exceptions.csv) accepts the discrepancy; `warning` cross-checks
-- and `info` flags never fail it.
with

identities as (
    select * from {{ ref('int_audit_identities') }}
),

repeated_figures as (
    select * from {{ ref('int_audit_repeated_figures') }}
),

intensities as (
    select * from {{ ref('int_audit_intensities') }}
),

shared_denominators as (
    select * from {{ ref('int_audit_shared_denominators') }}
),

fx_pairs as (
    select * from {{ ref('int_audit_fx_pairs') }}
),

printed_changes as (
    select * from {{ ref('int_audit_printed_changes') }}
),

items_within_totals as (
    select * from {{ ref('int_audit_items_within_totals') }}
),

year_on_year as (
    select * from {{ ref('int_audit_year_on_year') }}
),

restatements as (
    select * from {{ ref('int_audit_restatements') }}
),

audit_exceptions as (
    select * from {{ ref('audit_exceptions') }}
),

unioned as (
    select * from identities
    union all
    select * from repeated_figures
    union all
    select * from intensities
    union all
    select * from shared_denominators
    union all
    select * from fx_pairs
    union all
    select * from printed_changes
    union all
    select * from items_within_totals
    union all
    select * from year_on_year
    union all
    select * from restatements
),

excepted as (
    select
        unioned.*,
        {{ dbt.hash("unioned.check_code || '|' || unioned.subject_key") }} as finding_id,
        audit_exceptions.check_code is not null and unioned.status = 'fail' as is_excepted,
        audit_exceptions.reason as exception_reason,
        audit_exceptions.accepted_by as exception_accepted_by,
        audit_exceptions.accepted_on as exception_accepted_on
    from unioned
    left join audit_exceptions
        on
            unioned.check_code = audit_exceptions.check_code
            and unioned.subject_key = audit_exceptions.subject_key
),

ordered as (
    select
        finding_id,
        check_code,
        severity,
        status,
        is_excepted,
        subject_key,
        company_id,
        fiscal_year,
        document_path,
        subject,
        metrics_involved,
        inputs,
        expected_lower,
        expected_upper,
        actual_lower,
        actual_upper,
        unit,
        status_reason,
        message,
        exception_reason,
        exception_accepted_by,
        exception_accepted_on,
        status = 'fail' and severity = 'hard' and not is_excepted as fails_build
    from excepted
)

select * from ordered
