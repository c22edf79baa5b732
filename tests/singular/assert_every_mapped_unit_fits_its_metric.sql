-- Every printed value whose label maps to a metric is in a unit that converts to that metric's
-- canonical unit; a unit of another dimension (energy printed for an emission) fails the build.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report'
),

failures as (
    select
        *,
        document_path || ' ' || location || ': unit ''' || unit_as_printed || ''' (' || unit_normalized
        || ') does not fit metric ' || metric_code || ' (a quantity of ' || quantity || ' in '
        || canonical_unit || '); label ''' || label_as_printed || '''' as failure_message
    from metric_values
    where has_unit and not has_unit_conversion
)

select * from failures
