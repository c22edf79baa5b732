-- One row per day: the time spine MetricFlow joins time dimensions to. KPIs are yearly, so any
-- span that holds the reporting years will do.
with

days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2041-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
