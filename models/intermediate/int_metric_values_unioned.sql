-- Every printed value the warehouse knows, as printed: what reports' KPI tables say, and company
-- reference data (revenue, headcount) that intensities divide by.
with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

reference_values as (
    select * from {{ ref('company_reference_values') }}
),

from_reports as (
    select
        company_id,
        company_name,
        fiscal_year,
        metric_code,
        members,
        value_number,
        value_as_printed,
        decimals_printed,
        value_qualifier,
        is_reported,
        not_reported_as_printed,
        unit_as_printed,
        unit_normalized,
        unit_generic,
        currency,
        unit_multiplier,
        unit_divisor,
        boundary_code,
        boundary_basis,
        mapping_source,
        mapping_basis,
        footnote_markers,
        mapping_confidence,
        breakdown_axes,
        'report' as source_kind,
        1 as source_priority,
        document_sha256,
        document_path,
        document_fiscal_year,
        line_number,
        location,
        page_number,
        column_number,
        column_label,
        label_as_printed,
        table_heading,
        section_heading,
        quoted_text,
        quoted_location,
        passage,
        value_date,
        document_path || ' ' || location as source_description
    from reported_values
    where is_mapped
),

from_reference as (
    select
        company_id,
        cast(null as {{ dbt.type_string() }}) as company_name,
        fiscal_year,
        metric_code,
        '' as members,
        value_number,
        value_as_printed,
        decimals_printed,
        cast(null as {{ dbt.type_string() }}) as value_qualifier,
        true as is_reported,
        cast(null as {{ dbt.type_string() }}) as not_reported_as_printed,
        unit_as_printed,
        unit_normalized,
        unit_generic,
        nullif(currency, '') as currency,
        unit_multiplier,
        unit_divisor,
        boundary_code,
        cast(null as {{ dbt.type_string() }}) as boundary_basis,
        'reference' as mapping_source,
        cast(null as {{ dbt.type_string() }}) as mapping_basis,
        cast(null as {{ dbt.type_string() }}) as footnote_markers,
        1.0 as mapping_confidence,
        cast(null as {{ dbt.type_string() }}) as breakdown_axes,
        'reference' as source_kind,
        2 as source_priority,
        cast(null as {{ dbt.type_string() }}) as document_sha256,
        cast(null as {{ dbt.type_string() }}) as document_path,
        cast(null as integer) as document_fiscal_year,
        cast(null as integer) as line_number,
        cast(null as {{ dbt.type_string() }}) as location,
        cast(null as integer) as page_number,
        cast(null as integer) as column_number,
        cast(null as {{ dbt.type_string() }}) as column_label,
        cast(null as {{ dbt.type_string() }}) as label_as_printed,
        cast(null as {{ dbt.type_string() }}) as table_heading,
        cast(null as {{ dbt.type_string() }}) as section_heading,
        cast(null as {{ dbt.type_string() }}) as quoted_text,
        cast(null as {{ dbt.type_string() }}) as quoted_location,
        cast(null as {{ dbt.type_string() }}) as passage,
        cast(null as date) as value_date,
        source_title || ': ' || source_locator as source_description
    from reference_values
),

unioned as (
    select * from from_reports
    union all
    select * from from_reference
)

select * from unioned
