-- Members of a breakdown add up to what they break down: along every additive axis a document
-- prints (scope 3 categories, gases, business segments, countries, energy carriers, waste routes,
-- water sources, genders ...), per document, company and year, the members' interval sum against
-- the total (the fact without a member on that axis, other members equal), or against the member
-- they belong to (scope 3 categories 1 to 8 against upstream). The sum exceeding the total is a
-- failure; falling short is one only where every member is printed (a closed axis: all its members
-- or an "other"; an open axis: a table heading that names it, "breakdown by business", or an
-- "other" such as "rest of the world"). Otherwise it is not evaluable, with why.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document and metric_kind in ('absolute', 'count')
),

dimension_axes as (
    select * from {{ ref('dimension_axes') }}
),

dimension_members as (
    select * from {{ ref('dimension_members') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

-- A breakdown has a member printed: only a metric a document prints with members somewhere that
-- year is taken apart axis by axis (its totals with it), not every fact.
broken_down as (
    select distinct
        document_sha256,
        company_id,
        fiscal_year,
        metric_code
    from reported_values
    where coalesce(members, '') <> ''
),

candidates as (
    select reported_values.*
    from reported_values
    inner join broken_down
        on
            reported_values.document_sha256 = broken_down.document_sha256
            and reported_values.company_id = broken_down.company_id
            and reported_values.fiscal_year = broken_down.fiscal_year
            and reported_values.metric_code = broken_down.metric_code
),

-- Every such fact once per axis: its member there (null for none) and its other members.
by_axis as (
    {%- for axis in var('dimension_axes') %}
        select
            candidates.*,
            '{{ axis }}' as axis_code,
            {{ member_of('candidates.members', axis) }} as axis_member,
            {{ members_without('candidates.members', axis) }} as other_members
        from candidates
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

on_additive_axes as (
    select
        by_axis.*,
        dimension_axes.is_open,
        dimension_members.parent_member_code,
        coalesce(dimension_members.is_other, false) as is_other
    from by_axis
    inner join dimension_axes
        on by_axis.axis_code = dimension_axes.axis_code
    inner join kpi_catalogue
        on by_axis.metric_code = kpi_catalogue.metric_code
    left join dimension_members
        on
            by_axis.axis_code = dimension_members.axis_code
            and by_axis.axis_member = dimension_members.member_code
    where
        dimension_axes.is_additive
        and {{ dbt.position("'|' || by_axis.axis_code || '|'", "'|' || coalesce(kpi_catalogue.axes, '') || '|'") }} > 0
),

-- The members printed under one total (or one parent member), with their interval sum.
breakdowns as (
    select
        document_sha256,
        company_id,
        fiscal_year,
        metric_code,
        axis_code,
        other_members,
        parent_member_code,
        max(is_open) as is_open,
        max(case when is_other then 1 else 0 end) = 1 as has_other,
        max(
            case
                when {{ dbt.position("'|' || axis_code || '|'", "'|' || coalesce(breakdown_axes, '') || '|'") }} > 0
                    then 1
                else 0
            end
        ) = 1 as is_named_by_heading,
        count(*) as member_count,
        count(value_lower) as bounded_below_count,
        count(value_upper) as bounded_above_count,
        sum(value_lower) as members_lower,
        sum(value_upper) as members_upper,
        {{ ordered_listagg("axis_member", "', '", [["axis_member", "text"]]) }} as members_printed,
        {{ ordered_listagg(
            "axis_member || ' ' || coalesce(value_as_printed, 'not printed') || coalesce(' ' || unit_as_printed, '')"
            ~ " || ' (' || location || ')'",
            "' + '",
            [["axis_member", "text"]]
        ) }} as members_text
    from on_additive_axes
    where axis_member is not null
    group by document_sha256, company_id, fiscal_year, metric_code, axis_code, other_members, parent_member_code
    -- A year whose members are all printed as not reported prints no breakdown.
    having count(value_lower) > 0
),

closed_members as (
    select
        axis_code,
        parent_member_code,
        count(*) as expected_count
    from dimension_members
    where not is_other
    group by axis_code, parent_member_code
),

compared as (
    select
        breakdowns.*,
        totals.document_path,
        totals.members,
        totals.value_as_printed as total_as_printed,
        totals.unit_as_printed as total_unit_as_printed,
        totals.location as total_location,
        totals.value_lower as total_lower,
        totals.value_upper as total_upper,
        totals.canonical_unit,
        closed_members.expected_count,
        breakdowns.has_other
        or (breakdowns.is_open and breakdowns.is_named_by_heading)
        or (not breakdowns.is_open and breakdowns.member_count >= closed_members.expected_count) as is_complete
    from breakdowns
    inner join on_additive_axes as totals
        on
            breakdowns.document_sha256 = totals.document_sha256
            and breakdowns.company_id = totals.company_id
            and breakdowns.fiscal_year = totals.fiscal_year
            and breakdowns.metric_code = totals.metric_code
            and breakdowns.axis_code = totals.axis_code
            and breakdowns.other_members = totals.other_members
            and (
                breakdowns.parent_member_code = totals.axis_member
                or (breakdowns.parent_member_code is null and totals.axis_member is null)
            )
    left join closed_members
        on
            breakdowns.axis_code = closed_members.axis_code
            and (
                breakdowns.parent_member_code = closed_members.parent_member_code
                or (breakdowns.parent_member_code is null and closed_members.parent_member_code is null)
            )
),

judged as (
    select
        *,
        case
            when total_lower is null or total_upper is null then 'not_evaluable'
            when bounded_below_count < member_count or bounded_above_count < member_count then 'not_evaluable'
            when {{ intervals_overlap('total_lower', 'total_upper', 'members_lower', 'members_upper') }} then 'pass'
            when members_lower > total_upper then 'fail'
            when is_complete then 'fail'
            else 'not_evaluable'
        end as status,
        case
            when total_lower is null then 'the total is printed as not reported'
            when total_upper is null then 'the total is printed as a lower bound'
            when bounded_below_count < member_count then 'a member is not printed as a number'
            when bounded_above_count < member_count then 'a member is printed as a lower bound'
            when {{ intervals_overlap('total_lower', 'total_upper', 'members_lower', 'members_upper') }} then null
            when members_lower > total_upper then null
            when is_complete then null
            else
                'the members printed (' || members_printed || ') fall short of the total, and the breakdown may not'
                || ' be whole: not every ' || axis_code || ' member is printed and none is an "other"'
        end as status_reason
    from compared
),

findings as (
    select
        'breakdown' as check_code,
        {{ metric_with_members('metric_code', 'members') }} || '|' || axis_code
        || coalesce('=' || parent_member_code, '') || '|' || document_sha256 || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        metric_code || ' by ' || axis_code || coalesce(' within ' || parent_member_code, '') as subject,
        nullif(members, '') as members,
        metric_code as metrics_involved,
        'total ' || {{ metric_with_members('metric_code', 'members') }} || ' ' || total_as_printed
        || coalesce(' ' || total_unit_as_printed, '') || ' (' || total_location || '); members ' || members_text
            as inputs,
        cast(total_lower as {{ float64() }}) as expected_lower,
        cast(total_upper as {{ float64() }}) as expected_upper,
        case when bounded_below_count = member_count then cast(members_lower as {{ float64() }}) end as actual_lower,
        case when bounded_above_count = member_count then cast(members_upper as {{ float64() }}) end as actual_upper,
        canonical_unit as unit,
        status,
        status_reason,
        document_path || ': ' || {{ metric_with_members('metric_code', 'members') }} || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ' by ' || axis_code
        || case
            when status = 'pass' then ' adds up'
            when status = 'fail' then ' does not add up'
            else ' cannot be judged'
        end || ': total ' || total_as_printed || coalesce(' ' || total_unit_as_printed, '') || ' ('
        || total_location || ') is [' || coalesce({{ format_decimal('total_lower') }}, '?') || ', '
        || coalesce({{ format_decimal('total_upper') }}, '?') || '] ' || canonical_unit || '; ' || members_text
        || ' sum to [' || coalesce({{ format_decimal('members_lower') }}, '?') || ', '
        || coalesce({{ format_decimal('members_upper') }}, '?') || '] ' || canonical_unit
        || coalesce('; ' || status_reason, '') as message
    from judged
)

select * from findings
