with

source as (
    select * from {{ source('reports', 'documents') }}
),

renamed as (
    select
        document_sha256,
        document_path,
        document_format,
        metadata_sha256,
        metadata_extra,
        metadata_path,
        company_id,
        company_name,
        fiscal_year,
        language,
        boundary_code,
        boundary_description,
        source_title,
        source_publisher,
        source_published,
        line_count,
        candidate_line_count,
        value_count,
        reject_count,
        loader_version,
        loaded_at
    from source
)

select * from renamed
