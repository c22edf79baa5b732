-- An amount stated in two currencies in one passage ("1 billion yuan (about $1441586)") agrees with
-- the exchange rate of its date: the rate the two printed amounts imply, as an interval, must reach
-- the FX seed's rate within the tolerance `fx_tolerance` (journalists round and use other sources).
with

money_values as (
    select * from {{ ref('fct_community_investments') }}
    where passage is not null
),

pairs as (
    select
        local_amounts.document_path,
        local_amounts.document_sha256,
        local_amounts.company_id,
        local_amounts.fiscal_year,
        local_amounts.passage,
        local_amounts.metric_code,
        local_amounts.currency,
        local_amounts.quoted_text,
        local_amounts.location,
        local_amounts.value_date,
        local_amounts.fx_units_per_usd,
        local_amounts.fx_source,
        local_amounts.value_as_printed || ' ' || local_amounts.currency as local_as_printed,
        usd_amounts.value_as_printed || ' USD' as usd_as_printed,
        cast(local_amounts.value_lower as {{ float64() }}) / cast(usd_amounts.value_upper as {{ float64() }})
            as implied_lower,
        cast(local_amounts.value_upper as {{ float64() }}) / cast(usd_amounts.value_lower as {{ float64() }})
            as implied_upper
    from money_values as local_amounts
    inner join money_values as usd_amounts
        on
            local_amounts.document_sha256 = usd_amounts.document_sha256
            and local_amounts.passage = usd_amounts.passage
            and local_amounts.currency <> 'USD'
            and usd_amounts.currency = 'USD'
),

findings as (
    select
        'fx_pair' as check_code,
        document_sha256 || '|passage ' || passage as subject_key,
        company_id,
        fiscal_year,
        document_path,
        metric_code || ' (passage ' || passage || ')' as subject,
        cast(null as {{ dbt.type_string() }}) as members,
        metric_code as metrics_involved,
        local_as_printed
        || ' = '
        || usd_as_printed
        || ' on '
        || coalesce(cast(value_date as {{ dbt.type_string() }}), 'an undated day')
        || ' (' || location || ': "' || coalesce(quoted_text, '') || '"); rate '
        || coalesce(
            {{ format_rounded('fx_units_per_usd', 4) }} || ' ' || currency || ' per USD from '
            || fx_source, 'not in the FX seed'
        ) as inputs,
        fx_units_per_usd * (1 - {{ var('fx_tolerance') }}) as expected_lower,
        fx_units_per_usd * (1 + {{ var('fx_tolerance') }}) as expected_upper,
        implied_lower as actual_lower,
        implied_upper as actual_upper,
        currency || ' per USD' as unit,
        case
            when fx_units_per_usd is null then 'not_evaluable'
            when
                implied_lower <= fx_units_per_usd * (1 + {{ var('fx_tolerance') }})
                and coalesce(implied_upper, implied_lower) >= fx_units_per_usd * (1 - {{ var('fx_tolerance') }})
                or implied_upper is null and implied_lower <= fx_units_per_usd * (1 + {{ var('fx_tolerance') }})
                then 'pass'
            else 'fail'
        end as status,
        case when fx_units_per_usd is null then 'no exchange rate for ' || currency || ' on that date or year' end
            as status_reason,
        document_path || ' ' || location || ': ' || local_as_printed || ' and ' || usd_as_printed || ' imply ['
        || {{ format_rounded('implied_lower', 4) }} || ', '
        || coalesce({{ format_rounded('implied_upper', 4) }}, 'unbounded') || '] ' || currency
        || ' per USD; the rate was ' || coalesce({{ format_rounded('fx_units_per_usd', 4) }}, 'unknown')
            as message
    from pairs
)

select * from findings
