-- The axes of seeds/dimension_axes.csv are exactly the `dimension_axes` var, which gives the KPI marts
-- a column each, and every axis a metric names in the catalogue is one of them.
with

dimension_axes as (
    select * from {{ ref('dimension_axes') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

columns_in_marts as (
    {%- for axis in var('dimension_axes') %}
        select '{{ axis }}' as axis_code
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- Each metric's axes, one row each: its axes, `|`-separated, matched against every known name.
named_by_metrics as (
    select distinct
        kpi_catalogue.metric_code,
        named.axis_code
    from kpi_catalogue
    inner join columns_in_marts as named
        on {{ dbt.position("'|' || named.axis_code || '|'", "'|' || kpi_catalogue.axes || '|'") }} > 0
),

axis_counts as (
    select
        metric_code,
        count(*) as known_axis_count
    from named_by_metrics
    group by metric_code
),

failures as (
    select
        dimension_axes.axis_code,
        'axis ' || dimension_axes.axis_code || ' is in seeds/dimension_axes.csv but not in the dimension_axes var'
            as failure_message
    from dimension_axes
    left join columns_in_marts
        on dimension_axes.axis_code = columns_in_marts.axis_code
    where columns_in_marts.axis_code is null
    union all
    select
        columns_in_marts.axis_code,
        'axis ' || columns_in_marts.axis_code || ' is in the dimension_axes var but not in seeds/dimension_axes.csv'
            as failure_message
    from columns_in_marts
    left join dimension_axes
        on columns_in_marts.axis_code = dimension_axes.axis_code
    where dimension_axes.axis_code is null
    union all
    select
        kpi_catalogue.metric_code as axis_code,
        'metric ' || kpi_catalogue.metric_code || ' names an axis that is not in the dimension_axes var: '
        || kpi_catalogue.axes as failure_message
    from kpi_catalogue
    left join axis_counts
        on kpi_catalogue.metric_code = axis_counts.metric_code
    where
        coalesce(kpi_catalogue.axes, '') <> ''
        and coalesce(axis_counts.known_axis_count, 0)
        <> length(kpi_catalogue.axes) - length(replace(kpi_catalogue.axes, '|', '')) + 1
)

select * from failures
