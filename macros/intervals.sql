{#-
    A printed figure stands for the interval its rounding allows: round-to-nearest with d printed
    decimals means +/- half a unit of the last printed digit, 0.5 * 10^-d (XBRL Calculations 1.1).
-#}
{% macro half_unit(decimals) -%}
    cast(0.5 * power(10, -({{ decimals }})) as {{ exact_decimal() }})
{%- endmacro %}

{#- Do [lower_a, upper_a] and [lower_b, upper_b] share a point? -#}
{% macro intervals_overlap(lower_a, upper_a, lower_b, upper_b) -%}
    ({{ lower_a }} <= {{ upper_b }} and {{ lower_b }} <= {{ upper_a }})
{%- endmacro %}

{#-
    A printed value converted to its canonical unit, with the interval its rounding allows:
    value_canonical, value_lower, value_upper. A printed bound narrows it instead: `< 0,1` is
    [0, 0.1] (quantities here are not negative) and `> 5` is [5, unbounded).
-#}
{% macro canonical_interval(value, multiplier, decimals, qualifier) -%}
    {%- set canonical -%}cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }}){%- endset -%}
    {%- set half_width -%}cast({{ multiplier }} * {{ half_unit(decimals) }} as {{ exact_decimal() }}){%- endset -%}
    {{ canonical }} as value_canonical,
    case
        when {{ qualifier }} = '<' then cast(0 as {{ exact_decimal() }})
        else {{ canonical }} - {{ half_width }}
    end as value_lower,
    case
        when {{ qualifier }} = '<' then {{ canonical }}
        when {{ qualifier }} = '>' then null
        else {{ canonical }} + {{ half_width }}
    end as value_upper
{%- endmacro %}

{#-
    Interval division of {num}_value/_lower/_upper by {den}_value/_lower/_upper, as {out}_value,
    {out}_lower and {out}_upper: [n_lo / d_hi, n_hi / d_lo]. Defined for a non-negative numerator
    over a positive denominator; outside that the quotient is not evaluable (null).
-#}
{% macro interval_quotient(num, den, out) -%}
    {%- set evaluable -%}
        {{ num }}_lower >= 0 and {{ den }}_lower > 0
    {%- endset -%}
    case
        when {{ evaluable }}
            then cast({{ num }}_value as {{ float64() }}) / cast({{ den }}_value as {{ float64() }})
    end as {{ out }}_value,
    case
        when {{ evaluable }}
            then cast({{ num }}_lower as {{ float64() }}) / cast({{ den }}_upper as {{ float64() }})
    end as {{ out }}_lower,
    case
        when {{ evaluable }}
            then cast({{ num }}_upper as {{ float64() }}) / cast({{ den }}_lower as {{ float64() }})
    end as {{ out }}_upper
{%- endmacro %}
