-- Every check on every subject it applies to, with its numbers and sources: one engine of
-- intervals (a printed figure is ± half a unit of its last digit) behind all of them. Each check
-- is a model of models/audit/checks/ giving the finding columns (macros/findings.sql); its
-- severity, title and meaning are in seeds/audit_checks.csv. `hard` checks fail the build unless
-- the exceptions register (seeds/audit_exceptions.csv) accepts the discrepancy.
{%- set checks = [
    'audit_identities',
    'audit_breakdowns',
    'audit_repeated_figures',
    'audit_intensities',
    'audit_shared_denominators',
    'audit_fx_pairs',
    'audit_printed_changes',
    'audit_items_within_totals',
    'audit_year_on_year',
    'audit_restatements',
    'audit_document_agreements',
] %}

with

{% for check in checks %}
    {{ check }} as (
        select * from {{ ref(check) }}
    ),

{% endfor -%}

audit_checks as (
    select * from {{ ref('audit_checks') }}
),

audit_exceptions as (
    select * from {{ ref('audit_exceptions') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

unioned as (
    {%- for check in checks %}
        select {{ select_finding_columns(check) }}
        from {{ check }}
        where {{ changed_companies_filter() }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

excepted as (
    select
        unioned.*,
        audit_checks.severity,
        audit_checks.title as check_title,
        {{ dbt.hash("unioned.check_code || '|' || unioned.subject_key") }} as finding_id,
        audit_exceptions.check_code is not null and unioned.status = 'fail' as is_excepted,
        audit_exceptions.reason as exception_reason,
        audit_exceptions.accepted_by as exception_accepted_by,
        audit_exceptions.accepted_on as exception_accepted_on
    from unioned
    inner join audit_checks
        on unioned.check_code = audit_checks.check_code
    left join audit_exceptions
        on
            unioned.check_code = audit_exceptions.check_code
            and unioned.subject_key = audit_exceptions.subject_key
),

ordered as (
    select
        excepted.finding_id,
        excepted.check_code,
        excepted.check_title,
        excepted.severity,
        excepted.status,
        excepted.is_excepted,
        excepted.subject_key,
        excepted.company_id,
        excepted.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        excepted.document_path,
        excepted.subject,
        excepted.members,
        excepted.metrics_involved,
        excepted.inputs,
        excepted.expected_lower,
        excepted.expected_upper,
        excepted.actual_lower,
        excepted.actual_upper,
        excepted.unit,
        excepted.status_reason,
        excepted.message,
        excepted.exception_reason,
        excepted.exception_accepted_by,
        excepted.exception_accepted_on,
        excepted.status = 'fail' and excepted.severity = 'hard' and not excepted.is_excepted as fails_build
    from excepted
    left join company_fiscal_years
        on
            excepted.company_id = company_fiscal_years.company_id
            and excepted.fiscal_year = company_fiscal_years.fiscal_year
)

select * from ordered
