-- One row per company and fiscal year, a column per headline KPI: the shape a dashboard charts. The
-- columns are declared once, in _marts.yml: a column's meta names the catalogue metric (and members) it
-- holds, or the two columns it divides. Values are those that stand for the year
-- (int_kpi_values_standing), in canonical units, money in US dollars.
with

standing_values as (
    select * from {{ ref('int_kpi_values_standing') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

dim_companies as (
    select * from {{ ref('dim_companies') }}
),

pivoted as (
    select
        company_id,
        fiscal_year,
        {{ kpi_metric_columns(model.columns.values()) }}
    from standing_values
    group by company_id, fiscal_year
),

with_ratios as (
    select
        *,
        {{ kpi_ratio_columns(model.columns.values()) }}
    from pivoted
),

dated as (
    select
        with_ratios.*,
        dim_companies.company_name,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date
    from with_ratios
    inner join company_fiscal_years
        on
            with_ratios.company_id = company_fiscal_years.company_id
            and with_ratios.fiscal_year = company_fiscal_years.fiscal_year
    inner join dim_companies
        on with_ratios.company_id = dim_companies.company_id
),

final as (
    select
        {{ column_names(model.columns.values()) }}
    from dated
)

select * from final
