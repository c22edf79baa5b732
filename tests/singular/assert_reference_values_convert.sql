-- Every company reference value is in a unit that converts to its metric's canonical unit, so
-- no denominator is lost between the seed and the intensities.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
),

failures as (
    select
        *,
        'company_reference_values: ' || company_id || ' ' || cast(fiscal_year as {{ dbt.type_string() }})
        || ' ' || metric_code || ': unit ''' || unit_as_printed || ''' does not convert to ' || canonical_unit
            as failure_message
    from metric_values
    where source_kind = 'reference' and not has_unit_conversion
)

select * from failures
