-- Every KPI value every document printed, mapped and in canonical units: restatements and figures
-- printed twice included. fct_kpi_values is a view of the ones that stand for each company, year and
-- metric (is_latest), so the long table is stored once.
with

metric_values as (
    select * from {{ ref('int_metric_values_converted') }}
    where
        source_kind = 'report' and has_unit_conversion and rule_broken_code is null
        and {{ changed_companies_filter() }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

-- A document may print a figure twice (a total in two tables); its first printing is the one its
-- own arithmetic is checked with. Few figures are printed twice: only those are ranked.
repeated as (
    select
        document_sha256,
        company_id,
        fiscal_year,
        metric_code,
        members
    from metric_values
    group by document_sha256, company_id, fiscal_year, metric_code, members
    having count(*) > 1
),

printings as (
    select
        metric_values.document_sha256,
        metric_values.line_number,
        metric_values.column_number,
        row_number() over (
            partition by
                metric_values.document_sha256,
                metric_values.company_id,
                metric_values.fiscal_year,
                metric_values.metric_code,
                metric_values.members
            order by metric_values.line_number, metric_values.column_number
        ) as printing_rank
    from metric_values
    inner join repeated
        on
            metric_values.document_sha256 = repeated.document_sha256
            and metric_values.company_id = repeated.company_id
            and metric_values.fiscal_year = repeated.fiscal_year
            and metric_values.metric_code = repeated.metric_code
            and metric_values.members = repeated.members
),

numbered as (
    select
        metric_values.*,
        coalesce(printings.printing_rank, 1) = 1 as is_first_in_document
    from metric_values
    left join printings
        on
            metric_values.document_sha256 = printings.document_sha256
            and metric_values.line_number = printings.line_number
            and metric_values.column_number = printings.column_number
),

-- How many documents print each figure: counted where more than one does (plain group-bys, which
-- DuckDB spills; a count of distinct values per group it holds in memory).
printed_by as (
    select distinct
        company_id,
        fiscal_year,
        metric_code,
        members,
        document_sha256
    from metric_values
),

printed_more_than_once as (
    select
        company_id,
        fiscal_year,
        metric_code,
        members,
        cast(count(*) as integer) as document_count
    from printed_by
    group by company_id, fiscal_year, metric_code, members
    having count(*) > 1
),

described as (
    select
        numbered.company_id,
        numbered.company_name,
        numbered.fiscal_year,
        numbered.metric_code,
        numbered.members,
        {{ member_columns('numbered.members') }},
        kpi_catalogue.name_en as metric_name_en,
        kpi_catalogue.name_zh as metric_name_zh,
        kpi_catalogue.kind as metric_kind,
        kpi_catalogue.hkex_kpi,
        kpi_catalogue.gri_disclosure,
        kpi_catalogue.esrs_datapoint,
        numbered.is_reported,
        numbered.value_canonical,
        numbered.value_lower,
        numbered.value_upper,
        numbered.canonical_unit,
        numbered.value_qualifier,
        numbered.value_as_printed,
        numbered.value_number as value_number_as_printed,
        numbered.decimals_printed,
        numbered.not_reported_as_printed,
        numbered.unit_as_printed,
        numbered.currency,
        numbered.label_as_printed,
        numbered.footnote_markers,
        numbered.mapping_source,
        numbered.mapping_confidence,
        numbered.mapping_basis,
        numbered.breakdown_axes,
        numbered.boundary_code,
        numbered.boundary_basis,
        numbered.document_path,
        numbered.document_sha256,
        numbered.document_fiscal_year,
        numbered.line_number,
        numbered.location,
        numbered.page_number,
        numbered.column_number,
        numbered.column_label,
        numbered.table_heading,
        numbered.section_heading,
        numbered.quoted_text,
        numbered.quoted_location,
        numbered.passage,
        numbered.value_date,
        numbered.is_first_in_document,
        numbered.is_preferred as is_latest,
        coalesce(printed_more_than_once.document_count, 1) as document_count
    from numbered
    inner join kpi_catalogue
        on numbered.metric_code = kpi_catalogue.metric_code
    left join printed_more_than_once
        on
            numbered.company_id = printed_more_than_once.company_id
            and numbered.fiscal_year = printed_more_than_once.fiscal_year
            and numbered.metric_code = printed_more_than_once.metric_code
            and numbered.members = printed_more_than_once.members
)

select * from described
