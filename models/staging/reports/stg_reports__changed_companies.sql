with

source as (
    select * from {{ source('reports', 'changed_companies') }}
),

distinct_companies as (
    select distinct company_id
    from source
)

select * from distinct_companies
