-- Each KPI with where it was printed: a citation list for a report or an audit file.
with

kpi_values as (
    select * from {{ ref('fct_kpi_values') }}
),

cited as (
    select
        company_id,
        fiscal_year,
        metric_code,
        hkex_kpi,
        gri_disclosure,
        value_canonical,
        canonical_unit,
        value_as_printed || ' ' || unit_as_printed as printed,
        document_path || ':' || cast(line_number as varchar) as printed_at
    from kpi_values
)

select * from cited
