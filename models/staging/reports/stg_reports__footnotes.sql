with

source as (
    select * from {{ source('reports', 'footnotes') }}
),

renamed as (
    select
        document_sha256,
        table_index,
        footnote_number,
        marker as footnote_marker,
        line_number,
        page_number,
        footnote_text
    from source
)

select * from renamed
