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
    value_canonical, value_lower, value_upper.
-#}
{% macro canonical_interval(value, multiplier, decimals) -%}
    cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }}) as value_canonical,
    cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }})
    - cast({{ multiplier }} * {{ half_unit(decimals) }} as {{ exact_decimal() }}) as value_lower,
    cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }})
    + cast({{ multiplier }} * {{ half_unit(decimals) }} as {{ exact_decimal() }}) as value_upper
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
