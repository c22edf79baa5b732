-- The one value that stands for each company, fiscal year, metric and members, across documents and the
-- reference data: the preferred one of int_metric_values_converted (a document's figure over the
-- reference data's, the latest document's printing over an earlier one's). Money in US dollars
-- (int_money_values_in_usd); itemised facts (single donations) are not yearly figures and stay out.
-- What fct_company_year_kpis pivots.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where is_preferred and metric_kind != 'item' and quantity != 'money'
),

money_values as (
    select * from {{ ref('int_money_values_in_usd') }}
    where is_preferred and metric_kind != 'item'
),

standing as (
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        source_kind,
        cast(value_canonical as {{ float64() }}) as kpi_value
    from metric_values
    union all
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        source_kind,
        value_usd_m as kpi_value
    from money_values
)

select * from standing
