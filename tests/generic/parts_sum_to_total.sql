{#-
    Every identity in `identities` (total = sum of weight x part) holds at the precision the figures
    were printed: each figure stands for the interval its rounding allows, the parts' sum for the sum
    of their intervals, and the identity holds when the total's interval overlaps the parts' (the rule
    of XBRL Calculations 1.1). Judged per company-year within each document, as printed together, and only where the
    total and every part are reported (a part printed as a bound, `< 0,1`, counts as [0, bound]).
    `model` needs: document_sha256, document_path, company_id, fiscal_year, metric_code, value_lower,
    value_upper, canonical_unit, value_as_printed, unit_as_printed, location.
-#}
{% test parts_sum_to_total(model, identities) %}

with

kpi_values as (
    select * from {{ model }}
),

identities as (
    select * from {{ identities }}
),

identity_sizes as (
    select
        identity_code,
        total_metric_code,
        count(*) as part_count
    from identities
    group by identity_code, total_metric_code
),

parts as (
    select
        identities.identity_code,
        kpi_values.document_sha256,
        kpi_values.company_id,
        kpi_values.fiscal_year,
        count(kpi_values.value_lower) as parts_reported,
        count(kpi_values.value_upper) as parts_bounded,
        sum(
            case
                when identities.weight >= 0 then identities.weight * kpi_values.value_lower
                else identities.weight * kpi_values.value_upper
            end
        ) as parts_lower,
        sum(
            case
                when identities.weight >= 0 then identities.weight * kpi_values.value_upper
                else identities.weight * kpi_values.value_lower
            end
        ) as parts_upper,
        {{ dbt.listagg(
            "case when identities.weight = 1 then '' else cast(identities.weight as " ~ dbt.type_string() ~ ") || ' x ' end
            || kpi_values.metric_code || ' ' || kpi_values.value_as_printed
            || coalesce(' ' || kpi_values.unit_as_printed, '') || ' (' || kpi_values.location || ')'",
            "' + '",
            "order by kpi_values.metric_code"
        ) }} as parts_text
    from identities
    inner join kpi_values
        on identities.part_metric_code = kpi_values.metric_code
    group by identities.identity_code, kpi_values.document_sha256, kpi_values.company_id, kpi_values.fiscal_year
),

totals as (
    select
        identity_sizes.identity_code,
        identity_sizes.part_count,
        kpi_values.document_sha256,
        kpi_values.company_id,
        kpi_values.fiscal_year,
        kpi_values.metric_code as total_metric_code,
        kpi_values.value_as_printed as total_as_printed,
        kpi_values.unit_as_printed as total_unit_as_printed,
        kpi_values.canonical_unit,
        kpi_values.value_lower as total_lower,
        kpi_values.value_upper as total_upper,
        kpi_values.document_path,
        kpi_values.location
    from identity_sizes
    inner join kpi_values
        on identity_sizes.total_metric_code = kpi_values.metric_code
),

compared as (
    select
        totals.*,
        parts.parts_lower,
        parts.parts_upper,
        parts.parts_text
    from totals
    inner join parts
        on
            totals.identity_code = parts.identity_code
            and totals.document_sha256 = parts.document_sha256
            and totals.company_id = parts.company_id
            and totals.fiscal_year = parts.fiscal_year
    where
        parts.parts_reported = totals.part_count
        and parts.parts_bounded = totals.part_count
        and totals.total_lower is not null
        and totals.total_upper is not null
),

failures as (
    select
        *,
        'identity ' || identity_code || ' does not hold for ' || company_id || ' '
        || cast(fiscal_year as {{ dbt.type_string() }}) || ' in ' || document_path || ': total '
        || total_metric_code || ' ' || total_as_printed || coalesce(' ' || total_unit_as_printed, '')
        || ' (' || location || ') is ['
        || {{ format_decimal('total_lower') }} || ', ' || {{ format_decimal('total_upper') }} || '] ' || canonical_unit
        || '; parts ' || parts_text || ' sum to ['
        || {{ format_decimal('parts_lower') }} || ', ' || {{ format_decimal('parts_upper') }} || '] ' || canonical_unit
        || '; the intervals do not overlap' as failure_message
    from compared
    where not {{ intervals_overlap('total_lower', 'total_upper', 'parts_lower', 'parts_upper') }}
)

select * from failures

{% endtest %}
