with

source as (
    select * from {{ source('reports', 'refused_documents') }}
),

renamed as (
    select
        document_path,
        document_sha256,
        refused_path,
        line_number,
        reason,
        refused_at
    from source
)

select * from renamed
