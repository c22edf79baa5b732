-- The FX seed's rates as units of each currency per US dollar, whatever basis the source printed them
-- in: the one conversion every US dollar figure of the warehouse divides by.
with

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

per_usd as (
    select
        currency,
        rate_kind,
        rate_date,
        fiscal_year,
        source_title || ': ' || source_locator as fx_source,
        case rate_basis
            when 'units_per_usd' then cast(rate_as_printed as {{ float64() }})
            when 'units_per_100_usd' then cast(rate_as_printed as {{ float64() }}) / 100
            when 'usd_per_unit' then 1 / cast(rate_as_printed as {{ float64() }})
        end as units_per_usd
    from fx_rates
)

select * from per_usd
