-- A figure a document prints more than once (a total repeated in a second table) agrees with
-- itself at the precision printed: its intervals overlap.
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
        repeats.document_path,
        repeats.metric_code,
        repeats.fiscal_year,
        firsts.value_as_printed as first_value_as_printed,
        firsts.location as first_location,
        repeats.value_as_printed as repeat_value_as_printed,
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
),

failures as (
    select
        *,
        document_path || ': ' || metric_code || ' ' || cast(fiscal_year as {{ dbt.type_string() }})
        || ' is printed as ' || first_value_as_printed || ' (' || first_location || ') and as '
        || repeat_value_as_printed || ' (' || repeat_location || ')' as failure_message
    from compared
    where not {{ intervals_overlap('first_lower', 'first_upper', 'repeat_lower', 'repeat_upper') }}
)

select * from failures
