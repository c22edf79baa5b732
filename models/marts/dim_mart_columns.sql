-- The served tables' data dictionary, read from the project's own declarations (dbt's graph): each mart
-- column with its description and unit. A column's unit is its meta's `unit`, the canonical unit of the
-- catalogue metric it holds (fct_company_year_kpis), or, where every row states its own, the column that
-- holds it (`unit_column`). The Parquet exports carry the same in their schema (loaders/exports.py).
with

dim_metrics as (
    select * from {{ ref('dim_metrics') }}
),

declared as (
    select
        declared_columns.table_name,
        declared_columns.column_name,
        declared_columns.description,
        declared_columns.unit,
        declared_columns.unit_column,
        declared_columns.metric_code,
        declared_columns.members,
        cast(declared_columns.column_index as integer) as column_index
    from (
        values
        {{ mart_column_rows() }}
    ) as declared_columns (table_name, column_index, column_name, description, unit, unit_column, metric_code, members)
),

with_units as (
    select
        declared.table_name,
        declared.column_index,
        declared.column_name,
        declared.description,
        declared.unit_column,
        declared.metric_code,
        declared.members,
        coalesce(declared.unit, dim_metrics.canonical_unit) as unit
    from declared
    left join dim_metrics
        on declared.metric_code = dim_metrics.metric_code
)

select * from with_units
