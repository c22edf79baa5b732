-- A figure a document prints more than once (a total repeated in a second table, a donation total
-- in two sections) agrees with itself at the precision printed: the intervals overlap.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where value_lower is not null
),

firsts as (
    select * from reported_values
    where is_first_in_document
),

repeats as (
    select * from reported_values
    where not is_first_in_document
),

compared as (
    select
        repeats.document_sha256,
        repeats.document_path,
        repeats.company_id,
        repeats.fiscal_year,
        repeats.metric_code,
        repeats.members,
        repeats.canonical_unit,
        firsts.value_as_printed as first_as_printed,
        firsts.location as first_location,
        repeats.value_as_printed as repeat_as_printed,
        repeats.location as repeat_location,
        firsts.value_lower as first_lower,
        firsts.value_upper as first_upper,
        repeats.value_lower as repeat_lower,
        repeats.value_upper as repeat_upper
    from repeats
    inner join firsts
        on
            repeats.document_sha256 = firsts.document_sha256
            and repeats.company_id = firsts.company_id
            and repeats.fiscal_year = firsts.fiscal_year
            and repeats.metric_code = firsts.metric_code
            and repeats.members = firsts.members
    where repeats.metric_kind <> 'item'
),

findings as (
    select
        'repeated_figure' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || document_sha256 || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) || '|' || repeat_location as subject_key,
        company_id,
        fiscal_year,
        document_path,
        metric_code as subject,
        nullif(members, '') as members,
        metric_code as metrics_involved,
        first_as_printed || ' (' || first_location || '); ' || repeat_as_printed || ' (' || repeat_location || ')'
            as inputs,
        cast(first_lower as {{ float64() }}) as expected_lower,
        cast(first_upper as {{ float64() }}) as expected_upper,
        cast(repeat_lower as {{ float64() }}) as actual_lower,
        cast(repeat_upper as {{ float64() }}) as actual_upper,
        canonical_unit as unit,
        case
            when {{ intervals_overlap('first_lower', 'first_upper', 'repeat_lower', 'repeat_upper') }} then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ dbt.type_string() }}) as status_reason,
        document_path || ': ' || {{ metric_with_members('metric_code', 'members') }} || ' '
        || cast(fiscal_year as {{ dbt.type_string() }})
        || ' is printed as ' || first_as_printed || ' (' || first_location || ') and as ' || repeat_as_printed
        || ' (' || repeat_location || ')' as message
    from compared
)

select * from findings
