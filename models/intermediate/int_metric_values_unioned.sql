-- Every value an intensity can draw on: what reports printed, then company reference data
-- (revenue, headcount) for what they did not. A report's own figure is preferred.
with

kpi_values as (
    select * from {{ ref('int_kpi_values_converted') }}
),

reference_values as (
    select * from {{ ref('int_reference_values_converted') }}
),

from_reports as (
    select
        company_id,
        fiscal_year,
        metric_code,
        value_canonical,
        value_lower,
        value_upper,
        canonical_unit,
        value_as_printed,
        decimals_printed,
        unit_as_printed,
        boundary_code,
        'report' as source_kind,
        1 as source_priority,
        document_path,
        line_number,
        document_path || ' line ' || cast(line_number as {{ dbt.type_string() }}) as source_description
    from kpi_values
    where has_unit_conversion
),

from_reference as (
    select
        company_id,
        fiscal_year,
        metric_code,
        value_canonical,
        value_lower,
        value_upper,
        canonical_unit,
        value_as_printed,
        decimals_printed,
        unit_as_printed,
        boundary_code,
        'reference' as source_kind,
        2 as source_priority,
        cast(null as {{ dbt.type_string() }}) as document_path,
        cast(null as integer) as line_number,
        source_title || ': ' || source_locator as source_description
    from reference_values
),

unioned as (
    select * from from_reports
    union all
    select * from from_reference
),

ranked as (
    select
        *,
        row_number() over (
            partition by company_id, fiscal_year, metric_code
            order by source_priority, document_path, line_number
        ) = 1 as is_preferred
    from unioned
)

select * from ranked
