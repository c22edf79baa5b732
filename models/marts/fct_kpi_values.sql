with

kpi_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report' and has_unit_conversion
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

described as (
    select
        kpi_values.company_id,
        kpi_values.company_name,
        kpi_values.fiscal_year,
        kpi_values.metric_code,
        kpi_catalogue.name_en as metric_name_en,
        kpi_catalogue.name_zh as metric_name_zh,
        kpi_catalogue.kind as metric_kind,
        kpi_catalogue.hkex_kpi,
        kpi_catalogue.gri_disclosure,
        kpi_values.value_canonical,
        kpi_values.value_lower,
        kpi_values.value_upper,
        kpi_values.canonical_unit,
        kpi_values.value_as_printed,
        kpi_values.value_number as value_number_as_printed,
        kpi_values.decimals_printed,
        kpi_values.unit_as_printed,
        kpi_values.label_as_printed,
        kpi_values.boundary_code,
        kpi_values.boundary_basis,
        kpi_values.document_path,
        kpi_values.document_sha256,
        kpi_values.line_number,
        kpi_values.table_heading,
        kpi_values.section_heading
    from kpi_values
    inner join kpi_catalogue
        on kpi_values.metric_code = kpi_catalogue.metric_code
)

select * from described
