-- Printed values in their metric's canonical unit, with the interval their rounding allows.
-- The loaders normalised each printed unit with pint (unit_normalized, unit_multiplier); here the
-- normalised unit must be the metric's canonical unit, or reach it through a declared convention
-- (a mass printed for an emission is tonnes of CO2e). Otherwise the unit does not fit the metric:
-- flagged, not converted. Money-based units keep their currency: `t/¤ m` fits `t/CNY m`.
with

metric_values as (
    select * from {{ ref('int_metric_values_unioned') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

unit_conventions as (
    select * from {{ ref('unit_conventions') }}
),

with_conversion as (
    select
        metric_values.*,
        kpi_catalogue.quantity,
        kpi_catalogue.kind as metric_kind,
        kpi_catalogue.is_signed,
        case
            when metric_values.currency is not null
                then replace(kpi_catalogue.canonical_unit, '¤', metric_values.currency)
            else kpi_catalogue.canonical_unit
        end as canonical_unit,
        cast(
            metric_values.unit_multiplier * case
                when metric_values.unit_generic = kpi_catalogue.canonical_unit then 1
                else unit_conventions.multiplier
            end as {{ exact_decimal() }}
        ) as multiplier,
        metric_values.unit_generic = kpi_catalogue.canonical_unit
        or unit_conventions.multiplier is not null as has_unit_conversion,
        metric_values.unit_generic is not null as has_unit
    from metric_values
    inner join kpi_catalogue
        on metric_values.metric_code = kpi_catalogue.metric_code
    left join unit_conventions
        on
            kpi_catalogue.quantity = unit_conventions.quantity
            and metric_values.unit_generic = unit_conventions.unit_generic
            and kpi_catalogue.canonical_unit = unit_conventions.canonical_unit
),

converted as (
    select
        *,
        {{ canonical_value('value_number', 'multiplier') }} as value_canonical,
        {{ half_width('multiplier', 'decimals_printed') }} as half_width
    from with_conversion
),

bounded as (
    select
        *,
        {{ rounding_interval('value_canonical', 'half_width', 'value_qualifier') }}
    from converted
),

-- A value that breaks its metric's rules is a reject of that value (fct_rejected_lines), never a
-- fact, and never fails the build: a unit of another dimension, a negative amount.
checked as (
    select
        *,
        case
            when has_unit and not has_unit_conversion then 'unit_conflict'
            when value_canonical < 0 and not is_signed then 'negative_value'
        end as rule_broken_code
    from bounded
),

-- Documents on one year printing one figure differently (a report and its data file): neither
-- stands for the company-year, whichever file name sorts first (audit_document_agreements names both).
disputed as (
    select
        *,
        coalesce(max(value_lower) over same_standing > min(value_upper) over same_standing, false)
        and metric_kind <> 'item' as is_disputed
    from checked
    window same_standing as (
        partition by
            company_id, fiscal_year, metric_code, members, has_unit_conversion, rule_broken_code, is_reported,
            source_priority, document_fiscal_year
    )
),

-- The value that stands for a company, year and metric: a reported figure over a not-reported one,
-- a report over reference data, the latest report over earlier ones (a restatement wins).
ranked as (
    select
        *,
        case rule_broken_code
            when 'unit_conflict'
                then
                    'unit ''' || unit_as_printed || ''' (' || unit_normalized || ') does not fit metric '
                    || metric_code || ' (a quantity of ' || quantity || ' in ' || canonical_unit || ')'
            when 'negative_value'
                then metric_code || ' is never below zero: ' || value_as_printed || ' is printed'
        end as rule_broken_reason,
        -- Itemised facts (single donations) each stand for themselves.
        has_unit_conversion and rule_broken_code is null and not is_disputed
        and (metric_kind = 'item' or row_number() over (
            partition by company_id, fiscal_year, metric_code, members, has_unit_conversion, rule_broken_code
            order by
                case when is_reported then 0 else 1 end,
                source_priority asc,
                document_fiscal_year desc,
                document_path asc,
                line_number asc,
                column_number asc
        ) = 1) as is_preferred
    from disputed
)

select * from ranked
