with

reference_values as (
    select * from {{ ref('company_reference_values') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conversions as (
    select * from {{ ref('unit_conversions') }}
),

with_conversion as (
    select
        reference_values.*,
        kpi_catalogue.canonical_unit,
        unit_conversions.multiplier
    from reference_values
    inner join kpi_catalogue
        on reference_values.metric_code = kpi_catalogue.metric_code
    inner join unit_conversions
        on
            reference_values.unit_as_printed = unit_conversions.unit_as_printed
            and kpi_catalogue.quantity = unit_conversions.quantity
),

converted as (
    select
        *,
        {{ canonical_interval('value', 'multiplier', 'decimals_printed') }}
    from with_conversion
)

select * from converted
