with

intensities as (
    select * from {{ ref('int_intensities_derived') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

described as (
    select
        intensities.company_id,
        intensities.fiscal_year,
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
)

select * from described
