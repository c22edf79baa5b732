-- Labels read from KPI tables that map to no catalogue metric, never dropped: where they are,
-- how many values they carry, and the catalogue metrics whose aliases or names come closest.
with

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
    where not is_mapped
),

label_aliases as (
    select * from {{ ref('label_aliases') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unmapped as (
    select
        document_sha256,
        label_key,
        cast(count(*) as integer) as value_count,
        min(document_path) as document_path,
        min(company_id) as company_id,
        min(label_as_printed) as label_as_printed,
        min(unit_as_printed) as unit_as_printed,
        min(location) as first_location,
        min(metric_code_given) as metric_code_given,
        min(recognized_metric_code) as proposed_metric_code,
        min(recognized_members) as proposed_members,
        min(recognition_note) as recognition_note
    from reported_values
    group by document_sha256, label_key
),

candidate_texts as (
    select
        metric_code,
        label_key as candidate_text
    from label_aliases
    union all
    select
        metric_code,
        lower(name_en) as candidate_text
    from kpi_catalogue
),

scored as (
    select
        unmapped.document_sha256,
        unmapped.label_key,
        candidate_texts.metric_code,
        max({{ text_similarity('unmapped.label_key', 'candidate_texts.candidate_text') }}) as similarity
    from unmapped
    cross join candidate_texts
    group by unmapped.document_sha256, unmapped.label_key, candidate_texts.metric_code
),

ranked as (
    select
        *,
        row_number() over (
            partition by document_sha256, label_key
            order by similarity desc, metric_code asc
        ) as candidate_rank
    from scored
),

candidates as (
    select
        document_sha256,
        label_key,
        {{ ordered_listagg(
            "metric_code || ' (' || " ~ format_rounded("similarity", 2) ~ " || ')'",
            "', '",
            [["candidate_rank", "number"]]
        ) }} as closest_candidates,
        max(case when candidate_rank = 1 then metric_code end) as closest_metric_code,
        max(case when candidate_rank = 1 then similarity end) as closest_similarity
    from ranked
    where candidate_rank <= 3
    group by document_sha256, label_key
),

described as (
    select
        unmapped.company_id,
        unmapped.document_path,
        unmapped.document_sha256,
        unmapped.label_key,
        unmapped.label_as_printed,
        unmapped.unit_as_printed,
        unmapped.first_location,
        unmapped.value_count,
        unmapped.metric_code_given,
        unmapped.proposed_metric_code,
        unmapped.proposed_members,
        unmapped.recognition_note,
        candidates.closest_metric_code,
        candidates.closest_similarity,
        candidates.closest_candidates
    from unmapped
    left join candidates
        on
            unmapped.document_sha256 = candidates.document_sha256
            and unmapped.label_key = candidates.label_key
)

select * from described
