-- Printed intensities vs the intensity derived from the printed numerator and a known denominator,
-- by interval division: a cross-check (the denominator often comes from another document).
with

intensities as (
    select * from {{ ref('fct_kpi_intensities') }}
    where is_printed
),

findings as (
    select
        'printed_intensity' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        printed_document_path as document_path,
        metric_code as subject,
        nullif(members, '') as members,
        metric_code || ', ' || numerator_metric_code || ', ' || denominator_metric_code as metrics_involved,
        'printed ' || printed_value_as_printed || coalesce(' ' || printed_unit_as_printed, '') || ' ('
        || printed_location || '); ' || formula || ' from ' || coalesce(numerator_source, 'no numerator')
        || ' and ' || coalesce(denominator_source, 'no denominator') as inputs,
        derived_lower as expected_lower,
        derived_upper as expected_upper,
        cast(printed_lower as {{ float64() }}) as actual_lower,
        cast(printed_upper as {{ float64() }}) as actual_upper,
        unit,
        case status
            when 'agrees' then 'pass'
            when 'disagrees' then 'fail'
            else 'not_evaluable'
        end as status,
        case
            when status in ('agrees', 'disagrees') then null
            when status = 'boundary_mismatch' then boundary_note
            else replace(status, '_', ' ')
        end as status_reason,
        'intensity ' || {{ metric_with_members('metric_code', 'members') }} || ' for ' || company_id || ' '
        || cast(fiscal_year as {{ dbt.type_string() }})
        || ': printed ' || printed_value_as_printed || ' (' || printed_document_path || ' ' || printed_location
        || ')' || case
            when derived_lower is null then ' cannot be derived'
            else
                ' vs ' || formula || ' = [' || {{ format_rounded('derived_lower', 6) }} || ', '
                || {{ format_rounded('derived_upper', 6) }} || '] ' || unit
        end || ': ' || replace(status, '_', ' ') as message
    from intensities
)

select * from findings
