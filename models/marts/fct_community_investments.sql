-- Community investment: total donations and each donation, in cash or in kind, in the currency
-- printed and in US dollars, with the sentence each figure was printed in.
with

money_values as (
    select * from {{ ref('int_money_values_in_usd') }}
    where source_kind = 'report'
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

company_fiscal_years as (
    select * from {{ ref('int_company_fiscal_years') }}
),

community as (
    select
        money_values.company_id,
        money_values.fiscal_year,
        company_fiscal_years.fiscal_period_start_date,
        company_fiscal_years.fiscal_period_end_date,
        money_values.metric_code,
        kpi_catalogue.name_en as metric_name_en,
        money_values.metric_kind,
        money_values.label_as_printed,
        money_values.value_as_printed,
        money_values.unit_as_printed,
        money_values.value_qualifier,
        money_values.currency,
        money_values.value_canonical,
        money_values.value_lower,
        money_values.value_upper,
        money_values.canonical_unit,
        money_values.has_fx_rate,
        money_values.fx_units_per_usd,
        money_values.fx_rate_kind,
        money_values.fx_source,
        money_values.value_usd_m,
        money_values.value_usd_m_lower,
        money_values.value_usd_m_upper,
        money_values.value_date,
        money_values.passage,
        money_values.quoted_text,
        money_values.quoted_location,
        money_values.document_path,
        money_values.document_sha256,
        money_values.line_number,
        money_values.column_number,
        money_values.location
    from money_values
    inner join kpi_catalogue
        on money_values.metric_code = kpi_catalogue.metric_code
    left join company_fiscal_years
        on
            money_values.company_id = company_fiscal_years.company_id
            and money_values.fiscal_year = company_fiscal_years.fiscal_year
    where kpi_catalogue.hkex_kpi = 'B8.2'
)

select * from community
