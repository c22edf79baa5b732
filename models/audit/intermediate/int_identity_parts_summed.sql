-- The parts of every identity the catalogue declares, summed as intervals for each total a document
-- prints (audit_identities judges them against it): the weighted sum of the parts' intervals, how
-- many parts are printed as numbers, and the parts as printed. A table of its own, grouped by keys
-- alone: DuckDB holds an aggregate's text until its query ends, so the check's joins run without it.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document and {{ changed_companies_filter() }}
),

metric_identities as (
    select * from {{ ref('metric_identities') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

rejected_values as (
    select * from {{ ref('int_rejected_values_listed') }}
),

-- Each identity's parts in the catalogue's order (metric, then members), as a total's parts are listed.
ranked_parts as (
    select
        *,
        row_number() over (
            partition by identity_code, total_metric_code, coalesce(total_members, '')
            order by part_metric_code, coalesce(part_members, '')
        ) as part_rank
    from metric_identities
),

identity_totals as (
    select
        identity_code,
        total_metric_code,
        coalesce(total_members, '') as total_members,
        count(*) as part_count
    from metric_identities
    group by identity_code, total_metric_code, coalesce(total_members, '')
),

-- Where an identity can be asked: every printed total (parts without a total leave nothing to
-- check against), for each of its members: the identity holds for each scope 2 method, each
-- business segment, each country.
subjects as (
    select
        identity_totals.identity_code,
        identity_totals.total_metric_code,
        identity_totals.total_members,
        {{ member_axes('identity_totals.total_members') }} as fixed_axes,
        identity_totals.part_count,
        totals.document_sha256,
        totals.company_id,
        totals.fiscal_year,
        totals.members
    from identity_totals
    inner join reported_values as totals
        on
            identity_totals.total_metric_code = totals.metric_code
            and (
                identity_totals.total_members = ''
                or {{ dbt.position('identity_totals.total_members', 'totals.members') }} > 0
            )
),

-- Each part's fact: the members the identity fixes for it, and the total's members on the axes
-- the part's metric has.
part_keys as (
    select
        subjects.*,
        ranked_parts.part_metric_code,
        ranked_parts.part_rank,
        ranked_parts.weight,
        ranked_parts.weight > 0 and not parts_metrics.is_signed as adds_never_below_zero,
        {{ members_carried(
            "coalesce(ranked_parts.part_members, '')", 'subjects.members', 'parts_metrics.axes', 'subjects.fixed_axes'
        ) }} as part_members
    from subjects
    inner join ranked_parts
        on
            subjects.identity_code = ranked_parts.identity_code
            and subjects.total_members = coalesce(ranked_parts.total_members, '')
    inner join kpi_catalogue as parts_metrics
        on ranked_parts.part_metric_code = parts_metrics.metric_code
),

summed as (
    select
        part_keys.identity_code,
        part_keys.total_metric_code,
        part_keys.part_count,
        part_keys.document_sha256,
        part_keys.company_id,
        part_keys.fiscal_year,
        part_keys.members,
        count(reported_values.value_lower) as parts_bounded_below,
        -- Every part adds a quantity never below zero: the parts printed are a floor of the whole sum.
        min(case when part_keys.adds_never_below_zero then 1 else 0 end) = 1 as has_parts_never_below_zero,
        count(reported_values.value_upper) as parts_bounded_above,
        sum(
            case
                when part_keys.weight >= 0 then part_keys.weight * reported_values.value_lower
                else part_keys.weight * reported_values.value_upper
            end
        ) as parts_lower,
        sum(
            case
                when part_keys.weight >= 0 then part_keys.weight * reported_values.value_upper
                else part_keys.weight * reported_values.value_lower
            end
        ) as parts_upper,
        {{ ranked_listagg(
            "case when reported_values.value_as_printed is null then null else "
            ~ "case when part_keys.weight = 1 then '' else cast(part_keys.weight as "
            ~ dbt.type_string() ~ ") || ' x ' end || "
            ~ metric_with_members('part_keys.part_metric_code', 'part_keys.part_members') ~ " || ' '"
            ~ " || reported_values.value_as_printed || coalesce(' ' || reported_values.unit_as_printed, '')"
            ~ " || ' (' || reported_values.location || ')' end",
            "' + '",
            'part_keys.part_rank',
            var('identity_max_parts')
        ) }} as parts_text,
        {{ ranked_listagg(
            "case when reported_values.value_lower is null then "
            ~ metric_with_members('part_keys.part_metric_code', 'part_keys.part_members') ~ " end",
            "', '",
            'part_keys.part_rank',
            var('identity_max_parts')
        ) }} as missing_parts,
        {{ ranked_listagg(
            "case when reported_values.value_lower is null then rejected_values.rejected_text end",
            "', '",
            'part_keys.part_rank',
            var('identity_max_parts')
        ) }} as rejected_parts_text
    from part_keys
    left join reported_values
        on
            part_keys.document_sha256 = reported_values.document_sha256
            and part_keys.company_id = reported_values.company_id
            and part_keys.fiscal_year = reported_values.fiscal_year
            and part_keys.part_metric_code = reported_values.metric_code
            and part_keys.part_members = reported_values.members
    left join rejected_values
        on
            part_keys.document_sha256 = rejected_values.document_sha256
            and part_keys.part_metric_code = rejected_values.metric_code
            and part_keys.part_members = rejected_values.members
    group by
        part_keys.identity_code,
        part_keys.total_metric_code,
        part_keys.part_count,
        part_keys.document_sha256,
        part_keys.company_id,
        part_keys.fiscal_year,
        part_keys.members
)

select * from summed
