-- Money values (donations, revenue) in US dollars, the warehouse's common currency: at the rate of
-- the figure's date where the document gives one and the FX seed has it, else the fiscal year's
-- average rate. The rounding interval is carried through the rate, which is taken as printed.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where quantity = 'money' and has_unit_conversion and rule_broken_code is null and value_canonical is not null
),

units_per_usd as (
    select * from {{ ref('int_fx_rates_per_usd') }}
),

rated as (
    select
        metric_values.*,
        coalesce(daily.units_per_usd, annual.units_per_usd) as fx_units_per_usd,
        coalesce(daily.rate_kind, annual.rate_kind) as fx_rate_kind,
        coalesce(daily.fx_source, annual.fx_source) as fx_source
    from metric_values
    left join units_per_usd as daily
        on
            metric_values.currency = daily.currency
            and metric_values.value_date = daily.rate_date
            and daily.rate_kind = 'daily'
    left join units_per_usd as annual
        on
            metric_values.currency = annual.currency
            and metric_values.fiscal_year = annual.fiscal_year
            and annual.rate_kind = 'annual_average'
),

converted as (
    select
        *,
        case when currency = 'USD' then 1.0 else fx_units_per_usd end as usd_divisor,
        currency = 'USD' or fx_units_per_usd is not null as has_fx_rate
    from rated
),

in_usd as (
    select
        *,
        cast(value_canonical as {{ float64() }}) / usd_divisor as value_usd_m,
        cast(value_lower as {{ float64() }}) / usd_divisor as value_usd_m_lower,
        cast(value_upper as {{ float64() }}) / usd_divisor as value_usd_m_upper
    from converted
)

select * from in_usd
