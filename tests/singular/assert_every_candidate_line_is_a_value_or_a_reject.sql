-- Every candidate row the loader found in a document's KPI tables became values or a reject, and
-- the loader's own count matches the rows that reached the warehouse: no input row was dropped.
with

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

reported_values as (
    select * from {{ ref('stg_reports__values') }}
),

rejected_lines as (
    select * from {{ ref('stg_reports__rejected_lines') }}
),

accounted_rows as (
    select
        document_sha256,
        page_number,
        line_number
    from reported_values
    union
    select
        document_sha256,
        page_number,
        line_number
    from rejected_lines
),

row_counts as (
    select
        document_sha256,
        count(*) as accounted_row_count
    from accounted_rows
    group by document_sha256
),

compared as (
    select
        documents.document_path,
        documents.candidate_line_count,
        coalesce(row_counts.accounted_row_count, 0) as accounted_row_count
    from documents
    left join row_counts
        on documents.document_sha256 = row_counts.document_sha256
),

failures as (
    select
        *,
        document_path || ': ' || cast(candidate_line_count as {{ dbt.type_string() }})
        || ' candidate rows but ' || cast(accounted_row_count as {{ dbt.type_string() }})
        || ' became values or rejects' as failure_message
    from compared
    where candidate_line_count <> accounted_row_count
)

select * from failures
