{#-
    A printed figure stands for the interval its rounding allows: round-to-nearest with d printed
    decimals means +/- half a unit of the last printed digit, 0.5 * 10^-d (XBRL Calculations 1.1).
-#}
{% macro half_unit(decimals) -%}
    {#- A lookup, not 0.5 * power(10, -d): exact, and cheap on millions of rows. -#}
    case {{ decimals }}
        {%- for d in range(0, 11) %}
        when {{ d }} then cast({{ '0.5' if d == 0 else '0.' ~ '0' * d ~ '5' }} as {{ exact_decimal() }})
        {%- endfor %}
    end
{%- endmacro %}

{#- Do [lower_a, upper_a] and [lower_b, upper_b] share a point? -#}
{% macro intervals_overlap(lower_a, upper_a, lower_b, upper_b) -%}
    ({{ lower_a }} <= {{ upper_b }} and {{ lower_b }} <= {{ upper_a }})
{%- endmacro %}

{#-
    A printed value in its canonical unit (value_canonical), and half the width of the interval its
    rounding allows there (half_width): half a unit of the last printed digit, scaled. Most units
    need no scaling (multiplier 1), and DECIMAL(38) products are slow on millions of rows.
-#}
{% macro canonical_value(value, multiplier) -%}
    case
        when {{ multiplier }} = 1 then {{ value }}
        else cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }})
    end
{%- endmacro %}

{% macro half_width(multiplier, decimals) -%}
    case
        when {{ multiplier }} = 1 then {{ half_unit(decimals) }}
        else cast({{ multiplier }} * {{ half_unit(decimals) }} as {{ exact_decimal() }})
    end
{%- endmacro %}

{#-
    The interval a canonical value stands for: [value - half_width, value + half_width]; a printed
    bound narrows it instead: `< 0,1` is [0, 0.1] (quantities here are not negative), `> 5` is
    [5, unbounded). Gives value_lower and value_upper.
-#}
{#- (Cast back: Spark gives a sum of two DECIMAL(38, 12) one digit less of scale.) -#}
{% macro rounding_interval(value, half_width, qualifier) -%}
    case
        when {{ qualifier }} = '<' then cast(0 as {{ exact_decimal() }})
        else cast({{ value }} - {{ half_width }} as {{ exact_decimal() }})
    end as value_lower,
    case
        when {{ qualifier }} = '<' then {{ value }}
        when {{ qualifier }} = '>' then null
        else cast({{ value }} + {{ half_width }} as {{ exact_decimal() }})
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
