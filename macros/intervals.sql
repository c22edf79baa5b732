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
    A printed value in its canonical unit: value x multiplier / divisor at the 12 decimals of
    exact_decimal(), rounded to the nearest (half away from zero), or down ('floor') or up ('ceiling')
    for an interval's ends, so that the interval holds the exact one. Most units need no scaling
    (multiplier 1), and DECIMAL(38) products are slow on millions of rows; a divisor other than 1
    (GJ to MWh is 5 / 18: no decimal holds it) comes with a whole multiplier and is divided exactly.
-#}
{% macro converted_value(value, multiplier, divisor, rounding='nearest') -%}
    case
        when {{ divisor }} <> 1 then {{ exact_ratio(value, multiplier, divisor, rounding) }}
        when {{ multiplier }} = 1 then {{ value }}
        else cast({{ value }} * {{ multiplier }} as {{ exact_decimal() }})
    end
{%- endmacro %}

{#-
    value x multiplier / divisor (whole numbers both) in whole units of 10^-12, from the truncated
    quotient and its remainder (which has the dividend's sign), then back to exact_decimal(). Exact
    for value x multiplier below 10^14.
-#}
{% macro exact_ratio(value, multiplier, divisor, rounding) -%}
    {%- set dividend = exact_units(value, multiplier) -%}
    {%- set divisor_units = 'cast(' ~ divisor ~ ' as ' ~ exact_integer() ~ ')' -%}
    {%- set remainder = '(' ~ dividend ~ ' % ' ~ divisor_units ~ ')' -%}
    {%- set quotient = truncated_quotient(dividend, divisor_units, remainder) -%}
    {%- if rounding == 'floor' -%}
        {%- set step = 'case when ' ~ remainder ~ ' < 0 then -1 else 0 end' -%}
    {%- elif rounding == 'ceiling' -%}
        {%- set step = 'case when ' ~ remainder ~ ' > 0 then 1 else 0 end' -%}
    {%- elif rounding == 'nearest' -%}
        {%- set step = 'case when 2 * abs(' ~ remainder ~ ') < ' ~ divisor_units ~ ' then 0 when '
            ~ remainder ~ ' > 0 then 1 else -1 end' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("exact_ratio: rounding is nearest, floor or ceiling, not " ~ rounding) }}
    {%- endif -%}
    {{ from_exact_units('(' ~ quotient ~ ' + ' ~ step ~ ')') }}
{%- endmacro %}

{#- value x multiplier in whole units of 10^-12, as exact_integer(). -#}
{% macro exact_units(value, multiplier) -%}
    {{ return(adapter.dispatch('exact_units')(value, multiplier)) }}
{%- endmacro %}

{#- Exact decimals (Spark keeps the product's 12 decimals: allowPrecisionLoss is off), then whole. -#}
{% macro default__exact_units(value, multiplier) -%}
    cast(
        cast({{ value }} as decimal(38, 12)) * cast({{ multiplier }} as decimal(38, 0))
        * cast(1000000000000 as decimal(13, 0)) as {{ exact_integer() }}
    )
{%- endmacro %}

{% macro duckdb__exact_units(value, multiplier) -%}
    (cast({{ value }} * 1000000000000 as {{ exact_integer() }}) * cast({{ multiplier }} as {{ exact_integer() }}))
{%- endmacro %}

{#- A whole-number dividend over a positive whole divisor, truncated towards zero. -#}
{% macro truncated_quotient(dividend, divisor, remainder) -%}
    {{ return(adapter.dispatch('truncated_quotient')(dividend, divisor, remainder)) }}
{%- endmacro %}

{#- Less the remainder, the division has no fraction to round (a DECIMAL(19, 0) divisor leaves 29 digits). -#}
{% macro default__truncated_quotient(dividend, divisor, remainder) -%}
    cast(({{ dividend }} - {{ remainder }}) / cast({{ divisor }} as decimal(19, 0)) as {{ exact_integer() }})
{%- endmacro %}

{#- DuckDB's `/` is a float division: `//` divides whole numbers. -#}
{% macro duckdb__truncated_quotient(dividend, divisor, remainder) -%}
    ({{ dividend }} // {{ divisor }})
{%- endmacro %}

{#- Whole units of 10^-12 back to exact_decimal(). -#}
{% macro from_exact_units(units) -%}
    {{ return(adapter.dispatch('from_exact_units')(units)) }}
{%- endmacro %}

{% macro default__from_exact_units(units) -%}
    cast(cast({{ units }} as decimal(38, 12)) / cast(1000000000000 as decimal(13, 0)) as {{ exact_decimal() }})
{%- endmacro %}

{#- A DuckDB division of decimals is a float; this product is exact. -#}
{% macro duckdb__from_exact_units(units) -%}
    cast(cast({{ units }} as decimal(38, 0)) * cast(0.000000000001 as decimal(13, 12)) as {{ exact_decimal() }})
{%- endmacro %}

{#-
    The interval a printed value stands for, in its canonical unit: [value - half, value + half]
    converted with its ends rounded outwards; a printed bound narrows it instead: `< 0,1` is [0, 0.1]
    (quantities here are not negative), `> 5` is [5 - half, unbounded). Gives value_lower and value_upper.
-#}
{% macro rounding_interval(value, decimals, multiplier, divisor, qualifier) -%}
    {%- set lower = 'cast(' ~ value ~ ' - ' ~ half_unit(decimals) ~ ' as ' ~ exact_decimal() ~ ')' -%}
    {%- set upper = 'cast(' ~ value ~ ' + ' ~ half_unit(decimals) ~ ' as ' ~ exact_decimal() ~ ')' -%}
    case
        when {{ qualifier }} = '<' then cast(0 as {{ exact_decimal() }})
        else {{ converted_value(lower, multiplier, divisor, 'floor') }}
    end as value_lower,
    case
        when {{ qualifier }} = '<' then {{ converted_value(value, multiplier, divisor, 'ceiling') }}
        when {{ qualifier }} = '>' then null
        else {{ converted_value(upper, multiplier, divisor, 'ceiling') }}
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
