-- Every company reference value is in a unit that converts to its metric's canonical unit, so
-- no denominator is lost between the seed and the intensities.
with

reference_values as (
    select * from {{ ref('company_reference_values') }}
),

converted as (
    select * from {{ ref('int_reference_values_converted') }}
),

failures as (
    select
        reference_values.*,
        'company_reference_values: ' || reference_values.company_id || ' '
        || cast(reference_values.fiscal_year as {{ dbt.type_string() }}) || ' ' || reference_values.metric_code
        || ': unit ''' || reference_values.unit_as_printed || ''' does not convert to the metric''s unit'
            as failure_message
    from reference_values
    left join converted
        on
            reference_values.company_id = converted.company_id
            and reference_values.fiscal_year = converted.fiscal_year
            and reference_values.metric_code = converted.metric_code
    where converted.metric_code is null
)

select * from failures
