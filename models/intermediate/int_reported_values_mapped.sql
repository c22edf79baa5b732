with

reported_values as (
    select * from {{ ref('stg_reports__values') }}
),

documents as (
    select * from {{ ref('stg_reports__documents') }}
),

boundary_overrides as (
    select * from {{ ref('stg_reports__boundary_overrides') }}
),

label_overrides as (
    select * from {{ ref('stg_reports__label_overrides') }}
),

label_aliases as (
    select * from {{ ref('label_aliases') }}
),

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

companies as (
    select * from {{ ref('companies') }}
),

located as (
    select
        reported_values.*,
        documents.document_path,
        documents.fiscal_year as document_fiscal_year,
        documents.boundary_code as document_boundary_code,
        coalesce(companies.company_name, documents.company_name) as company_name
    from reported_values
    inner join documents
        on reported_values.document_sha256 = documents.document_sha256
    left join companies
        on reported_values.company_id = companies.company_id
),

-- A document's own decision for a label (its metadata's `labels`) comes first, then a metric code
-- the dataset gives per row (curated tables) where the catalogue knows it, then the catalogue's
-- aliases, then what the recognizer read in the label from the taxonomy's vocabulary (only where
-- it explained every word: a reading it was unsure of is a proposal, in fct_unmapped_labels).
decided as (
    select
        located.*,
        label_overrides.mapping_basis,
        label_overrides.metric_code as document_metric_code,
        label_overrides.members as document_members,
        given_metrics.metric_code as dataset_metric_code,
        label_aliases.metric_code as alias_metric_code,
        label_aliases.members as alias_members,
        recognized_metrics.metric_code as recognised_metric_code,
        case
            when label_overrides.metric_code is not null then 'document'
            when given_metrics.metric_code is not null then 'dataset'
            when label_aliases.metric_code is not null then 'alias'
            when recognized_metrics.metric_code is not null then 'recognised'
        end as mapping_source
    from located
    left join label_overrides
        on
            located.document_sha256 = label_overrides.document_sha256
            and located.label_key = label_overrides.label_key
    left join kpi_catalogue as given_metrics
        on located.metric_code_given = given_metrics.metric_code
    left join label_aliases
        on located.label_key = label_aliases.label_key
    -- One equality, so that the join is hashed (a second condition on the values' side alone made
    -- DuckDB compare every value with every metric).
    left join kpi_catalogue as recognized_metrics
        on
            case when located.recognition_confidence >= 1 then located.recognized_metric_code end
            = recognized_metrics.metric_code
),

mapped as (
    select
        *,
        case mapping_source
            when 'document' then document_metric_code
            when 'dataset' then dataset_metric_code
            when 'alias' then alias_metric_code
            when 'recognised' then recognised_metric_code
        end as metric_code,
        -- Members as keyed everywhere: `axis=member|...` sorted by axis; '' for the total.
        coalesce(
            case mapping_source
                when 'document' then document_members
                when 'alias' then alias_members
                when 'recognised' then recognized_members
            end,
            ''
        ) as members,
        case when mapping_source = 'recognised' then recognition_confidence else 1.0 end as mapping_confidence
    from decided
),

-- A value covers the document's boundary, a named part of it (a metric's scope segment such as
-- offices), or what the document's metadata says for that metric.
bounded as (
    select
        mapped.*,
        boundary_overrides.boundary_basis,
        mapped.metric_code is not null as is_mapped,
        coalesce(
            boundary_overrides.boundary_code,
            case
                when kpi_catalogue.scope_segment is not null
                    then mapped.document_boundary_code || '/' || kpi_catalogue.scope_segment
                else mapped.document_boundary_code
            end
        ) as boundary_code
    from mapped
    left join kpi_catalogue
        on mapped.metric_code = kpi_catalogue.metric_code
    left join boundary_overrides
        on
            mapped.document_sha256 = boundary_overrides.document_sha256
            and mapped.metric_code = boundary_overrides.metric_code
)

select * from bounded
