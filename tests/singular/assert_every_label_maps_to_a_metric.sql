-- Every label read from a KPI table maps to a catalogue metric; an unmapped label is reported
-- (a warning: its value stays in the raw and staging layers until an alias is added).
{{ config(severity='warn') }}

with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

failures as (
    select
        *,
        document_path || ' line ' || cast(line_number as {{ dbt.type_string() }}) || ': label '''
        || label_as_printed || ''' maps to no metric; add it to seeds/label_aliases.csv as '''
        || label_key || '''' as failure_message
    from reported_values
    where not is_mapped
)

select * from failures
