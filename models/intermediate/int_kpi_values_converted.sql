with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conversions as (
    select * from {{ ref('unit_conversions') }}
),

mapped as (
    select * from reported_values
    where is_mapped
),

with_conversion as (
    select
        mapped.*,
        kpi_catalogue.quantity,
        kpi_catalogue.canonical_unit,
        unit_conversions.multiplier,
        unit_conversions.multiplier is not null as has_unit_conversion
    from mapped
    inner join kpi_catalogue
        on mapped.metric_code = kpi_catalogue.metric_code
    left join unit_conversions
        on
            mapped.unit_as_printed = unit_conversions.unit_as_printed
            and kpi_catalogue.quantity = unit_conversions.quantity
),

converted as (
    select
        *,
        {{ canonical_interval('value_number', 'multiplier', 'decimals_printed') }}
    from with_conversion
)

select * from converted
