-- Every intensity the catalogue defines has a row for every company-year with a document, even
-- where its numerator or denominator is missing: intensities never silently disappear.
with

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

intensities as (
    select * from {{ ref('fct_kpi_intensities') }}
),

expected as (
    select distinct
        documents.company_id,
        documents.fiscal_year,
        kpi_catalogue.metric_code
    from documents
    cross join kpi_catalogue
    where kpi_catalogue.kind in ('intensity', 'per_capita')
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
