-- One value per company, fiscal year and metric: the latest printing of it (a later report's
-- restatement over the earlier figure, a reported figure over "not reported"). Itemised facts
-- (single donations) are many per year: they are in fct_community_investments. A view: the printings
-- are stored once, in fct_kpi_reported_values.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
),

latest as (
    select
        reported_values.company_id,
        reported_values.company_name,
        reported_values.fiscal_year,
        reported_values.fiscal_period_start_date,
        reported_values.fiscal_period_end_date,
        reported_values.metric_code,
        reported_values.members,
        {{ select_member_columns('reported_values') }},
        reported_values.metric_name_en,
        reported_values.metric_name_zh,
        reported_values.metric_kind,
        reported_values.hkex_kpi,
        reported_values.gri_disclosure,
        reported_values.esrs_datapoint,
        reported_values.is_reported,
        reported_values.value_canonical,
        reported_values.value_lower,
        reported_values.value_upper,
        reported_values.canonical_unit,
        reported_values.value_qualifier,
        reported_values.value_as_printed,
        reported_values.value_number_as_printed,
        reported_values.decimals_printed,
        reported_values.not_reported_as_printed,
        reported_values.unit_as_printed,
        reported_values.label_as_printed,
        reported_values.footnote_markers,
        reported_values.boundary_code,
        reported_values.boundary_basis,
        reported_values.document_path,
        reported_values.document_sha256,
        reported_values.document_fiscal_year,
        reported_values.line_number,
        reported_values.location,
        reported_values.page_number,
        reported_values.column_label,
        reported_values.table_heading,
        reported_values.section_heading,
        reported_values.document_count
    from reported_values
    where reported_values.is_latest and reported_values.metric_kind <> 'item'
)

select * from latest
