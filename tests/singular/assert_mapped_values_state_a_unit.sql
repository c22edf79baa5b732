-- Every printed value whose label maps to a metric states its unit (in its label, a unit column,
-- the table or the document's metadata); one that does not cannot be converted and is left out
-- of the marts (a warning: it stays in raw and staging).
{{ config(severity='warn') }}

with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report'
),

failures as (
    select
        *,
        document_path || ' ' || location || ': no unit printed for ' || metric_code || ' (label '''
        || label_as_printed || '''); state it in the label, a unit column or the metadata''s units.default'
            as failure_message
    from metric_values
    where not has_unit and is_reported
)

select * from failures
