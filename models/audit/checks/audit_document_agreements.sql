-- Two documents on the same year (a sustainability report and an annual report, a report and its
-- data file) printing one company-year figure agree at the precision printed. Where they do not,
-- neither stands for the company-year (int_metric_values_converted) and this names both.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document and metric_kind <> 'item'
),

pairs as (
    select
        one.company_id,
        one.fiscal_year,
        one.metric_code,
        one.members,
        one.canonical_unit,
        one.document_path as one_document_path,
        one.value_as_printed as one_as_printed,
        one.location as one_location,
        one.value_lower as one_lower,
        one.value_upper as one_upper,
        other.document_path as other_document_path,
        other.value_as_printed as other_as_printed,
        other.location as other_location,
        other.value_lower as other_lower,
        other.value_upper as other_upper
    from reported_values as one
    inner join reported_values as other
        on
            one.company_id = other.company_id
            and one.fiscal_year = other.fiscal_year
            and one.metric_code = other.metric_code
            and one.members = other.members
            and one.document_fiscal_year = other.document_fiscal_year
            and one.document_path < other.document_path
),

-- A lower bound (`> 30`) has no upper end: it agrees with anything at or above it.
judged as (
    select
        *,
        (one_upper is null or other_lower <= one_upper) and (other_upper is null or one_lower <= other_upper)
            as is_agreeing
    from pairs
),

findings as (
    select
        'document_agreement' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) || '|'
        || one_document_path || '|' || other_document_path as subject_key,
        company_id,
        fiscal_year,
        other_document_path as document_path,
        metric_code as subject,
        nullif(members, '') as members,
        metric_code as metrics_involved,
        one_as_printed || ' (' || one_document_path || ' ' || one_location || '); ' || other_as_printed || ' ('
        || other_document_path || ' ' || other_location || ')' as inputs,
        cast(one_lower as {{ float64() }}) as expected_lower,
        cast(one_upper as {{ float64() }}) as expected_upper,
        cast(other_lower as {{ float64() }}) as actual_lower,
        cast(other_upper as {{ float64() }}) as actual_upper,
        canonical_unit as unit,
        case
            when one_lower is null or other_lower is null then 'not_evaluable'
            when is_agreeing then 'pass'
            else 'fail'
        end as status,
        case when one_lower is null or other_lower is null then 'one printing is not a number' end as status_reason,
        company_id || ' ' || {{ metric_with_members('metric_code', 'members') }} || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ' is ' || coalesce(one_as_printed, 'not reported')
        || ' in ' || one_document_path || ' (' || one_location || ') and '
        || coalesce(other_as_printed, 'not reported') || ' in ' || other_document_path || ' (' || other_location
        || ')' || case
            when not is_agreeing then ': neither is published as the company-year''s value'
            else ''
        end as message
    from judged
)

select * from findings
