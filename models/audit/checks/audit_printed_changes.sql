-- A table's printed change column ("+/–": −1.6%) agrees with the change between the two years it
-- prints, at printed precision: [cur_lo / prev_hi - 1, cur_hi / prev_lo - 1] against the printed
-- change's own rounding interval. Checked on every row that prints one, mapped or not.
with

printed_values as (
    select
        *,
        value_number_as_printed as value_printed
    from {{ ref('fct_printed_values') }}
    where change_number is not null and value_number_as_printed is not null and value_qualifier is null
),

rows_with_years as (
    select
        current_year.document_sha256,
        current_year.document_path,
        current_year.line_number,
        current_year.location,
        current_year.company_id,
        current_year.fiscal_year,
        current_year.label_as_printed,
        current_year.change_as_printed,
        current_year.change_number,
        current_year.change_decimals,
        current_year.value_as_printed as current_as_printed,
        previous_year.value_as_printed as previous_as_printed,
        -- A figure printed without a minus sign is not negative: 0.0 stands for [0, 0.05].
        case
            when current_year.value_printed >= 0
                then
                    greatest(current_year.value_printed - {{ half_unit('current_year.decimals_printed') }}, 0)
            else current_year.value_printed - {{ half_unit('current_year.decimals_printed') }}
        end as current_lower,
        current_year.value_printed + {{ half_unit('current_year.decimals_printed') }} as current_upper,
        case
            when previous_year.value_printed >= 0
                then
                    greatest(
                        previous_year.value_printed - {{ half_unit('previous_year.decimals_printed') }}, 0
                    )
            else previous_year.value_printed - {{ half_unit('previous_year.decimals_printed') }}
        end as previous_lower,
        previous_year.value_printed + {{ half_unit('previous_year.decimals_printed') }} as previous_upper
    from printed_values as current_year
    inner join printed_values as previous_year
        on
            current_year.document_sha256 = previous_year.document_sha256
            and current_year.line_number = previous_year.line_number
            and current_year.fiscal_year = previous_year.fiscal_year + 1
),

changes as (
    select
        *,
        case
            when previous_lower > 0 and current_lower >= 0
                then 100 * (cast(current_lower as {{ float64() }}) / cast(previous_upper as {{ float64() }}) - 1)
        end as computed_lower,
        case
            when previous_lower > 0 and current_lower >= 0
                then 100 * (cast(current_upper as {{ float64() }}) / cast(previous_lower as {{ float64() }}) - 1)
        end as computed_upper,
        cast(change_number - {{ half_unit('change_decimals') }} as {{ float64() }}) as printed_lower,
        cast(change_number + {{ half_unit('change_decimals') }} as {{ float64() }}) as printed_upper
    from rows_with_years
),

findings as (
    select
        'printed_change' as check_code,
        document_sha256 || '|' || cast(line_number as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        label_as_printed as subject,
        cast(null as {{ dbt.type_string() }}) as members,
        cast(null as {{ dbt.type_string() }}) as metrics_involved,
        cast(fiscal_year as {{ dbt.type_string() }}) || ': ' || current_as_printed || '; '
        || cast(fiscal_year - 1 as {{ dbt.type_string() }}) || ': ' || previous_as_printed || '; printed change '
        || change_as_printed || ' (' || location || ')' as inputs,
        computed_lower as expected_lower,
        computed_upper as expected_upper,
        printed_lower as actual_lower,
        printed_upper as actual_upper,
        '%' as unit,
        case
            when computed_lower is null then 'not_evaluable'
            when {{ intervals_overlap('computed_lower', 'computed_upper', 'printed_lower', 'printed_upper') }}
                then 'pass'
            else 'fail'
        end as status,
        case
            when computed_lower is null then 'the earlier year may be zero at printed precision, or a value is negative'
        end as status_reason,
        document_path || ' ' || location || ': ' || label_as_printed || ' prints a change of ' || change_as_printed
        || ' for ' || current_as_printed || ' against ' || previous_as_printed || '; the figures give ['
        || coalesce({{ format_rounded('computed_lower', 2) }}, '?') || '%, '
        || coalesce({{ format_rounded('computed_upper', 2) }}, '?') || '%]' as message
    from changes
)

select * from findings
