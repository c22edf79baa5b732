-- Every KPI value every document printed, mapped and in canonical units: restatements and figures
-- printed twice included; int_metric_values_converted's KPI printings with the catalogue's names.
-- fct_kpi_values is a view of the printings that stand for each company, year and metric (is_latest).
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where is_kpi_printing and {{ changed_companies_filter() }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

described as (
    select
        metric_values.company_id,
        metric_values.company_name,
        metric_values.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        metric_values.metric_code,
        metric_values.members,
        {{ member_columns('metric_values.members') }},
        kpi_catalogue.name_en as metric_name_en,
        kpi_catalogue.name_zh as metric_name_zh,
        kpi_catalogue.kind as metric_kind,
        kpi_catalogue.hkex_kpi,
        kpi_catalogue.gri_disclosure,
        kpi_catalogue.esrs_datapoint,
        metric_values.is_reported,
        metric_values.value_canonical,
        metric_values.value_lower,
        metric_values.value_upper,
        metric_values.canonical_unit,
        metric_values.value_qualifier,
        metric_values.value_as_printed,
        metric_values.value_number as value_number_as_printed,
        metric_values.decimals_printed,
        metric_values.multiplier as canonical_multiplier,
        metric_values.divisor as canonical_divisor,
        metric_values.not_reported_as_printed,
        metric_values.unit_as_printed,
        metric_values.currency,
        metric_values.label_as_printed,
        metric_values.mapping_source,
        metric_values.mapping_confidence,
        metric_values.breakdown_axes,
        metric_values.mapping_basis,
        metric_values.footnote_markers,
        metric_values.boundary_code,
        metric_values.boundary_basis,
        metric_values.document_path,
        metric_values.document_sha256,
        metric_values.document_fiscal_year,
        metric_values.line_number,
        metric_values.location,
        metric_values.page_number,
        metric_values.column_number,
        metric_values.column_label,
        metric_values.table_heading,
        metric_values.section_heading,
        metric_values.quoted_text,
        metric_values.quoted_location,
        metric_values.passage,
        metric_values.value_date,
        metric_values.is_first_in_document,
        metric_values.is_preferred as is_latest,
        metric_values.document_count
    from metric_values
    inner join kpi_catalogue
        on metric_values.metric_code = kpi_catalogue.metric_code
    left join company_fiscal_years
        on
            metric_values.company_id = company_fiscal_years.company_id
            and metric_values.fiscal_year = company_fiscal_years.fiscal_year
)

select * from described
