with

source as (
    select * from {{ source('reports', 'boundary_overrides') }}
),

renamed as (
    select
        document_sha256,
        metric_code,
        boundary_code,
        basis as boundary_basis
    from source
)

select * from renamed
