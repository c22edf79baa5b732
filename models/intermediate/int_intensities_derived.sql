-- Every intensity the catalogue defines, for every company-year (and members) that prints it or
-- reports its numerator and denominator: derived by interval division, beside the intensity the
-- report printed. Members carry through: a market-based scope 1 + 2 intensity divides the
-- market-based scope 1 + 2 total; a denominator without that axis (revenue) is taken whole.
with

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where is_preferred and {{ changed_companies_filter() }}
),

-- The columns an intensity takes from a value: the facts are read once, narrow.
preferred_values as (
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        source_kind,
        value_canonical,
        value_lower,
        value_upper,
        boundary_code,
        currency,
        source_description,
        value_as_printed,
        decimals_printed,
        unit_as_printed,
        document_path,
        location
    from metric_values
),

intensity_metrics as (
    select
        intensities.metric_code,
        intensities.canonical_unit,
        intensities.axes,
        intensities.numerator_metric_code,
        numerators.canonical_unit as numerator_unit,
        numerators.axes as numerator_axes,
        intensities.denominator_metric_code,
        denominators.canonical_unit as denominator_unit,
        denominators.axes as denominator_axes,
        intensities.metric_code
        || ' = ' || intensities.numerator_metric_code || ' [' || numerators.canonical_unit || ']'
        || ' / ' || intensities.denominator_metric_code || ' [' || denominators.canonical_unit || ']'
            as formula
    from kpi_catalogue as intensities
    inner join kpi_catalogue as numerators
        on intensities.numerator_metric_code = numerators.metric_code
    inner join kpi_catalogue as denominators
        on intensities.denominator_metric_code = denominators.metric_code
    where intensities.kind = 'intensity'
),

printed_subjects as (
    select distinct
        preferred_values.company_id,
        preferred_values.fiscal_year,
        preferred_values.metric_code,
        preferred_values.members
    from preferred_values
    inner join intensity_metrics
        on preferred_values.metric_code = intensity_metrics.metric_code
    where preferred_values.source_kind = 'report'
),

-- The company-years a denominator is known for: an unprinted intensity needs one to be derived.
denominator_years as (
    select distinct
        denominators.company_id,
        denominators.fiscal_year,
        denominators.metric_code
    from preferred_values as denominators
    inner join intensity_metrics
        on denominators.metric_code = intensity_metrics.denominator_metric_code
),

-- A reported numerator makes an intensity derivable where the intensity has all its axes and the
-- company-year has its denominator.
numerator_subjects as (
    select distinct
        numerators.company_id,
        numerators.fiscal_year,
        intensity_metrics.metric_code,
        numerators.members
    from preferred_values as numerators
    inner join intensity_metrics
        on numerators.metric_code = intensity_metrics.numerator_metric_code
    inner join denominator_years
        on
            numerators.company_id = denominator_years.company_id
            and numerators.fiscal_year = denominator_years.fiscal_year
            and intensity_metrics.denominator_metric_code = denominator_years.metric_code
    where
        numerators.source_kind = 'report'
        and numerators.members = {{ members_carried("''", 'numerators.members', 'intensity_metrics.axes') }}
),

subjects as (
    select * from printed_subjects
    union
    select * from numerator_subjects
),

grid as (
    select
        intensity_metrics.*,
        subjects.company_id,
        subjects.fiscal_year,
        subjects.members,
        {{ members_carried("''", 'subjects.members', 'intensity_metrics.numerator_axes') }} as numerator_members,
        {{ members_carried("''", 'subjects.members', 'intensity_metrics.denominator_axes') }} as denominator_members
    from subjects
    inner join intensity_metrics
        on subjects.metric_code = intensity_metrics.metric_code
),

with_inputs as (
    select
        grid.*,
        numerators.value_canonical as numerator_value,
        numerators.value_lower as numerator_lower,
        numerators.value_upper as numerator_upper,
        numerators.boundary_code as numerator_boundary_code,
        numerators.currency as numerator_currency,
        numerators.source_description as numerator_source,
        denominators.value_canonical as denominator_value,
        denominators.value_lower as denominator_lower,
        denominators.value_upper as denominator_upper,
        denominators.boundary_code as denominator_boundary_code,
        denominators.currency as denominator_currency,
        denominators.source_description as denominator_source,
        printed.value_canonical as printed_value,
        printed.value_lower as printed_lower,
        printed.value_upper as printed_upper,
        printed.value_as_printed as printed_value_as_printed,
        printed.decimals_printed as printed_decimals,
        printed.unit_as_printed as printed_unit_as_printed,
        printed.boundary_code as printed_boundary_code,
        printed.currency as printed_currency,
        printed.document_path as printed_document_path,
        printed.location as printed_location
    from grid
    left join preferred_values as numerators
        on
            grid.company_id = numerators.company_id
            and grid.fiscal_year = numerators.fiscal_year
            and grid.numerator_metric_code = numerators.metric_code
            and grid.numerator_members = numerators.members
    left join preferred_values as denominators
        on
            grid.company_id = denominators.company_id
            and grid.fiscal_year = denominators.fiscal_year
            and grid.denominator_metric_code = denominators.metric_code
            and grid.denominator_members = denominators.members
    left join preferred_values as printed
        on
            grid.company_id = printed.company_id
            and grid.fiscal_year = printed.fiscal_year
            and grid.metric_code = printed.metric_code
            and grid.members = printed.members
            and printed.source_kind = 'report'
),

derived as (
    select
        *,
        {{ interval_quotient('numerator', 'denominator', 'derived') }},
        -- With no denominator disclosed, the printed intensity still says what it must have been.
        {{ interval_quotient('numerator', 'printed', 'implied_denominator') }}
    from with_inputs
),

reported as (
    select * from derived
    where printed_value is not null or (numerator_value is not null and denominator_value is not null)
),

judged as (
    select
        *,
        replace(
            canonical_unit, '¤', coalesce(printed_currency, denominator_currency, numerator_currency, '¤')
        ) as unit,
        denominator_value is not null as is_denominator_disclosed,
        printed_value is not null as is_printed,
        -- Revenue intensities compare only in one currency until a rate converts them.
        coalesce(printed_currency <> coalesce(denominator_currency, numerator_currency), false)
            as has_currency_mismatch,
        coalesce(numerator_boundary_code <> denominator_boundary_code, false)
        or coalesce(numerator_boundary_code <> printed_boundary_code, false) as has_boundary_mismatch,
        case
            when derived_lower is not null and printed_lower is not null
                then {{ intervals_overlap('derived_lower', 'derived_upper', 'printed_lower', 'printed_upper') }}
        end as agrees_at_printed_precision
    from reported
),

described as (
    select
        *,
        case
            when numerator_value is null then 'numerator_not_reported'
            when denominator_value is null then 'denominator_not_disclosed'
            when derived_value is null then 'not_evaluable'
            when printed_value is null then 'derived_only'
            when has_currency_mismatch then 'currency_mismatch'
            when has_boundary_mismatch then 'boundary_mismatch'
            when agrees_at_printed_precision then 'agrees'
            else 'disagrees'
        end as status,
        case
            when has_boundary_mismatch
                then
                    'numerator covers ' || coalesce(numerator_boundary_code, 'n/a')
                    || '; denominator covers ' || coalesce(denominator_boundary_code, 'not disclosed')
                    || '; printed intensity covers ' || coalesce(printed_boundary_code, 'not printed')
        end as boundary_note
    from judged
)

select * from described
