-- Printed values in their metric's canonical unit, with the interval their rounding allows.
-- The loaders normalised each printed unit with pint (unit_normalized, unit_multiplier, unit_divisor); here the
-- normalised unit must be the metric's canonical unit, or reach it through a declared convention
-- (a mass printed for an emission is tonnes of CO2e). Otherwise the unit does not fit the metric:
-- flagged, not converted. Money-based units keep their currency: `t/¤ m` fits `t/CNY m`.
with

metric_values as (
    select * from {{ ref('int_metric_values_unioned') }}
    where {{ changed_companies_filter() }}
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
        metric_values.unit_divisor as divisor,
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
        {{ converted_value('value_number', 'multiplier', 'divisor') }} as value_canonical,
        {{ converted_value(half_unit('decimals_printed'), 'multiplier', 'divisor') }} as half_width
    from with_conversion
),

bounded as (
    select
        *,
        {{ rounding_interval('value_number', 'decimals_printed', 'multiplier', 'divisor', 'value_qualifier') }}
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

-- Most company-years print a metric once. Only where values compete for one standing (documents
-- on one year, a restatement, reference data beside a report) are they compared and ranked below:
-- the windows sort those few rows, not every value.
-- (A value without a unit has no conversion, null, and is told apart from one whose unit does not fit,
-- false, by its rule_broken_code.)
contested as (
    select
        company_id,
        fiscal_year,
        metric_code,
        coalesce(members, '') as members_key,
        coalesce(has_unit_conversion, false) as conversion_key,
        coalesce(rule_broken_code, '') as rule_broken_key
    from checked
    group by
        company_id,
        fiscal_year,
        metric_code,
        coalesce(members, ''),
        coalesce(has_unit_conversion, false),
        coalesce(rule_broken_code, '')
    having count(*) > 1
),

competing as (
    select checked.*
    from checked
    inner join contested
        on
            checked.company_id = contested.company_id
            and checked.fiscal_year = contested.fiscal_year
            and checked.metric_code = contested.metric_code
            and coalesce(checked.members, '') = contested.members_key
            and coalesce(checked.has_unit_conversion, false) = contested.conversion_key
            and coalesce(checked.rule_broken_code, '') = contested.rule_broken_key
),

-- Documents on one year printing one figure differently (a report and its data file): neither
-- stands for the company-year, whichever file name sorts first (audit_document_agreements names both).
disputed as (
    select
        *,
        coalesce(max(value_lower) over same_standing > min(value_upper) over same_standing, false)
        and metric_kind <> 'item' as is_disputed
    from competing
    window same_standing as (
        partition by
            company_id, fiscal_year, metric_code, members, has_unit_conversion, rule_broken_code, is_reported,
            source_priority, document_fiscal_year
    )
),

-- The value that stands for a company, year and metric: a reported figure over a not-reported one,
-- a report over reference data, the latest report over earlier ones (a restatement wins).
competition as (
    select
        source_kind,
        company_id,
        fiscal_year,
        metric_code,
        document_path,
        line_number,
        column_number,
        is_disputed,
        row_number() over (
            partition by company_id, fiscal_year, metric_code, members, has_unit_conversion, rule_broken_code
            order by
                case when is_reported then 0 else 1 end,
                source_priority asc,
                document_fiscal_year desc,
                document_path asc,
                line_number asc,
                column_number asc
        ) as standing_rank
    from disputed
),

-- Back to every value, by its place (a document's path names one document in a build).
ranked as (
    select
        checked.*,
        coalesce(competition.is_disputed, false) as is_disputed,
        case checked.rule_broken_code
            when 'unit_conflict'
                then
                    'unit ''' || checked.unit_as_printed || ''' (' || checked.unit_normalized
                    || ') does not fit metric ' || checked.metric_code || ' (a quantity of ' || checked.quantity
                    || ' in ' || checked.canonical_unit || ')'
            when 'negative_value'
                then checked.metric_code || ' is never below zero: ' || checked.value_as_printed || ' is printed'
        end as rule_broken_reason,
        -- Itemised facts (single donations) each stand for themselves.
        checked.has_unit_conversion and checked.rule_broken_code is null
        and not coalesce(competition.is_disputed, false)
        and (checked.metric_kind = 'item' or coalesce(competition.standing_rank, 1) = 1) as is_preferred
    from checked
    left join competition
        on
            checked.source_kind = competition.source_kind
            and checked.company_id = competition.company_id
            and checked.fiscal_year = competition.fiscal_year
            and checked.metric_code = competition.metric_code
            and coalesce(checked.document_path, '') = coalesce(competition.document_path, '')
            and coalesce(checked.line_number, -1) = coalesce(competition.line_number, -1)
            and coalesce(checked.column_number, -1) = coalesce(competition.column_number, -1)
),

-- The printings the KPI marts show (fct_kpi_reported_values is a view of these rows).
flagged as (
    select
        *,
        coalesce(source_kind = 'report' and has_unit_conversion and rule_broken_code is null, false)
            as is_kpi_printing
    from ranked
),

kpi_printings as (
    select * from flagged
    where is_kpi_printing
),

-- A document may print a figure twice (a total in two tables); its first printing is the one its
-- own arithmetic is checked with. Few figures are printed twice: only those are ranked.
repeated as (
    select
        document_sha256,
        company_id,
        fiscal_year,
        metric_code,
        members
    from kpi_printings
    group by document_sha256, company_id, fiscal_year, metric_code, members
    having count(*) > 1
),

printings as (
    select
        kpi_printings.document_sha256,
        kpi_printings.line_number,
        kpi_printings.column_number,
        row_number() over (
            partition by
                kpi_printings.document_sha256,
                kpi_printings.company_id,
                kpi_printings.fiscal_year,
                kpi_printings.metric_code,
                kpi_printings.members
            order by kpi_printings.line_number, kpi_printings.column_number
        ) as printing_rank
    from kpi_printings
    inner join repeated using (document_sha256, company_id, fiscal_year, metric_code, members)
),

-- How many documents print each figure: counted where more than one does (plain group-bys, which
-- DuckDB spills; a count of distinct values per group it holds in memory).
printed_by as (
    select distinct
        company_id,
        fiscal_year,
        metric_code,
        members,
        document_sha256
    from kpi_printings
),

printed_more_than_once as (
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        cast(count(*) as integer) as document_count
    from printed_by
    group by company_id, fiscal_year, metric_code, members
    having count(*) > 1
),

numbered as (
    select
        flagged.*,
        case when flagged.is_kpi_printing then coalesce(printings.printing_rank, 1) = 1 end
            as is_first_in_document,
        case when flagged.is_kpi_printing then coalesce(printed_more_than_once.document_count, 1) end
            as document_count
    from flagged
    left join printings
        on
            flagged.is_kpi_printing
            and flagged.document_sha256 = printings.document_sha256
            and flagged.line_number = printings.line_number
            and flagged.column_number = printings.column_number
    left join printed_more_than_once
        on
            flagged.is_kpi_printing
            and flagged.company_id = printed_more_than_once.company_id
            and flagged.fiscal_year = printed_more_than_once.fiscal_year
            and flagged.metric_code = printed_more_than_once.metric_code
            and flagged.members = printed_more_than_once.members
)

select * from numbered
