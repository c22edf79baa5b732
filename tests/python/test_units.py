import csv
from decimal import Decimal

import pytest

from loaders.units import UnitError, normalize_unit

from .helpers import ROOT

MWH_PER_GJ = Decimal("0.277777777778")


@pytest.mark.parametrize(
    ("printed", "unit", "multiplier"),
    [
        # Xiaomi 2019 (Traditional Chinese) and its Simplified re-typing
        ("噸", "t", 1),
        ("吨", "t", 1),
        ("兆瓦時", "MWh", 1),
        ("噸/平方米", "t/m2", 1),
        ("兆瓦時/人", "MWh/person", 1),
        ("噸/百萬元", "t/CNY m", 1),
        ("千公噸", "t", 1000),
        ("千瓦時", "MWh", Decimal("0.001")),
        ("萬元", "CNY m", Decimal("0.01")),
        # Siemens FY2023 unit column
        ("1,000 metric tons of CO2e emissions", "tCO2e", 1000),
        ("metric tons of CO2e emissions per Mio. € revenue", "tCO2e/EUR m", 1),
        ("1,000 gigajoule", "MWh", 1000 * MWH_PER_GJ),
        ("1,000 gigajoule per Mio. € revenue", "MWh/EUR m", 1000 * MWH_PER_GJ),
        ("Million cubic meter", "m3", 10**6),
        ("Cubic meter per Mio. € revenue", "m3/EUR m", 1),
        ("1,000 tons", "t", 1000),
        ("Mt CO2e", "tCO2e", 10**6),
        ("% of total fleet", "%", 1),
        ("No. (rounded)", "count", 1),
        # Shell 2019 labels
        ("million tonnes CO2 equivalent", "tCO2e", 10**6),
        ("thousand tonnes", "t", 1000),
        ("gCO2e/MJ", "tCO2e/MWh", Decimal("0.0036")),
        ("gigajoules per tonne production", "MWh/t", MWH_PER_GJ),
        # Other common forms
        ("'000 kWh", "MWh", 1),
        ("tCO2e", "tCO2e", 1),
        ("tCO₂e", "tCO2e", 1),
        ("m³", "m3", 1),
        ("GJ", "MWh", MWH_PER_GJ),
        ("TJ", "MWh", 1000 * MWH_PER_GJ),
        ("kt", "t", 1000),
        ("RMB billion", "CNY m", 1000),
    ],
)
def test_printed_units_normalise_with_their_scale(printed, unit, multiplier):
    normal = normalize_unit(printed)
    assert normal.unit == unit
    assert normal.multiplier == pytest.approx(Decimal(multiplier), rel=Decimal("1e-11"))


def test_currency_is_kept_apart_for_the_catalogue():
    normal = normalize_unit("噸/百萬元")
    assert (normal.generic, normal.currency) == ("t/¤ m", "CNY")
    assert normalize_unit("metric tons of CO2e emissions per Mio. € revenue").generic == "tCO2e/¤ m"


def test_a_cjk_magnitude_printed_on_the_number_scales_the_unit():
    assert normalize_unit("人民幣", magnitude="萬").multiplier == Decimal("0.01")  # 2,200萬人民幣 in CNY m


@pytest.mark.parametrize("printed", ["公擔", "範圍一", "CO2e", "bananas", "tonnes per bananas"])
def test_unknown_units_are_errors(printed):
    with pytest.raises(UnitError, match="unknown unit"):
        normalize_unit(printed)


def test_every_catalogue_unit_is_a_normal_form_the_loaders_produce():
    with (ROOT / "seeds" / "kpi_catalogue.csv").open(encoding="utf-8") as handle:
        units = {row["canonical_unit"] for row in csv.DictReader(handle)}
    for unit in units:
        printed = unit.replace("¤", "CNY")
        assert normalize_unit(printed).generic == unit, unit
