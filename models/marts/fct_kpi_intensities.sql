with

intensities as (
    select * from {{ ref('int_intensities_derived') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

fx_rates_per_usd as (
    select * from {{ ref('int_fx_rates_per_usd') }}
    where rate_kind = 'annual_average'
),

described as (
    select
        intensities.company_id,
        intensities.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        intensities.metric_code,
        intensities.members,
        {{ member_columns('intensities.members') }},
        kpi_catalogue.name_en as metric_name_en,
        kpi_catalogue.kind as metric_kind,
        intensities.unit,
        intensities.formula,
        intensities.status,
        intensities.numerator_metric_code,
        intensities.numerator_members,
        intensities.numerator_unit,
        intensities.numerator_value,
        intensities.numerator_lower,
        intensities.numerator_upper,
        intensities.numerator_boundary_code,
        intensities.numerator_source,
        intensities.denominator_metric_code,
        intensities.denominator_members,
        intensities.denominator_unit,
        intensities.is_denominator_disclosed,
        intensities.denominator_value,
        intensities.denominator_lower,
        intensities.denominator_upper,
        intensities.denominator_currency,
        fx_rates_per_usd.units_per_usd as denominator_fx_units_per_usd,
        -- Money denominators (revenue) in US dollars at the year's average rate: intensities of
        -- companies reporting in different currencies compare, and sum, in one.
        case
            when intensities.denominator_currency = 'USD' then cast(intensities.denominator_value as {{ float64() }})
            else cast(intensities.denominator_value as {{ float64() }}) / fx_rates_per_usd.units_per_usd
        end as denominator_value_usd_m,
        intensities.denominator_boundary_code,
        intensities.denominator_source,
        intensities.derived_value,
        intensities.derived_lower,
        intensities.derived_upper,
        intensities.is_printed,
        intensities.printed_value,
        intensities.printed_lower,
        intensities.printed_upper,
        intensities.printed_value_as_printed,
        intensities.printed_decimals,
        intensities.printed_unit_as_printed,
        intensities.printed_boundary_code,
        intensities.printed_document_path,
        intensities.printed_location,
        intensities.agrees_at_printed_precision,
        intensities.implied_denominator_value,
        intensities.implied_denominator_lower,
        intensities.implied_denominator_upper,
        intensities.has_currency_mismatch,
        intensities.has_boundary_mismatch,
        intensities.boundary_note
    from intensities
    inner join kpi_catalogue
        on intensities.metric_code = kpi_catalogue.metric_code
    left join company_fiscal_years
        on
            intensities.company_id = company_fiscal_years.company_id
            and intensities.fiscal_year = company_fiscal_years.fiscal_year
    left join fx_rates_per_usd
        on
            intensities.denominator_currency = fx_rates_per_usd.currency
            and intensities.fiscal_year = fx_rates_per_usd.fiscal_year
)

select * from described
