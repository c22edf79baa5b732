-- Every candidate line the loader found in a document's KPI tables is a value or a reject, never
-- both and never neither: the loader's own count matches the rows that reached the warehouse.
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

accounted_lines as (
    select distinct
        document_sha256,
        line_number
    from reported_values
    union all
    select
        document_sha256,
        line_number
    from rejected_lines
),

line_counts as (
    select
        document_sha256,
        count(*) as accounted_line_count,
        count(distinct line_number) as distinct_line_count
    from accounted_lines
    group by document_sha256
),

compared as (
    select
        documents.document_path,
        documents.candidate_line_count,
        coalesce(line_counts.accounted_line_count, 0) as accounted_line_count,
        coalesce(line_counts.distinct_line_count, 0) as distinct_line_count
    from documents
    left join line_counts
        on documents.document_sha256 = line_counts.document_sha256
),

failures as (
    select
        *,
        document_path || ': ' || cast(candidate_line_count as {{ dbt.type_string() }})
        || ' candidate lines but ' || cast(accounted_line_count as {{ dbt.type_string() }})
        || ' values and rejects (' || cast(distinct_line_count as {{ dbt.type_string() }})
        || ' distinct lines)' as failure_message
    from compared
    where
        candidate_line_count <> accounted_line_count
        or accounted_line_count <> distinct_line_count
)

select * from failures
