-- The donations a company lists for a year, in US dollars, cannot add up to more than the total it
-- states for that year: the smallest their sum can be must not exceed the largest the total can be.
with

money_values as (
    select * from {{ ref('fct_community_investments') }}
    where has_fx_rate
),

-- An amount a passage states in two currencies is one donation: it counts once, in the currency
-- printed first (the fx_pair check judges the second).
statements as (
    select
        *,
        row_number() over (
            partition by document_sha256, coalesce(passage, location)
            order by line_number, column_number
        ) as statement_rank
    from money_values
),

totals as (
    select
        company_id,
        fiscal_year,
        min(document_path) as document_path,
        min(value_as_printed || ' ' || currency || ' (' || location || ')') as total_as_printed,
        min(value_usd_m_lower) as total_lower,
        min(value_usd_m_upper) as total_upper
    from money_values
    where metric_code = 'community_investment_total'
    group by company_id, fiscal_year
),

items as (
    select
        company_id,
        fiscal_year,
        count(*) as item_count,
        min(document_path) as items_document_path,
        -- Summed as exact decimals: a sum of floats depends on the order threads deliver them in.
        sum(cast(value_usd_m_lower as {{ exact_decimal() }})) as items_lower,
        -- "more than 300,000 yuan" has no upper end, nor then has the sum.
        case
            when count(value_usd_m_upper) = count(*) then sum(cast(value_usd_m_upper as {{ exact_decimal() }}))
        end as items_upper,
        {{ ordered_listagg(
            "value_as_printed || ' ' || currency || ' (' || location || ')'", "'; '", [["location", "text"]]
        ) }} as items_as_printed
    from statements
    where metric_code in ('community_donation', 'community_donation_in_kind') and statement_rank = 1
    group by company_id, fiscal_year
),

compared as (
    select
        items.*,
        totals.total_as_printed,
        totals.total_lower,
        totals.total_upper,
        coalesce(totals.document_path, items.items_document_path) as document_path
    from items
    left join totals
        on
            items.company_id = totals.company_id
            and items.fiscal_year = totals.fiscal_year
),

findings as (
    select
        'items_within_total' as check_code,
        'community_investment_total|' || company_id || '|' || cast(fiscal_year as {{ dbt.type_string() }})
            as subject_key,
        company_id,
        fiscal_year,
        document_path,
        'community_investment_total' as subject,
        cast(null as {{ dbt.type_string() }}) as members,
        'community_investment_total, community_donation, community_donation_in_kind' as metrics_involved,
        'total ' || coalesce(total_as_printed, 'not stated') || '; ' || cast(item_count as {{ dbt.type_string() }})
        || ' donations: ' || items_as_printed as inputs,
        cast(0 as {{ float64() }}) as expected_lower,
        total_upper as expected_upper,
        items_lower as actual_lower,
        items_upper as actual_upper,
        'USD m' as unit,
        case
            when total_upper is null then 'not_evaluable'
            when items_lower <= total_upper then 'pass'
            else 'fail'
        end as status,
        case when total_upper is null then 'no total donations stated for the year' end as status_reason,
        company_id
        || ' '
        || cast(fiscal_year as {{ dbt.type_string() }})
        || ': '
        || cast(item_count as {{ dbt.type_string() }})
        || ' listed donations come to at least ' || {{ format_rounded('items_lower', 4) }} || ' USD m'
        || coalesce(
            ' against a total of at most ' || {{ format_rounded('total_upper', 4) }} || ' USD m',
            '; no total stated for the year'
        ) as message
    from compared
)

select * from findings
