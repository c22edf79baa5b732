-- A later report restating an earlier year's figure beyond what rounding allows is flagged with
-- both printings: restatements are normal, but an auditor reads each one.
with

restatements as (
    select * from {{ ref('fct_kpi_restatements') }}
),

findings as (
    select
        'restatement' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) || '|'
        || old_document_path || '|' || new_document_path as subject_key,
        company_id,
        fiscal_year,
        new_document_path as document_path,
        metric_code as subject,
        nullif(members, '') as members,
        metric_code as metrics_involved,
        'earlier ' || old_value_as_printed || ' (' || old_document_path || ' ' || old_location || '); later '
        || new_value_as_printed || ' (' || new_document_path || ' ' || new_location || ')' as inputs,
        cast(old_value_lower as {{ float64() }}) as expected_lower,
        cast(old_value_upper as {{ float64() }}) as expected_upper,
        cast(new_value_lower as {{ float64() }}) as actual_lower,
        cast(new_value_upper as {{ float64() }}) as actual_upper,
        canonical_unit as unit,
        case
            when is_beyond_rounding is null then 'not_evaluable'
            when is_beyond_rounding then 'flagged'
            else 'pass'
        end as status,
        case when is_beyond_rounding is null then 'one printing is not a number' end as status_reason,
        company_id || ' ' || {{ metric_with_members('metric_code', 'members') }} || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ' was '
        || coalesce(old_value_as_printed, 'not reported') || ' in ' || old_document_path || ' and is '
        || coalesce(new_value_as_printed, 'not reported') || ' in ' || new_document_path
        || coalesce(' (note ' || new_footnote_markers || ')', '') as message
    from restatements
)

select * from findings
