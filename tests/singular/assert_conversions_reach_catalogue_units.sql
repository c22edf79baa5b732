-- Every unit conversion lands on the canonical unit the catalogue gives its quantity, and every
-- quantity has one canonical unit, so converted values are comparable within a metric.
with

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conversions as (
    select * from {{ ref('unit_conversions') }}
),

quantity_units as (
    select distinct
        quantity,
        canonical_unit
    from kpi_catalogue
),

mismatches as (
    select
        unit_conversions.unit_as_printed,
        unit_conversions.quantity,
        unit_conversions.canonical_unit,
        quantity_units.canonical_unit as catalogue_unit
    from unit_conversions
    inner join quantity_units
        on unit_conversions.quantity = quantity_units.quantity
    where unit_conversions.canonical_unit <> quantity_units.canonical_unit
),

failures as (
    select
        *,
        'unit ' || unit_as_printed || ' converts ' || quantity || ' to ' || canonical_unit
        || ' but the catalogue stores ' || quantity || ' in ' || catalogue_unit as failure_message
    from mismatches
)

select * from failures
