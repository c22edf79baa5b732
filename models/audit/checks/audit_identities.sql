-- Parts vs totals: every identity the catalogue declares (total = sum of weight x part), judged per
-- company-year within each document at the precision the figures were printed: each figure is the
-- interval its rounding allows, the parts' sum the sum of their intervals (a negative weight takes
-- the other end), and the identity holds when the total's interval overlaps the parts' (XBRL
-- Calculations 1.1). Not evaluable where a part is not printed in that document (unless the parts
-- printed already exceed the total, never below zero: that fails), or the total is printed as not
-- reported; and where a document prints two or more parts without their total, that is said too
-- (the sum has nothing to be checked against). Such a finding names what was rejected
-- where the missing figure would be: a value of that metric its rules rejected, and the lines the
-- loader rejected in the same table (their labels never became metrics, so any may be it).
with

identities_summed as (
    select * from {{ ref('int_identity_parts_summed') }}
),

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document
),

metric_identities as (
    select * from {{ ref('metric_identities') }}
),

rejected_values as (
    select * from {{ ref('int_rejected_values_listed') }}
),

rejected_lines as (
    select * from {{ ref('fct_rejected_lines') }}
    where reason_code <> 'duplicate_identical'
),

rejected_in_tables as (
    select
        document_sha256,
        coalesce(table_heading, '') as table_heading,
        {{ listed_rejects() }} as rejected_text
    from rejected_lines
    where metric_code is null
    group by document_sha256, coalesce(table_heading, '')
),

-- Parts printed without their total (members none, as a plain sum is printed): each document,
-- company and year printing two or more of an identity's parts and not its total.
untotalled_parts as (
    select
        metric_identities.identity_code,
        metric_identities.total_metric_code,
        reported_values.document_sha256,
        reported_values.document_path,
        reported_values.company_id,
        reported_values.fiscal_year,
        reported_values.canonical_unit,
        reported_values.metric_code,
        reported_values.value_as_printed,
        reported_values.location,
        coalesce(reported_values.table_heading, '') as table_heading
    from metric_identities
    inner join reported_values
        on
            metric_identities.part_metric_code = reported_values.metric_code
            and reported_values.members = ''
    left join identities_summed
        on
            metric_identities.identity_code = identities_summed.identity_code
            and reported_values.document_sha256 = identities_summed.document_sha256
            and reported_values.company_id = identities_summed.company_id
            and reported_values.fiscal_year = identities_summed.fiscal_year
            and identities_summed.members = ''
    where
        coalesce(metric_identities.total_members, '') = ''
        and coalesce(metric_identities.part_members, '') = ''
        and identities_summed.identity_code is null
),

untotalled as (
    select
        identity_code,
        total_metric_code,
        document_sha256,
        document_path,
        company_id,
        fiscal_year,
        canonical_unit,
        count(*) as parts_printed,
        {{ ordered_listagg(
            "metric_code || ' ' || coalesce(value_as_printed, 'not reported') || ' (' || location || ')'",
            "' + '",
            [["metric_code", "text"]]
        ) }} as parts_text
    from untotalled_parts
    group by
        identity_code,
        total_metric_code,
        document_sha256,
        document_path,
        company_id,
        fiscal_year,
        canonical_unit
    having count(*) >= 2
),

-- What was rejected where the missing total would be: a value of the total's metric, and the lines
-- rejected in the tables that print its parts.
untotalled_tables as (
    select distinct
        identity_code,
        total_metric_code,
        document_sha256,
        company_id,
        fiscal_year,
        table_heading
    from untotalled_parts
),

untotalled_rejects as (
    select
        untotalled_tables.identity_code,
        untotalled_tables.document_sha256,
        untotalled_tables.company_id,
        untotalled_tables.fiscal_year,
        {{ ordered_listagg("rejected_in_tables.rejected_text", "', '", [["untotalled_tables.table_heading", "text"]]) }}
            as rejected_text
    from untotalled_tables
    inner join rejected_in_tables
        on
            untotalled_tables.document_sha256 = rejected_in_tables.document_sha256
            and untotalled_tables.table_heading = rejected_in_tables.table_heading
    group by
        untotalled_tables.identity_code,
        untotalled_tables.document_sha256,
        untotalled_tables.company_id,
        untotalled_tables.fiscal_year
),

untotalled_judged as (
    select
        untotalled.*,
        rejected_values.rejected_text as rejected_total_text,
        untotalled_rejects.rejected_text as rejected_in_tables_text
    from untotalled
    left join rejected_values
        on
            untotalled.document_sha256 = rejected_values.document_sha256
            and untotalled.total_metric_code = rejected_values.metric_code
            and rejected_values.members = ''
    left join untotalled_rejects
        on
            untotalled.identity_code = untotalled_rejects.identity_code
            and untotalled.document_sha256 = untotalled_rejects.document_sha256
            and untotalled.company_id = untotalled_rejects.company_id
            and untotalled.fiscal_year = untotalled_rejects.fiscal_year
),

-- Each subject beside its total as printed (the document's first printing of it).
compared as (
    select
        identities_summed.*,
        totals.document_path,
        totals.value_as_printed as total_as_printed,
        totals.unit_as_printed as total_unit_as_printed,
        totals.location as total_location,
        totals.value_lower as total_lower,
        totals.value_upper as total_upper,
        totals.canonical_unit,
        rejected_in_tables.rejected_text as rejected_in_table_text
    from identities_summed
    inner join reported_values as totals
        on
            identities_summed.document_sha256 = totals.document_sha256
            and identities_summed.company_id = totals.company_id
            and identities_summed.fiscal_year = totals.fiscal_year
            and identities_summed.total_metric_code = totals.metric_code
            and identities_summed.members = totals.members
    left join rejected_in_tables
        on
            totals.document_sha256 = rejected_in_tables.document_sha256
            and coalesce(totals.table_heading, '') = rejected_in_tables.table_heading
),

-- The parts printed already beyond the total: no part not printed (never below zero) brings the sum
-- back, so the identity fails whatever is missing, as Calculations 1.1 finds too.
exceeded as (
    select
        *,
        coalesce(
            has_parts_never_below_zero and parts_bounded_below < part_count and parts_lower > total_upper, false
        ) as is_exceeded_by_parts_printed
    from compared
),

judged as (
    select
        *,
        case
            when total_lower is null or total_upper is null then 'not_evaluable'
            when is_exceeded_by_parts_printed then 'fail'
            when parts_bounded_below < part_count or parts_bounded_above < part_count then 'not_evaluable'
            when {{ intervals_overlap('total_lower', 'total_upper', 'parts_lower', 'parts_upper') }} then 'pass'
            else 'fail'
        end as status,
        case
            when total_lower is null then 'the total ' || total_metric_code || ' is printed as not reported'
            when total_upper is null then 'the total is printed as a lower bound'
            when is_exceeded_by_parts_printed
                then 'the parts printed already exceed the total; not printed: ' || missing_parts
            when parts_bounded_below < part_count
                then
                    'parts not printed as numbers: ' || missing_parts
                    || coalesce('; rejected: ' || rejected_parts_text, '')
                    || coalesce('; rejected in the total''s table: ' || rejected_in_table_text, '')
            when parts_bounded_above < part_count then 'a part is printed as a lower bound'
        end as status_reason
    from exceeded
),

findings as (
    select
        'identity' as check_code,
        identity_code || coalesce('{' || nullif(members, '') || '}', '') || '|' || document_sha256 || '|'
        || company_id || '|' || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        identity_code as subject,
        nullif(members, '') as members,
        total_metric_code as metrics_involved,
        'total ' || {{ metric_with_members('total_metric_code', 'members') }} || ' ' || coalesce(
            total_as_printed || coalesce(' ' || total_unit_as_printed, '')
            || ' (' || total_location || ')', 'not printed') || '; parts ' || coalesce(parts_text, 'none printed')
            as inputs,
        cast(total_lower as {{ float64() }}) as expected_lower,
        cast(total_upper as {{ float64() }}) as expected_upper,
        -- A sum of some of the parts is no sum: null until every part is printed, but for a floor of it.
        case
            when parts_bounded_below = part_count or is_exceeded_by_parts_printed
                then cast(parts_lower as {{ float64() }})
        end as actual_lower,
        case when parts_bounded_above = part_count then cast(parts_upper as {{ float64() }}) end as actual_upper,
        canonical_unit as unit,
        status,
        status_reason,
        'identity ' || identity_code || coalesce(' {' || nullif(members, '') || '}', '') || case
            when status = 'fail' then ' does not hold'
            when status = 'pass' then ' holds'
            else ' cannot be judged'
        end || ' for ' || company_id || ' ' || cast(fiscal_year as {{ dbt.type_string() }}) || ' in ' || document_path
        || case
            when is_exceeded_by_parts_printed
                then
                    ': total ' || {{ metric_with_members('total_metric_code', 'members') }} || ' ' || total_as_printed
                    || coalesce(' ' || total_unit_as_printed, '') || ' (' || total_location || ') is ['
                    || {{ format_decimal('total_lower') }} || ', ' || {{ format_decimal('total_upper') }} || '] '
                    || canonical_unit || '; the parts printed, ' || parts_text || ', already sum to at least '
                    || {{ format_decimal('parts_lower') }} || ' ' || canonical_unit
                    || ', and the parts not printed (' || missing_parts || ') are never below zero'
            when status in ('pass', 'fail')
                then
                    ': total ' || {{ metric_with_members('total_metric_code', 'members') }} || ' ' || total_as_printed
                    || coalesce(' ' || total_unit_as_printed, '') || ' (' || total_location || ') is ['
                    || {{ format_decimal('total_lower') }} || ', ' || {{ format_decimal('total_upper') }} || '] '
                    || canonical_unit || '; parts ' || parts_text || ' sum to ['
                    || {{ format_decimal('parts_lower') }} || ', ' || {{ format_decimal('parts_upper') }} || '] '
                    || canonical_unit || case
                        when status = 'pass' then '; the intervals overlap'
                        else '; the intervals do not overlap'
                    end
            else ': ' || status_reason
        end as message
    from judged
),

untotalled_findings as (
    select
        'identity' as check_code,
        identity_code || '|' || document_sha256 || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        identity_code as subject,
        cast(null as {{ dbt.type_string() }}) as members,
        total_metric_code as metrics_involved,
        'total ' || total_metric_code || ' not printed; parts ' || parts_text as inputs,
        cast(null as {{ float64() }}) as expected_lower,
        cast(null as {{ float64() }}) as expected_upper,
        cast(null as {{ float64() }}) as actual_lower,
        cast(null as {{ float64() }}) as actual_upper,
        canonical_unit as unit,
        'not_evaluable' as status,
        'the total ' || total_metric_code || ' is not printed'
        || coalesce('; rejected: ' || rejected_total_text, '')
        || coalesce('; rejected in the parts'' tables: ' || rejected_in_tables_text, '') as status_reason,
        'identity ' || identity_code || ' cannot be judged for ' || company_id || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ' in ' || document_path || ': the total '
        || total_metric_code || ' is not printed beside its parts ' || parts_text
        || coalesce('; rejected: ' || rejected_total_text, '')
        || coalesce('; rejected in the parts'' tables: ' || rejected_in_tables_text, '') as message
    from untotalled_judged
),

every_finding as (
    select * from findings
    union all
    select * from untotalled_findings
)

select * from every_finding
