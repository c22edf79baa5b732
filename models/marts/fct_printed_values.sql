-- Every value cell every document printed, mapped to a metric or not, exactly as printed and where:
-- the table as the report prints it, for auditors and for checks on what the report prints
-- (change columns) whatever the catalogue makes of its labels.
with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

described as (
    select
        document_sha256,
        document_path,
        company_id,
        fiscal_year,
        table_index,
        table_heading,
        section_heading,
        line_number,
        column_number,
        location,
        page_number,
        column_label,
        label_as_printed,
        label_key,
        value_as_printed,
        value_number as value_number_as_printed,
        decimals_printed,
        value_qualifier,
        not_reported_as_printed,
        unit_as_printed,
        footnote_markers,
        change_as_printed,
        change_number,
        change_decimals,
        standards_as_printed,
        metric_code,
        members,
        mapping_source,
        is_mapped,
        line_text
    from reported_values
)

select * from described
