-- Intensities an analyst should look at: printed figures that disagree with their inputs, or that
-- cannot be checked because a denominator is missing or covers another boundary.
-- Compile with `dbt compile`, or paste the SQL from target/compiled into any DuckDB client.
with

intensities as (
    select * from {{ ref('fct_kpi_intensities') }}
),

to_review as (
    select
        company_id,
        fiscal_year,
        metric_code,
        status,
        printed_value_as_printed,
        derived_value,
        implied_denominator_value,
        boundary_note
    from intensities
    where status not in ('agrees', 'derived_only', 'not_reported')
)

select * from to_review
