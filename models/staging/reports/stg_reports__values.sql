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
        column_number,
        fiscal_year,
        label_as_printed,
        label_key,
        value_as_printed,
        cast(value_number as {{ exact_decimal() }}) as value_number,
        decimals_printed,
        unit_as_printed,
        line_text
    from source
)

select * from renamed
