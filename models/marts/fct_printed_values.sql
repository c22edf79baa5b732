-- Every value cell every document printed, mapped to a metric or not, exactly as printed and where:
-- the table as the report prints it, for auditors and for checks on what the report prints
-- (change columns) whatever the catalogue makes of its labels.
with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

described as (
    select
        reported_values.document_sha256,
        reported_values.document_path,
        reported_values.company_id,
        reported_values.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        reported_values.table_index,
        reported_values.table_heading,
        reported_values.section_heading,
        reported_values.line_number,
        reported_values.column_number,
        reported_values.location,
        reported_values.page_number,
        reported_values.column_label,
        reported_values.label_as_printed,
        reported_values.label_key,
        reported_values.value_as_printed,
        reported_values.value_number as value_number_as_printed,
        reported_values.decimals_printed,
        reported_values.value_qualifier,
        reported_values.not_reported_as_printed,
        reported_values.unit_as_printed,
        reported_values.footnote_markers,
        reported_values.change_as_printed,
        reported_values.change_number,
        reported_values.change_decimals,
        reported_values.standards_as_printed,
        reported_values.metric_code,
        reported_values.members,
        reported_values.mapping_source,
        reported_values.is_mapped,
        reported_values.line_text
    from reported_values
    left join company_fiscal_years
        on
            reported_values.company_id = company_fiscal_years.company_id
            and reported_values.fiscal_year = company_fiscal_years.fiscal_year
)

select * from described
