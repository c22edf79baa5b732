-- No printed total's identity has more parts than the `identity_max_parts` var: a total's parts are
-- listed one column per place (int_identity_parts_summed), and a part beyond the last would go unnamed.
with

identities_summed as (
    select * from {{ ref('int_identity_parts_summed') }}
),

too_many as (
    select * from identities_summed
    where part_count > {{ var('identity_max_parts') }}
)

select * from too_many
