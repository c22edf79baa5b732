{#-
    Dimension members are keyed as `axis=member` pairs sorted by axis and joined with `|`
    ('' for the total): `scope2_method=market_based|scope3_category=cat_1`. The axes are the
    `dimension_axes` var (seeds/dimension_axes.csv describes each; a test keeps the two equal).
-#}

{#- The member a key holds on one axis, or null. The pattern is matched only where the axis is named
    (most facts are totals, most keys name one or two axes of twenty). -#}
{% macro member_of(members, axis) -%}
    case
        when {{ dbt.position("'" ~ axis ~ "='", members) }} > 0
            then nullif(regexp_extract({{ members }}, '(^|[|]){{ axis }}=([^|]*)', 2), '')
    end
{%- endmacro %}

{#- One column per axis, named after it: what BI tools group by. -#}
{% macro member_columns(members='members') -%}
    {%- for axis in var('dimension_axes') %}
    {{ member_of(members, axis) }} as {{ axis }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The axis columns of a relation that has them (member_columns), by name: read, not parsed again. -#}
{% macro select_member_columns(relation) -%}
    {%- for axis in var('dimension_axes') %}
    {{ relation }}.{{ axis }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A key without its pair on one axis: the fact a member of a breakdown belongs to. -#}
{% macro members_without(members, axis) -%}
    trim(both '|' from regexp_replace({{ members }}, '(^|[|]){{ axis }}=[^|]*', ''))
{%- endmacro %}

{#-
    A key built axis by axis: on each axis, the member `fixed` holds, else the member `carried`
    holds where `axes` (a `|`-separated list of the axes the fact's metric has) names the axis and
    `except_axes` does not. How identities and intensities find the facts they combine: a scope 1 + 2
    total per scope 2 method is scope 1 (no method) plus scope 2 of that method. A total (most
    facts) has none to carry: it is spared the pattern matches.
-#}
{% macro members_carried(fixed, carried, axes, except_axes="''") -%}
    case when coalesce({{ fixed }}, '') = '' and coalesce({{ carried }}, '') = '' then '' else concat_ws(
        '|',
        {%- for axis in var('dimension_axes') | sort %}
        coalesce(
            '{{ axis }}=' || {{ member_of(fixed, axis) }},
            case
                when
                    {{ dbt.position("'|" ~ axis ~ "|'", "'|' || coalesce(" ~ axes ~ ", '') || '|'") }} > 0
                    and {{ dbt.position("'|" ~ axis ~ "|'", "'|' || coalesce(" ~ except_axes ~ ", '') || '|'") }} = 0
                    then '{{ axis }}=' || {{ member_of(carried, axis) }}
            end
        ){{ ',' if not loop.last }}
        {%- endfor %}
    ) end
{%- endmacro %}

{#- A metric and its members as findings and messages name them: ghg_scope_2{scope2_method=market_based}. -#}
{% macro metric_with_members(metric, members) -%}
    {{ metric }} || coalesce('{' || nullif({{ members }}, '') || '}', '')
{%- endmacro %}

{#- The axes of a key, `|`-separated: scope2_method=market_based|gas=ch4 -> scope2_method|gas. -#}
{% macro member_axes(members) -%}
    {{ return(adapter.dispatch('member_axes')(members)) }}
{%- endmacro %}

{% macro default__member_axes(members) -%}
    regexp_replace({{ members }}, '=[^|]*', '', 'g')
{%- endmacro %}
