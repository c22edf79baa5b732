-- Each company-year the warehouse holds anything for (a value, mapped or not, or a document), with the
-- dates its fiscal year runs between: the company's fiscal year end and naming from seeds/companies.csv,
-- or the calendar year where the seed does not list the company (has_stated_fiscal_year false). The one
-- place the marts' fiscal period dates come from.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
),

reported_values as (
    select * from {{ ref('int_reported_values_mapped') }}
),

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

companies as (
    select * from {{ ref('companies') }}
),

company_years as (
    select
        company_id,
        fiscal_year
    from metric_values
    union
    select
        company_id,
        fiscal_year
    from reported_values
    union
    select
        company_id,
        fiscal_year
    from documents
    where fiscal_year is not null
),

with_year_end as (
    select
        company_years.company_id,
        company_years.fiscal_year,
        coalesce(companies.fiscal_year_end, '12-31') as fiscal_year_end,
        coalesce(companies.fiscal_year_named_for, 'end') as fiscal_year_named_for,
        companies.company_id is not null as has_stated_fiscal_year
    from company_years
    left join companies
        on company_years.company_id = companies.company_id
),

dated as (
    select
        *,
        {{ fiscal_period_start_date('fiscal_year', 'fiscal_year_end', 'fiscal_year_named_for') }}
            as fiscal_period_start_date,
        {{ fiscal_period_end_date('fiscal_year', 'fiscal_year_end', 'fiscal_year_named_for') }}
            as fiscal_period_end_date
    from with_year_end
)

select * from dated
