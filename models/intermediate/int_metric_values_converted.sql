-- Printed values in their metric's canonical unit, with the interval their rounding allows. A
-- printed unit with no conversion for the metric's quantity does not fit the metric: flagged, not
-- converted. Where a report and reference data both give a value, the report's is preferred.
with

metric_values as (
    select * from {{ ref('int_metric_values_unioned') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conversions as (
    select * from {{ ref('unit_conversions') }}
),

with_conversion as (
    select
        metric_values.*,
        kpi_catalogue.quantity,
        kpi_catalogue.canonical_unit,
        unit_conversions.multiplier,
        unit_conversions.multiplier is not null as has_unit_conversion
    from metric_values
    inner join kpi_catalogue
        on metric_values.metric_code = kpi_catalogue.metric_code
    left join unit_conversions
        on
            metric_values.unit_as_printed = unit_conversions.unit_as_printed
            and kpi_catalogue.quantity = unit_conversions.quantity
),

converted as (
    select
        *,
        {{ canonical_interval('value_number', 'multiplier', 'decimals_printed') }}
    from with_conversion
),

ranked as (
    select
        *,
        has_unit_conversion and row_number() over (
            partition by company_id, fiscal_year, metric_code, has_unit_conversion
            order by source_priority, document_path, line_number, column_number
        ) = 1 as is_preferred
    from converted
)

select * from ranked
