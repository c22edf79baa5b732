with

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

report_tables as (
    select * from {{ ref('stg_reports__tables') }}
),

refused_documents as (
    select * from {{ ref('stg_reports__refused_documents') }}
),

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where source_kind = 'report' and rule_broken_code is not null
),

-- Values that broke their metric's rules once mapped are rejects (fct_rejected_lines), not values.
rule_break_counts as (
    select
        document_sha256,
        cast(count(*) as integer) as rule_break_count
    from metric_values
    group by document_sha256
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
        documents.loader_version,
        documents.loaded_at,
        documents.value_count - coalesce(rule_break_counts.rule_break_count, 0) as value_count,
        documents.reject_count + coalesce(rule_break_counts.rule_break_count, 0) as reject_count,
        coalesce(mapping_counts.mapped_value_count, 0) - coalesce(rule_break_counts.rule_break_count, 0)
            as mapped_value_count,
        coalesce(mapping_counts.unmapped_label_count, 0) as unmapped_label_count,
        coalesce(table_counts.kpi_table_count, 0) as kpi_table_count,
        coalesce(table_counts.skipped_table_count, 0) as skipped_table_count
    from documents
    left join table_counts
        on documents.document_sha256 = table_counts.document_sha256
    left join mapping_counts
        on documents.document_sha256 = mapping_counts.document_sha256
    left join rule_break_counts
        on documents.document_sha256 = rule_break_counts.document_sha256
),

-- A document is loaded or refused (the loader removes a path's rows of the other kind).
document_paths as (
    select document_path from documents
    union all
    select document_path from refused_documents
),

listed as (
    select
        document_paths.document_path,
        refused_documents.reason as refusal_reason,
        refused_documents.refused_path,
        refused_documents.line_number as refused_line_number,
        described.document_format,
        described.metadata_sha256,
        described.metadata_extra,
        described.metadata_path,
        described.company_id,
        described.company_name,
        described.fiscal_year,
        described.language,
        described.boundary_code,
        described.boundary_description,
        described.source_title,
        described.source_publisher,
        described.source_published,
        described.line_count,
        described.candidate_line_count,
        described.value_count,
        described.reject_count,
        described.loader_version,
        described.loaded_at,
        described.mapped_value_count,
        described.unmapped_label_count,
        described.kpi_table_count,
        described.skipped_table_count,
        coalesce(described.document_sha256, refused_documents.document_sha256) as document_sha256,
        case when refused_documents.document_path is null then 'loaded' else 'refused' end as document_status
    from document_paths
    left join described
        on document_paths.document_path = described.document_path
    left join refused_documents
        on document_paths.document_path = refused_documents.document_path
)

select * from listed
