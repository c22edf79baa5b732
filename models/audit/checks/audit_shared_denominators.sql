-- Intensities of one document that divide by the same denominator (per head, per m², per revenue)
-- must imply the same denominator: each printed intensity implies [n_lo / p_hi, n_hi / p_lo], and
-- the implied intervals must share a point. Only intensities whose numerator covers what the
-- printed intensity covers can imply anything; the others are listed as not evaluable.
with

intensities as (
    select * from {{ ref('fct_kpi_intensities') }}
    where is_printed
),

implied as (
    select
        *,
        coalesce(numerator_boundary_code, '') = coalesce(printed_boundary_code, '')
        and implied_denominator_lower is not null as is_evaluable
    from intensities
),

grouped as (
    select
        printed_document_path as document_path,
        company_id,
        fiscal_year,
        denominator_metric_code,
        max(denominator_unit) as unit,
        count(*) as intensity_count,
        sum(case when is_evaluable then 1 else 0 end) as evaluable_count,
        max(case when is_evaluable then implied_denominator_lower end) as common_lower,
        min(case when is_evaluable then implied_denominator_upper end) as common_upper,
        {{ ordered_listagg(
            "metric_code || ' ' || printed_value_as_printed || ' implies ' || case when is_evaluable then '['"
            ~ " || " ~ format_rounded("implied_denominator_lower", 2) ~ " || ', '"
            ~ " || " ~ format_rounded("implied_denominator_upper", 2) ~ " || ']'"
            ~ " else 'nothing: its numerator covers ' || coalesce(numerator_boundary_code, 'nothing printed')"
            ~ " || ', the intensity ' || printed_boundary_code end",
            "'; '",
            [["metric_code", "text"]]
        ) }} as inputs,
        {{ ordered_listagg("metric_code", "', '", [["metric_code", "text"]]) }} as metrics_involved
    from implied
    group by printed_document_path, company_id, fiscal_year, denominator_metric_code
    having count(*) >= 2
),

findings as (
    select
        'shared_denominator' as check_code,
        denominator_metric_code || '|' || document_path || '|' || company_id || '|'
        || cast(fiscal_year as {{ dbt.type_string() }}) as subject_key,
        company_id,
        fiscal_year,
        document_path,
        denominator_metric_code as subject,
        cast(null as {{ dbt.type_string() }}) as members,
        metrics_involved,
        inputs,
        common_lower as expected_lower,
        common_upper as expected_upper,
        cast(null as {{ float64() }}) as actual_lower,
        cast(null as {{ float64() }}) as actual_upper,
        unit,
        case
            when evaluable_count < 2 then 'not_evaluable'
            when common_lower <= common_upper then 'pass'
            else 'fail'
        end as status,
        case
            when evaluable_count < 2 then 'fewer than two intensities whose numerator covers what they cover'
        end as status_reason,
        document_path || ': intensities per ' || denominator_metric_code || ' for ' || company_id || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || case
            when evaluable_count < 2 then ' cannot be compared'
            when common_lower <= common_upper then ' imply one ' || denominator_metric_code
            else ' imply different values of ' || denominator_metric_code
        end || ': ' || inputs as message
    from grouped
)

select * from findings
