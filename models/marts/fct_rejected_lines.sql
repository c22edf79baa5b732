with

rejected_lines as (
    select * from {{ ref('stg_reports__rejected_lines') }}
),

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

report_tables as (
    select * from {{ ref('stg_reports__tables') }}
),

located as (
    select
        documents.company_id,
        documents.fiscal_year,
        documents.document_path,
        rejected_lines.document_sha256,
        rejected_lines.line_number,
        rejected_lines.location,
        rejected_lines.page_number,
        rejected_lines.column_number,
        report_tables.table_heading,
        rejected_lines.line_text,
        rejected_lines.reason_code,
        rejected_lines.reason
    from rejected_lines
    inner join documents
        on rejected_lines.document_sha256 = documents.document_sha256
    left join report_tables
        on
            rejected_lines.document_sha256 = report_tables.document_sha256
            and rejected_lines.table_index = report_tables.table_index
)

select * from located
