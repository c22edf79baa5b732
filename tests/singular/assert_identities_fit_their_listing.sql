-- No identity of the catalogue has more parts than the `identity_max_parts` var: a total's parts are
-- listed one column per place (int_identity_parts_summed), and a part beyond the last would go unnamed.
with

metric_identities as (
    select * from {{ ref('metric_identities') }}
),

part_counts as (
    select
        identity_code,
        total_metric_code,
        coalesce(total_members, '') as total_members,
        count(*) as part_count
    from metric_identities
    group by identity_code, total_metric_code, coalesce(total_members, '')
),

too_many as (
    select * from part_counts
    where part_count > {{ var('identity_max_parts') }}
)

select * from too_many
