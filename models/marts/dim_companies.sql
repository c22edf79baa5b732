-- Every company with values in the warehouse, with what seeds/companies.csv knows of it. A company the
-- seed does not list keeps the name its documents give, and its fiscal year is taken as the calendar
-- year (has_stated_fiscal_year false), so that its facts still have period dates.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
),

companies as (
    select * from {{ ref('companies') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

fiscal_years as (
    select
        company_id,
        max(fiscal_year_end) as fiscal_year_end,
        max(fiscal_year_named_for) as fiscal_year_named_for,
        bool_or(has_stated_fiscal_year) as has_stated_fiscal_year
    from company_fiscal_years
    group by company_id
),

with_values as (
    select
        company_id,
        max(company_name) as company_name_in_documents,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(distinct fiscal_year) as fiscal_year_count,
        count(distinct case when source_kind = 'report' then document_sha256 end) as document_count
    from metric_values
    group by company_id
),

named as (
    select
        with_values.*,
        coalesce(companies.company_name, with_values.company_name_in_documents) as company_name
    from with_values
    left join companies
        on with_values.company_id = companies.company_id
),

described as (
    select
        named.company_id,
        named.company_name,
        companies.company_name_local,
        companies.listing,
        companies.sector,
        companies.headquarters_country,
        companies.reporting_currency,
        fiscal_years.fiscal_year_end,
        fiscal_years.fiscal_year_named_for,
        fiscal_years.has_stated_fiscal_year,
        named.first_fiscal_year,
        named.last_fiscal_year,
        cast(named.fiscal_year_count as integer) as fiscal_year_count,
        cast(named.document_count as integer) as document_count
    from named
    left join companies
        on named.company_id = companies.company_id
    inner join fiscal_years
        on named.company_id = fiscal_years.company_id
)

select * from described
