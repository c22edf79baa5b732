-- Parts vs totals: every identity the catalogue declares (total = sum of weight x part), judged per
-- company-year within each document at the precision the figures were printed: each figure is the
-- interval its rounding allows, the parts' sum the sum of their intervals (a negative weight takes
-- the other end), and the identity holds when the total's interval overlaps the parts' (XBRL
-- Calculations 1.1). Not evaluable where a part is not printed in that document, or the total is
-- printed as not reported.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document
),

metric_identities as (
    select * from {{ ref('metric_identities') }}
),

identity_totals as (
    select
        identity_code,
        total_metric_code,
        count(*) as part_count
    from metric_identities
    group by identity_code, total_metric_code
),

-- Where an identity can be asked: a document-year that prints its total (parts without a total
-- leave nothing to check against).
subjects as (
    select distinct
        identity_totals.identity_code,
        reported_values.document_sha256,
        reported_values.document_path,
        reported_values.company_id,
        reported_values.fiscal_year
    from identity_totals
    inner join reported_values
        on identity_totals.total_metric_code = reported_values.metric_code
),

parts as (
    select
        subjects.identity_code,
        subjects.document_sha256,
        subjects.company_id,
        subjects.fiscal_year,
        count(reported_values.value_lower) as parts_bounded_below,
        count(reported_values.value_upper) as parts_bounded_above,
        sum(
            case
                when metric_identities.weight >= 0 then metric_identities.weight * reported_values.value_lower
                else metric_identities.weight * reported_values.value_upper
            end
        ) as parts_lower,
        sum(
            case
                when metric_identities.weight >= 0 then metric_identities.weight * reported_values.value_upper
                else metric_identities.weight * reported_values.value_lower
            end
        ) as parts_upper,
        {{ dbt.listagg(
            "case when reported_values.value_as_printed is null then null else "
            ~ "case when metric_identities.weight = 1 then '' else cast(metric_identities.weight as "
            ~ dbt.type_string() ~ ") || ' x ' end || metric_identities.part_metric_code || ' '"
            ~ " || reported_values.value_as_printed || coalesce(' ' || reported_values.unit_as_printed, '')"
            ~ " || ' (' || reported_values.location || ')' end",
            "' + '",
            "order by metric_identities.part_metric_code"
        ) }} as parts_text,
        {{ dbt.listagg(
            "case when reported_values.value_lower is null then metric_identities.part_metric_code end",
            "', '",
            "order by metric_identities.part_metric_code"
        ) }} as missing_parts
    from subjects
    inner join metric_identities
        on subjects.identity_code = metric_identities.identity_code
    left join reported_values
        on
            subjects.document_sha256 = reported_values.document_sha256
            and subjects.company_id = reported_values.company_id
            and subjects.fiscal_year = reported_values.fiscal_year
            and metric_identities.part_metric_code = reported_values.metric_code
    group by subjects.identity_code, subjects.document_sha256, subjects.company_id, subjects.fiscal_year
),

compared as (
    select
        subjects.*,
        identity_totals.total_metric_code,
        identity_totals.part_count,
        totals.value_as_printed as total_as_printed,
        totals.unit_as_printed as total_unit_as_printed,
        totals.location as total_location,
        totals.value_lower as total_lower,
        totals.value_upper as total_upper,
        parts.parts_lower,
        parts.parts_upper,
        parts.parts_text,
        parts.missing_parts,
        parts.parts_bounded_below,
        parts.parts_bounded_above,
        coalesce(totals.canonical_unit, '') as canonical_unit
    from subjects
    inner join identity_totals
        on subjects.identity_code = identity_totals.identity_code
    inner join parts
        on
            subjects.identity_code = parts.identity_code
            and subjects.document_sha256 = parts.document_sha256
            and subjects.company_id = parts.company_id
            and subjects.fiscal_year = parts.fiscal_year
    left join reported_values as totals
        on
            subjects.document_sha256 = totals.document_sha256
            and subjects.company_id = totals.company_id
            and subjects.fiscal_year = totals.fiscal_year
            and identity_totals.total_metric_code = totals.metric_code
),

judged as (
    select
        *,
        case
            when total_lower is null or total_upper is null then 'not_evaluable'
            when parts_bounded_below < part_count or parts_bounded_above < part_count then 'not_evaluable'
            when {{ intervals_overlap('total_lower', 'total_upper', 'parts_lower', 'parts_upper') }} then 'pass'
            else 'fail'
        end as status,
        case
            when total_lower is null then 'the total ' || total_metric_code || ' is printed as not reported'
            when total_upper is null then 'the total is printed as a lower bound'
            when parts_bounded_below < part_count then 'parts not printed as numbers: ' || missing_parts
            when parts_bounded_above < part_count then 'a part is printed as a lower bound'
        end as status_reason
    from compared
),

findings as (
    select
        'identity' as check_code,
        'hard' as severity,
        identity_code || '|' || document_sha256 || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        identity_code as subject,
        total_metric_code as metrics_involved,
        'total ' || total_metric_code || ' ' || coalesce(
            total_as_printed || coalesce(' ' || total_unit_as_printed, '')
            || ' (' || total_location || ')', 'not printed') || '; parts ' || coalesce(parts_text, 'none printed')
            as inputs,
        cast(total_lower as {{ float64() }}) as expected_lower,
        cast(total_upper as {{ float64() }}) as expected_upper,
        -- A sum of some of the parts is no sum: null until every part is printed.
        case when parts_bounded_below = part_count then cast(parts_lower as {{ float64() }}) end as actual_lower,
        case when parts_bounded_above = part_count then cast(parts_upper as {{ float64() }}) end as actual_upper,
        canonical_unit as unit,
        status,
        status_reason,
        'identity ' || identity_code || case
            when status = 'fail' then ' does not hold'
            when status = 'pass' then ' holds'
            else ' cannot be judged'
        end || ' for ' || company_id || ' ' || cast(fiscal_year as {{ dbt.type_string() }}) || ' in ' || document_path
        || case
            when status in ('pass', 'fail')
                then
                    ': total ' || total_metric_code || ' ' || total_as_printed
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
)

select * from findings
