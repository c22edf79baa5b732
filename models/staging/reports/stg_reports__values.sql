with

source as (
    select * from {{ source('reports', 'reported_values') }}
),

renamed as (
    select
        document_sha256,
        table_index,
        table_heading,
        section_heading,
        line_number,
        location,
        page_number,
        column_number,
        column_label,
        company_id,
        fiscal_year,
        label_as_printed,
        label_key,
        footnote_markers,
        value_as_printed,
        cast(value_number as {{ exact_decimal() }}) as value_number,
        decimals_printed,
        value_qualifier,
        not_reported_as_printed,
        value_number is not null as is_reported,
        unit_as_printed,
        unit_normalized,
        unit_generic,
        currency,
        cast(unit_multiplier as {{ exact_decimal() }}) as unit_multiplier,
        cast(unit_divisor as {{ exact_decimal() }}) as unit_divisor,
        change_as_printed,
        cast(change_number as {{ exact_decimal() }}) as change_number,
        change_decimals,
        standards_as_printed,
        metric_code_given,
        quoted_text,
        quoted_location,
        passage,
        value_date,
        recognized_metric_code,
        recognized_members,
        recognition_confidence,
        recognition_note,
        breakdown_axes,
        line_text
    from source
)

select * from renamed
