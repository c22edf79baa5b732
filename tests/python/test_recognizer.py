"""The label recognizer on the taxonomy's own vocabulary (seeds/): labels worded as reports word them,
in English and Chinese, read as a metric and members, and labels it must not read."""

from __future__ import annotations

import pytest

from loaders.pipeline import SEEDS
from loaders.recognizer import Vocabulary, members_key

BY_BUSINESS = "GHG emissions breakdown by business (Scope 1 and 2)"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_seeds(SEEDS)


@pytest.mark.parametrize(
    ("label", "heading", "metric", "members"),
    [
        # Parts a table groups, and parts a label joins with a spaced dash or a colon.
        ("Scope 1 / Total", None, "ghg_scope_1", ""),
        ("Scope 2 / Total (market based)", None, "ghg_scope_2", "scope2_method=market_based"),
        ("Scope 2 / Total (location based)", None, "ghg_scope_2", "scope2_method=location_based"),
        ("Scope 1 / SF6 emissions", None, "ghg_scope_1", "gas=sf6"),
        ("Scope 3 upstream / Total", None, "ghg_scope_3", "scope3_category=upstream"),
        # A member and its parent member on one axis: the member is kept.
        ("Scope 3 upstream / Purchased goods and services", None, "ghg_scope_3", "scope3_category=cat_1"),
        ("Scope 3 downstream / Use of sold products", None, "ghg_scope_3", "scope3_category=cat_11"),
        # A deeper part naming a part of its group's metric names the metric.
        (
            "Energy consumption: secondary energy / Electricity (total)",
            None,
            "energy_indirect",
            "energy_carrier=electricity",
        ),
        ("Energy Consumption: primary energy / Total", None, "energy_direct", ""),
        # One word, two axes: the metric's axes choose.
        ("Water withdrawal / Groundwater", None, "water_withdrawal", "water_source=groundwater"),
        ("Water discharge / Groundwater", None, "water_discharge", "water_destination=groundwater"),
        # A scope 1 + 2 + 3 total is not a scope 1 + 2 total.
        ("GHG emissions Scope 1+2+3 upstream (“Cradle to gate”) / Total", None, "ghg_scope_1_2_3_upstream", ""),
        ("溫室氣體排放總量(範圍一、二及三)", None, "ghg_scope_1_2_3", ""),
        ("温室气体排放总量(范围一及范围二)", None, "ghg_scope_1_2", ""),
        ("直接溫室氣體排放總量(範圍一)", None, "ghg_scope_1", ""),
        ("二氧化碳當量(CO2e)排放量(範疇一)", None, "ghg_scope_1", ""),
        ("Direct GHG emissions (Scope 1)", None, "ghg_scope_1", ""),
        ("Nitrogen oxides (NOx)", None, "air_emissions_nox", ""),
        # A company's own member, on the axis the table heading names.
        ("Scope 1 – Upstream", BY_BUSINESS, "ghg_scope_1", "business_segment=upstream"),
        # Upstream and downstream are the businesses of a scope 1 total, the categories of a scope 3 one.
        ("Scope 1 – Upstream", None, "ghg_scope_1", "business_segment=upstream"),
        ("Scope 1 / Downstream", None, "ghg_scope_1", "business_segment=downstream"),
        ("Scope 3 / Upstream", None, "ghg_scope_3", "scope3_category=upstream"),
        ("Scope 2 – Integrated Gas", BY_BUSINESS, "ghg_scope_2", "business_segment=integrated_gas"),
    ],
)
def test_labels_are_read_as_a_metric_and_members(vocabulary, label, heading, metric, members):
    recognition = vocabulary.recognise(label, heading)
    assert (recognition.metric_code, recognition.members_key, recognition.confidence) == (metric, members, 1.0)


@pytest.mark.parametrize(
    ("label", "unit", "metric"),
    [
        # "<metric> per <denominator>": the intensity of that numerator over that denominator.
        ("Hazardous waste generated per head", "t/person", "hazardous_waste_per_capita"),
        ("Packaging materials used per RMB million revenue", "t/¤ m", "packaging_per_revenue"),
        ("Packaging intensity (per revenue)", "t/¤ m", "packaging_per_revenue"),
        # The segment a word names may be the intensity's own, or its denominator's.
        ("Energy use per employee (offices)", "MWh/person", "energy_per_capita_offices"),
        (
            "Energy consumption per square metre of floor area in retail stores",
            "MWh/m2",
            "energy_intensity_store_floor_area",
        ),
        ("人均有害廢棄物產生量", "t/person", "hazardous_waste_per_capita"),
    ],
)
def test_intensities_are_read_from_their_numerator_and_denominator(vocabulary, label, unit, metric):
    recognition = vocabulary.recognise(label, unit=unit)
    assert (recognition.metric_code, recognition.confidence) == (metric, 1.0)


def test_a_second_metric_beside_the_one_named_is_not_swallowed(vocabulary):
    # "retail stores" names a floor area: the label is neither a plain intensity nor per revenue.
    recognition = vocabulary.recognise("Carbon intensity of retail stores", unit="tCO2e/m2")
    assert recognition.confidence == 0.0 and "names" in recognition.note


def test_a_heading_naming_an_open_axis_makes_the_breakdown_whole(vocabulary):
    assert vocabulary.recognise("Scope 1 – Upstream", BY_BUSINESS).breakdown_axes == ("business_segment",)
    assert vocabulary.recognise("Scope 1 / Total").breakdown_axes == ()


@pytest.mark.parametrize(
    ("label", "heading", "why"),
    [
        # A word the vocabulary does not know: never read as the total it sits under.
        ("Scope 3 downstream / Investment SFS", None, "is not in the vocabulary"),
        # A company's own member without a heading naming its axis.
        ("Scope 1 – Integrated Gas", None, "is not in the vocabulary"),
        # A stop word beside a metric's term changes what the label measures.
        ("Scope 1 emissions target", None, "changes what ghg_scope_1 measures"),
        # Two metrics that are not part and whole.
        ("Recycling & Recovery rate / Hazardous waste", None, "names waste_diverted_share and hazardous_waste"),
        ("Nigeria", "Flaring", "no catalogue metric named"),
    ],
)
def test_labels_it_cannot_explain_are_proposals_with_why(vocabulary, label, heading, why):
    recognition = vocabulary.recognise(label, heading)
    assert recognition.confidence == 0.0
    assert why in recognition.note


def test_the_unit_must_fit_the_metric_read(vocabulary):
    # "Water withdrawal" printed in MWh is no water withdrawal: not read rather than failing the build.
    assert vocabulary.recognise("Water withdrawal / Total", unit="m3").confidence == 1.0
    refused = vocabulary.recognise("Water withdrawal / Total", unit="MWh")
    assert (refused.confidence, refused.note) == (0.0, "unit MWh does not fit water_withdrawal")
    # A mass printed for an emission is tonnes of CO2 equivalent (seeds/unit_conventions.csv).
    assert vocabulary.recognise("Scope 1 / Total", unit="t").confidence == 1.0


def test_members_are_keyed_sorted_by_axis():
    assert members_key({"scope3_category": "cat_1", "gas": "co2"}) == "gas=co2|scope3_category=cat_1"
    assert members_key(()) == ""


def test_a_mass_of_a_gas_other_than_co2_is_its_mass_never_its_co2_equivalent(vocabulary):
    # 91 thousand tonnes of methane are some 2.5 million tonnes CO2e: the mass is never published as CO2e.
    methane = vocabulary.recognise("Direct GHG emissions (Scope 1) / Methane (CH4)", unit="t")
    assert (methane.metric_code, methane.members, methane.confidence) == (
        "ghg_scope_1_gas_mass",
        (("gas", "ch4"),),
        1.0,
    )
    assert methane.note.startswith("ghg_scope_1_gas_mass (a mass of ch4 in t, not its CO2 equivalent)")
    in_co2e = vocabulary.recognise("Direct GHG emissions (Scope 1) / Methane (CH4)", unit="tCO2e")
    assert (in_co2e.metric_code, in_co2e.members, in_co2e.confidence) == ("ghg_scope_1", (("gas", "ch4"),), 1.0)
    carbon_dioxide = vocabulary.recognise("Direct GHG emissions (Scope 1) / Carbon dioxide (CO2)", unit="t")
    assert (carbon_dioxide.metric_code, carbon_dioxide.members) == ("ghg_scope_1", (("gas", "co2"),))
    # Scope 2 has no mass of gases in the catalogue: the mass stays unmapped, with why.
    scope_2 = vocabulary.recognise("Scope 2 / Methane", unit="t")
    assert (scope_2.confidence, scope_2.note) == (0.0, "a mass of ch4 in t is not its CO2 equivalent (tCO2e)")


@pytest.mark.parametrize(
    ("label", "heading", "unit", "metric", "members"),
    [
        ("Flaring (upstream)", None, "tCO2e", "ghg_scope_1", "business_segment=upstream|emission_source=flaring"),
        (
            "Stationary combustion",
            "Scope 1 emissions by source",
            "tCO2e",
            "ghg_scope_1",
            "emission_source=stationary_combustion",
        ),
        ("Electricity", "Energy consumption", "MWh", "energy_total", "energy_carrier=electricity"),
    ],
)
def test_a_label_of_members_only_is_the_one_metric_its_members_and_unit_fit(
    vocabulary, label, heading, unit, metric, members
):
    recognition = vocabulary.recognise(label, heading, unit=unit)
    assert (recognition.metric_code, recognition.members_key, recognition.confidence) == (metric, members, 1.0)
    assert recognition.note.startswith(f"{metric} deduced from its members and unit {unit}")


@pytest.mark.parametrize(
    ("label", "heading", "unit"),
    [
        ("Flaring (upstream)", None, "t"),  # scope 1 in t, a gas mass or an air pollutant by source
        ("Natural gas", None, "MWh"),  # total, direct or indirect energy
        ("Upstream", None, "tCO2e"),  # a business of scope 1 or 2, or the scope 3 categories
        ("Stationary combustion", "Scope 3 emissions", "tCO2e"),  # the heading names another metric
        ("Stationary combustion", None, None),
    ],
)
def test_a_label_of_members_only_that_fits_several_metrics_is_not_read(vocabulary, label, heading, unit):
    recognition = vocabulary.recognise(label, heading, unit=unit)
    assert (recognition.metric_code, recognition.confidence, recognition.note) == (
        None,
        0.0,
        "no catalogue metric named",
    )


@pytest.mark.parametrize(
    ("label", "company", "metric", "members"),
    [
        (
            "Siemens fleet (owned or leased vehicles) / Fleet emissions",
            "Siemens AG",
            "ghg_scope_1",
            "emission_source=mobile_combustion",
        ),
        ("Shell's Scope 1 emissions", "Royal Dutch Shell plc", "ghg_scope_1", ""),
        ("小米集團溫室氣體排放總量(範圍一)", "小米集團", "ghg_scope_1", ""),
    ],
)
def test_the_company_naming_itself_in_a_label_is_not_an_unknown_word(vocabulary, label, company, metric, members):
    recognition = vocabulary.recognise(label, unit="tCO2e", company=company)
    assert (recognition.metric_code, recognition.members_key, recognition.confidence) == (metric, members, 1.0)
    assert vocabulary.recognise(label, unit="tCO2e").confidence == 0.0  # another company's name is not filler


def test_a_company_named_like_a_metric_does_not_hide_that_metric(vocabulary):
    assert vocabulary.recognise("Energy consumption", unit="MWh", company="Energy Co").metric_code == "energy_total"


@pytest.mark.parametrize(
    ("label", "unit", "metric"),
    [
        # A section's last row names the whole its section is part of.
        ("Scope 2 emissions (indirect) / Scope 1 and 2 total", "tCO2e", "ghg_scope_1_2"),
        ("Scope 3 / Totala utsläpp scope 1-3", "tCO2e", "ghg_scope_1_2_3"),
        # A unit per something makes the metric named its intensity.
        ("Scope 1 and 2 emissions", "t/¤ m", "ghg_scope_1_2_intensity_revenue"),
        (
            "Scope 1-2 / Klimatpåverkan per anställd inklusive icke anställda medarbetare",
            "t/person",
            "ghg_scope_1_2_intensity_headcount",
        ),
    ],
)
def test_a_whole_under_its_part_and_an_intensity_by_its_unit_are_read(vocabulary, label, unit, metric):
    recognition = vocabulary.recognise(label, unit=unit)
    assert (recognition.metric_code, recognition.confidence) == (metric, 1.0)


def test_a_whole_under_an_unrelated_metric_is_still_two_things(vocabulary):
    recognition = vocabulary.recognise("Water withdrawal / Scope 1 and 2 total", unit="tCO2e")
    assert recognition.confidence == 0.0 and "names water_withdrawal and ghg_scope_1_2" in recognition.note
