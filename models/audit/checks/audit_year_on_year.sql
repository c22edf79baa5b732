-- Year-on-year changes beyond `yoy_change_threshold` of the earlier year are flagged for a look,
-- not failed: restructurings and new boundaries move figures too. The whole interval of the change
-- (current interval over previous interval) must lie beyond the threshold, so rounding never flags.
with

kpi_values as (
    select * from {{ ref('fct_kpi_values') }}
    where metric_kind = 'absolute' and value_canonical is not null and value_upper is not null
),

-- Each value as a float once, before the join pairs it with the years either side: casting an exact
-- decimal costs more than the division it feeds.
yearly_values as (
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        canonical_unit,
        document_path,
        location,
        value_as_printed,
        cast(value_canonical as {{ float64() }}) as value_float,
        cast(value_lower as {{ float64() }}) as lower_float,
        cast(value_upper as {{ float64() }}) as upper_float
    from kpi_values
),

consecutive as (
    select
        current_year.company_id,
        current_year.fiscal_year,
        current_year.metric_code,
        current_year.members,
        current_year.canonical_unit,
        current_year.document_path,
        current_year.value_float as current_value,
        previous_year.value_float as previous_value,
        current_year.lower_float as current_lower,
        current_year.upper_float as current_upper,
        previous_year.lower_float as previous_lower,
        previous_year.upper_float as previous_upper,
        current_year.value_as_printed || ' (' || current_year.location || ')' as current_as_printed,
        previous_year.value_as_printed || ' (' || previous_year.document_path || ' ' || previous_year.location || ')'
            as previous_as_printed
    from yearly_values as current_year
    inner join yearly_values as previous_year
        on
            current_year.company_id = previous_year.company_id
            and current_year.metric_code = previous_year.metric_code
            and current_year.members = previous_year.members
            and current_year.fiscal_year = previous_year.fiscal_year + 1
),

changes as (
    select
        *,
        case when previous_value > 0 then current_value / previous_value - 1 end as change_share,
        case when previous_upper > 0 then current_lower / previous_upper - 1 end as change_lower,
        case when previous_lower > 0 then current_upper / previous_lower - 1 end as change_upper
    from consecutive
),

findings as (
    select
        'year_on_year' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        metric_code as subject,
        nullif(members, '') as members,
        metric_code as metrics_involved,
        cast(fiscal_year as {{ dbt.type_string() }}) || ': ' || current_as_printed || '; '
        || cast(fiscal_year - 1 as {{ dbt.type_string() }}) || ': ' || previous_as_printed as inputs,
        -1.0 * {{ var('yoy_change_threshold') }} as expected_lower,
        1.0 * {{ var('yoy_change_threshold') }} as expected_upper,
        change_lower as actual_lower,
        change_upper as actual_upper,
        'share of the earlier year' as unit,
        case
            when change_share is null then 'not_evaluable'
            when
                change_lower > {{ var('yoy_change_threshold') }}
                or change_upper < -1.0 * {{ var('yoy_change_threshold') }}
                then 'flagged'
            else 'pass'
        end as status,
        case when change_share is null then 'the earlier year is zero' end as status_reason,
        company_id || ' ' || {{ metric_with_members('metric_code', 'members') }} || ' changed by '
        || coalesce({{ format_rounded('100 * change_share', 1) }} || '%', 'an undefined share')
        || ' from ' || cast(fiscal_year - 1 as {{ dbt.type_string() }}) || ' to '
        || cast(fiscal_year as {{ dbt.type_string() }}) as message
    from changes
)

select * from findings
