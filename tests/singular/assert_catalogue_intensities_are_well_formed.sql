-- Intensity metrics, and only they, name a numerator and a denominator, and their canonical unit
-- is the numerator's unit over the denominator's; a mass of gases names, as its numerator only, the
-- emissions whose gases it weighs.
with

kpi_catalogue as (
    select * from {{ ref('kpi_catalogue') }}
),

checked as (
    select
        intensities.metric_code,
        intensities.kind,
        intensities.quantity,
        intensities.canonical_unit,
        intensities.numerator_metric_code,
        intensities.denominator_metric_code,
        numerators.quantity as numerator_quantity,
        numerators.canonical_unit || '/' || denominators.canonical_unit as expected_unit
    from kpi_catalogue as intensities
    left join kpi_catalogue as numerators
        on intensities.numerator_metric_code = numerators.metric_code
    left join kpi_catalogue as denominators
        on intensities.denominator_metric_code = denominators.metric_code
),

failures as (
    select
        *,
        'catalogue metric ' || metric_code || ' (' || kind || '): ' || case
            when quantity = 'gas_mass' then 'a mass of gases names only the emissions it weighs, as numerator'
            when kind <> 'intensity' then 'only an intensity names a numerator or denominator'
            when expected_unit is null then 'an intensity needs a numerator and a denominator in the catalogue'
            else 'unit ' || canonical_unit || ' is not ' || expected_unit
        end as failure_message
    from checked
    where
        (
            quantity = 'gas_mass'
            and (coalesce(numerator_quantity, '') <> 'ghg_emissions' or denominator_metric_code is not null)
        )
        or (
            kind <> 'intensity' and quantity <> 'gas_mass'
            and (numerator_metric_code is not null or denominator_metric_code is not null)
        )
        or (kind = 'intensity' and (expected_unit is null or canonical_unit <> expected_unit))
)

select * from failures
