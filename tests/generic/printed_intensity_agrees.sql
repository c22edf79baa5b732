{#-
    A printed intensity agrees with the one derived from its printed numerator and a known
    denominator, at the precision both were printed (interval division, then overlap). Rows whose
    inputs cover different boundaries or currencies are not comparable and not judged; their status
    says so.
    `model` needs the columns of fct_kpi_intensities.
-#}
{% test printed_intensity_agrees(model) %}

with

intensities as (
    select * from {{ model }}
),

failures as (
    select
        *,
        'intensity ' || metric_code || ' for ' || company_id || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ': printed ' || printed_value_as_printed || ' '
        || coalesce(printed_unit_as_printed, '') || ' (' || printed_document_path || ' ' || printed_location
        || ') is ['
        || {{ format_decimal('printed_lower') }} || ', ' || {{ format_decimal('printed_upper') }} || '] ' || unit
        || ' but ' || formula || ' gives ['
        || cast(derived_lower as {{ dbt.type_string() }}) || ', '
        || cast(derived_upper as {{ dbt.type_string() }}) || '] from ' || numerator_source
        || ' and ' || denominator_source as failure_message
    from intensities
    where
        status = 'disagrees'
)

select * from failures

{% endtest %}
