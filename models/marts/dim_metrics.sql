with

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

label_aliases as (
    select * from {{ ref('label_aliases') }}
),

alias_counts as (
    select
        metric_code,
        count(*) as label_alias_count
    from label_aliases
    group by metric_code
),

described as (
    select
        kpi_catalogue.metric_code,
        kpi_catalogue.name_en,
        kpi_catalogue.name_zh,
        kpi_catalogue.hkex_kpi,
        kpi_catalogue.gri_disclosure,
        kpi_catalogue.esrs_datapoint,
        kpi_catalogue.axes,
        kpi_catalogue.quantity,
        kpi_catalogue.canonical_unit,
        kpi_catalogue.kind,
        kpi_catalogue.numerator_metric_code,
        kpi_catalogue.denominator_metric_code,
        kpi_catalogue.scope_segment,
        cast(coalesce(alias_counts.label_alias_count, 0) as integer) as label_alias_count
    from kpi_catalogue
    left join alias_counts
        on kpi_catalogue.metric_code = alias_counts.metric_code
)

select * from described
