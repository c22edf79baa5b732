with

source as (
    select * from {{ source('reports', 'label_overrides') }}
),

renamed as (
    select
        document_sha256,
        label as label_as_written,
        label_key,
        metric_code,
        members,
        basis as mapping_basis
    from source
)

select * from renamed
