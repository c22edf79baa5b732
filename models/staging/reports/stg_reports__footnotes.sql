with

source as (
    select * from {{ source('reports', 'footnotes') }}
),

renamed as (
    select
        document_sha256,
        table_index,
        number as footnote_number,
        marker as footnote_marker,
        line_number,
        page_number,
        text as footnote_text
    from source
)

select * from renamed
