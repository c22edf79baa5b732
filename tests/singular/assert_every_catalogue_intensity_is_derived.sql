-- Every intensity the catalogue defines has a row for every company-year that prints it (even
-- where its denominator is not disclosed) or reports both its numerator and denominator:
-- intensities never silently disappear.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where is_preferred and value_canonical is not null
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

intensities as (
    select * from {{ ref('fct_kpi_intensities') }}
),

printed as (
    select
        metric_values.company_id,
        metric_values.fiscal_year,
        kpi_catalogue.metric_code
    from kpi_catalogue
    inner join metric_values
        on kpi_catalogue.metric_code = metric_values.metric_code
    where kpi_catalogue.kind = 'intensity' and metric_values.source_kind = 'report'
),

derivable as (
    select
        numerators.company_id,
        numerators.fiscal_year,
        kpi_catalogue.metric_code
    from kpi_catalogue
    inner join metric_values as numerators
        on kpi_catalogue.numerator_metric_code = numerators.metric_code
    inner join metric_values as denominators
        on
            kpi_catalogue.denominator_metric_code = denominators.metric_code
            and numerators.company_id = denominators.company_id
            and numerators.fiscal_year = denominators.fiscal_year
    where kpi_catalogue.kind = 'intensity'
),

expected as (
    select * from printed
    union
    select * from derivable
),

failures as (
    select
        expected.*,
        'no intensity row for ' || expected.company_id || ' '
        || cast(expected.fiscal_year as {{ dbt.type_string() }}) || ' ' || expected.metric_code as failure_message
    from expected
    left join intensities
        on
            expected.company_id = intensities.company_id
            and expected.fiscal_year = intensities.fiscal_year
            and expected.metric_code = intensities.metric_code
    where intensities.metric_code is null
)

select * from failures
