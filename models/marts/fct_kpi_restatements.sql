-- Each figure a later report printed again for an earlier report's year: the old value, the new
-- value, both sources, and whether they differ beyond what rounding allows.
with

reported_values as (
    select * from {{ ref('fct_kpi_reported_values') }}
    where is_first_in_document
),

pairs as (
    select
        later.company_id,
        later.fiscal_year,
        later.fiscal_period_start_date,
        later.fiscal_period_end_date,
        later.metric_code,
        later.members,
        later.canonical_unit,
        earlier.value_as_printed as old_value_as_printed,
        earlier.value_canonical as old_value,
        earlier.value_lower as old_value_lower,
        earlier.value_upper as old_value_upper,
        earlier.document_path as old_document_path,
        earlier.document_fiscal_year as old_document_fiscal_year,
        earlier.location as old_location,
        later.value_as_printed as new_value_as_printed,
        later.value_canonical as new_value,
        later.value_lower as new_value_lower,
        later.value_upper as new_value_upper,
        later.document_path as new_document_path,
        later.document_fiscal_year as new_document_fiscal_year,
        later.location as new_location,
        later.footnote_markers as new_footnote_markers
    from reported_values as later
    inner join reported_values as earlier
        on
            later.company_id = earlier.company_id
            and later.fiscal_year = earlier.fiscal_year
            and later.metric_code = earlier.metric_code
            and later.members = earlier.members
            and later.document_fiscal_year > earlier.document_fiscal_year
),

judged as (
    select
        *,
        cast(new_value - old_value as {{ exact_decimal() }}) as change_in_value,
        coalesce(new_value <> old_value, new_value is not null or old_value is not null) as is_changed,
        case
            when new_value_lower is not null and old_value_lower is not null
                then not {{ intervals_overlap(
                    'new_value_lower', 'new_value_upper', 'old_value_lower', 'old_value_upper'
                ) }}
        end as is_beyond_rounding
    from pairs
)

select * from judged
