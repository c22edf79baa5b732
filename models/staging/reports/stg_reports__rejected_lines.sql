with

source as (
    select * from {{ source('reports', 'rejected_lines') }}
),

renamed as (
    select
        document_sha256,
        table_index,
        line_number,
        location,
        page_number,
        column_number,
        line_text,
        reason_code,
        reason
    from source
)

select * from renamed
