with

source as (
    select * from {{ source('reports', 'report_tables') }}
),

renamed as (
    select
        document_sha256,
        table_index,
        heading as table_heading,
        section_heading,
        scope_statement,
        first_line as first_line_number,
        last_line as last_line_number,
        page_number,
        unit_text as table_unit_as_printed,
        is_kpi_table,
        skip_reason
    from source
)

select * from renamed
