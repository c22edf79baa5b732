-- What was rejected of each metric (and members) in each document, listed as findings name it: the
-- values the metric's rules rejected once their label was mapped. Where an identity misses a part or
-- its total, its finding says what was rejected in the missing figure's place.
with

rejected_lines as (
    select * from {{ ref('fct_rejected_lines') }}
    where reason_code <> 'duplicate_identical' and metric_code is not null
),

listed as (
    select
        document_sha256,
        metric_code,
        coalesce(members, '') as members,
        {{ listed_rejects() }} as rejected_text
    from rejected_lines
    group by document_sha256, metric_code, coalesce(members, '')
)

select * from listed
