-- Every label read from a KPI table maps to a catalogue metric; each one that does not is listed
-- with the closest catalogue candidates (a warning: its values are kept, see fct_unmapped_labels).
{{ config(severity='warn') }}

with

unmapped_labels as (
    select * from {{ ref('fct_unmapped_labels') }}
),

failures as (
    select
        *,
        document_path || ' ' || first_location || ': label ''' || label_as_printed || ''' maps to no metric ('
        || cast(value_count as {{ dbt.type_string() }}) || ' values); closest: '
        || coalesce(closest_candidates, 'none') as failure_message
    from unmapped_labels
)

select * from failures
