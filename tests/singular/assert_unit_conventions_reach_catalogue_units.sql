-- Every unit convention lands on the canonical unit the catalogue gives its quantity, and every
-- quantity has exactly one canonical unit, so converted values compare within a metric.
with

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conventions as (
    select * from {{ ref('unit_conventions') }}
),

quantity_units as (
    select
        quantity,
        min(canonical_unit) as canonical_unit,
        count(distinct canonical_unit) as unit_count
    from kpi_catalogue
    group by quantity
),

checked as (
    select
        unit_conventions.quantity,
        unit_conventions.unit_generic,
        unit_conventions.canonical_unit,
        quantity_units.canonical_unit as catalogue_unit,
        quantity_units.unit_count
    from unit_conventions
    left join quantity_units
        on unit_conventions.quantity = quantity_units.quantity
    union all
    select
        quantity,
        null as unit_generic,
        canonical_unit,
        canonical_unit as catalogue_unit,
        unit_count
    from quantity_units
    where unit_count > 1
),

failures as (
    select
        *,
        case
            when unit_count > 1 then 'quantity ' || quantity || ' has more than one canonical unit in the catalogue'
            when catalogue_unit is null then 'unit convention for ' || quantity || ': no catalogue metric has it'
            else
                'unit convention ' || unit_generic || ' -> ' || canonical_unit || ' for ' || quantity
                || ' but the catalogue stores ' || quantity || ' in ' || catalogue_unit
        end as failure_message
    from checked
    where unit_count > 1 or catalogue_unit is null or canonical_unit <> catalogue_unit
)

select * from failures
