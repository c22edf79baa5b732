with

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

report_tables as (
    select * from {{ ref('stg_reports__tables') }}
),

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

mapping_counts as (
    select
        document_sha256,
        cast(sum(case when is_mapped then 1 else 0 end) as integer) as mapped_value_count,
        cast(count(distinct case when not is_mapped then label_key end) as integer) as unmapped_label_count
    from reported_values
    group by document_sha256
),

table_counts as (
    select
        document_sha256,
        cast(sum(case when is_kpi_table then 1 else 0 end) as integer) as kpi_table_count,
        cast(sum(case when is_kpi_table then 0 else 1 end) as integer) as skipped_table_count
    from report_tables
    group by document_sha256
),

described as (
    select
        documents.document_sha256,
        documents.document_path,
        documents.document_format,
        documents.metadata_sha256,
        documents.metadata_extra,
        documents.metadata_path,
        documents.company_id,
        documents.company_name,
        documents.fiscal_year,
        documents.language,
        documents.boundary_code,
        documents.boundary_description,
        documents.source_title,
        documents.source_publisher,
        documents.source_published,
        documents.line_count,
        documents.candidate_line_count,
        documents.value_count,
        documents.reject_count,
        documents.loader_version,
        documents.loaded_at,
        coalesce(mapping_counts.mapped_value_count, 0) as mapped_value_count,
        coalesce(mapping_counts.unmapped_label_count, 0) as unmapped_label_count,
        coalesce(table_counts.kpi_table_count, 0) as kpi_table_count,
        coalesce(table_counts.skipped_table_count, 0) as skipped_table_count
    from documents
    left join table_counts
        on documents.document_sha256 = table_counts.document_sha256
    left join mapping_counts
        on documents.document_sha256 = mapping_counts.document_sha256
)

select * from described
