import csv
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from loaders.units import UnitError, normalize_unit

from .helpers import ROOT

MWH_PER_GJ = Fraction(5, 18)


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
    assert exact(normal) == Fraction(multiplier)


def exact(normal) -> Fraction:
    """The conversion a normalised unit stores, as the exact fraction it is."""
    return Fraction(normal.multiplier) / Fraction(normal.divisor)


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


# Units as reports print them: printed unit -> normalised unit and its exact conversion.
REPORTED_UNITS = [
    # masses
    ("kg", "t", "0.001"),
    ("g", "t", "0.000001"),
    ("t", "t", "1"),
    ("kt", "t", "1000"),
    ("Mt", "t", "1000000"),
    ("MT", "t", "1"),  # reports in capitals write metric tons MT; megatonnes are Mt
    ("MTCO2e", "tCO2e", "1"),
    ("'000 tonnes", "t", "1000"),
    ("'000 t", "t", "1000"),
    ("thousand tonnes", "t", "1000"),
    ("million tonnes", "t", "1000000"),
    ("千公噸", "t", "1000"),
    ("萬噸", "t", "10000"),
    ("公斤", "t", "0.001"),
    ("千克", "t", "0.001"),
    # emissions
    ("tCO2e", "tCO2e", "1"),
    ("ktCO2e", "tCO2e", "1000"),
    ("MtCO2e", "tCO2e", "1000000"),
    ("tCO 2 e", "tCO2e", "1"),  # PDFs split subscripts with spaces
    ("t CO 2 e", "tCO2e", "1"),
    ("Mt CO 2 e", "tCO2e", "1000000"),
    ("tCO₂e", "tCO2e", "1"),
    ("tonnes CO2-eq", "tCO2e", "1"),
    ("kg CO2e", "tCO2e", "0.001"),
    ("kgCO2e", "tCO2e", "0.001"),
    ("噸二氧化碳當量", "tCO2e", "1"),
    ("公噸二氧化碳當量", "tCO2e", "1"),
    ("千公噸二氧化碳當量", "tCO2e", "1000"),
    # volumes
    ("litres", "m3", "0.001"),
    ("liters", "m3", "0.001"),
    ("L", "m3", "0.001"),
    ("ML", "m3", "1000"),  # megalitres
    ("Ml", "m3", "1000"),
    ("kL", "m3", "1"),
    ("'000 m³", "m3", "1000"),
    ("thousand m3", "m3", "1000"),
    ("million m³", "m3", "1000000"),
    ("m 3", "m3", "1"),  # a superscript split off by a PDF
    ("立方米", "m3", "1"),
    ("萬立方米", "m3", "10000"),
    ("千立方米", "m3", "1000"),
    ("噸", "t", "1"),  # water in tonnes: m3 by seeds/unit_conventions.csv, not here
    # energy
    ("kWh", "MWh", "0.001"),
    ("MWh", "MWh", "1"),
    ("GWh", "MWh", "1000"),
    ("TWh", "MWh", "1000000"),
    ("kWh in '000s", "MWh", "1"),
    ("'000 kWh", "MWh", "1"),
    ("thousand kWh", "MWh", "1"),
    ("GJ", "MWh", "5/18"),
    ("TJ", "MWh", "2500/9"),
    ("PJ", "MWh", "2500000/9"),
    ("MJ", "MWh", "1/3600"),
    ("千瓦時", "MWh", "0.001"),
    ("兆瓦時", "MWh", "1"),
    ("百萬千瓦時", "MWh", "1000"),
    ("吉焦", "MWh", "5/18"),
    # distance
    ("km", "km", "1"),
    ("kilometres", "km", "1"),
    ("公里", "km", "1"),
    # activity data stays what it is, never an emission
    ("litres of diesel", "m3", "0.001"),
    ("tonnes of coal", "t", "1"),
    ("km travelled", "km", "1"),
    ("kWh of electricity", "MWh", "0.001"),
    ("m3 of natural gas", "m3", "1"),
    ("GJ of natural gas", "MWh", "5/18"),
    ("度電", "MWh", "0.001"),
    # intensities
    ("gCO2e/MJ", "tCO2e/MWh", "0.0036"),
    ("tCO2e per employee", "tCO2e/person", "1"),
    ("tCO2e/employee", "tCO2e/person", "1"),
    ("tCO2e/FTE", "tCO2e/person", "1"),
    ("kg CO2e per m²", "tCO2e/m2", "0.001"),
    ("kg CO 2 e per m 2", "tCO2e/m2", "0.001"),
    ("MWh per m2", "MWh/m2", "1"),
    ("tonnes per HK$ million", "t/HKD m", "1"),
    ("tCO2e/HK$m", "tCO2e/HKD m", "1"),
    ("噸/百萬港元", "t/HKD m", "1"),
    ("tCO2e per unit produced", "tCO2e/count", "1"),
    ("tonnes per unit of production", "t/count", "1"),
    ("MWh per unit produced", "MWh/count", "1"),
    ("m3 per unit of production", "m3/count", "1"),
    ("tCO2e/RMB'000", "tCO2e/CNY m", "1000"),
    ("%", "%", "1"),
    # separators
    ("tCO2e／HK$m", "tCO2e/HKD m", "1"),  # full-width solidus
    ("tCO2e╱HK$m", "tCO2e/HKD m", "1"),  # box-drawing diagonal
    ("tCO2e per HK$m", "tCO2e/HKD m", "1"),
    ("噸每百萬港元", "t/HKD m", "1"),
    ("噸/每百萬港元", "t/HKD m", "1"),
    # currencies, with scale words and figures
    ("HK$", "HKD m", "0.000001"),
    ("HKD", "HKD m", "0.000001"),
    ("港元", "HKD m", "0.000001"),
    ("港幣", "HKD m", "0.000001"),
    ("US$", "USD m", "0.000001"),
    ("RMB", "CNY m", "0.000001"),
    ("人民幣", "CNY m", "0.000001"),
    ("元", "CNY m", "0.000001"),
    ("€", "EUR m", "0.000001"),
    ("EUR", "EUR m", "0.000001"),
    ("£", "GBP m", "0.000001"),
    ("HK$ million", "HKD m", "1"),
    ("HK$m", "HKD m", "1"),
    ("US$m", "USD m", "1"),
    ("€m", "EUR m", "1"),
    ("£m", "GBP m", "1"),
    ("HK$'000", "HKD m", "0.001"),
    ("HK$’000", "HKD m", "0.001"),  # typographic apostrophe
    ("RMB'000", "CNY m", "0.001"),
    ("百萬元", "CNY m", "1"),
    ("百萬港元", "HKD m", "1"),
    ("million RMB", "CNY m", "1"),
    # Currency codes with a scale prefix, and the currencies of Taiwanese, Korean and Nordic reports.
    ("MSEK", "SEK m", "1"),
    ("tCO2e/MSEK", "tCO2e/SEK m", "1"),
    ("kEUR", "EUR m", "0.001"),
    ("NT$ million", "TWD m", "1"),
    ("KRW billion", "KRW m", "1000"),
    ("新台幣千元", "TWD m", "0.001"),
    # CO2 equivalent as Nordic reports spell it, and glued to the mass unit.
    ("tCO 2 -ekv", "tCO2e", "1"),
    ("ton CO2-ekvivalenter", "tCO2e", "1"),
    ("tonCO2e", "tCO2e", "1"),
]


@pytest.mark.parametrize(("printed", "unit", "multiplier"), REPORTED_UNITS)
def test_units_as_reports_print_them(printed, unit, multiplier):
    normal = normalize_unit(printed)
    assert (normal.unit, exact(normal)) == (unit, Fraction(multiplier))


def test_a_conversion_no_decimal_holds_is_stored_as_its_numerator_and_denominator():
    # A decimal where one of 12 places is exact (no division in SQL), else a fraction: nothing rounded.
    assert (normalize_unit("kWh").multiplier, normalize_unit("kWh").divisor) == (Decimal("0.001"), 1)
    assert (normalize_unit("thousand GJ").multiplier, normalize_unit("thousand GJ").divisor) == (2500, 9)
    assert (normalize_unit("MJ").multiplier, normalize_unit("MJ").divisor) == (1, 3600)
    assert normalize_unit("GJ per employee").divisor == 18


@pytest.mark.parametrize(
    ("printed", "generic", "currency"),
    [
        ("tCO2e/HK$m", "tCO2e/¤ m", "HKD"),
        ("噸/百萬港元", "t/¤ m", "HKD"),
        ("tonnes per HK$ million", "t/¤ m", "HKD"),
        ("RMB'000", "¤ m", "CNY"),
    ],
)
def test_currencies_of_intensities_are_kept_apart(printed, generic, currency):
    normal = normalize_unit(printed)
    assert (normal.generic, normal.currency) == (generic, currency)


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        ("m³/tonne of product", "per tonne of product"),  # no canonical unit: production intensities are /count
        ("噸/噸產品", "per tonne of product"),
        ("mt CO2e", "ambiguous"),  # megatonnes or metric tons
        ("ml", "millilitres"),  # or a lower-cased ML
        ("mL", "millilitres"),
        ("tce", "coal and oil equivalents"),
        ("Mtoe", "coal and oil equivalents"),
        ("tonnes of coal equivalent", "coal and oil equivalents"),
        ("噸標準煤", "coal and oil equivalents"),
        ("litres of diesel CO2e", "only a mass"),
        ("tonne-km", ""),
        ("passenger km", ""),
        ("per unit of product", ""),
        ("kWh per bananas", ""),
        ("HK$ m2 bananas", ""),
        ("m", ""),
        ("MWh/", ""),
    ],
)
def test_units_it_cannot_read_are_errors_that_name_them(printed, reason):
    with pytest.raises(UnitError, match=re.escape(f"unknown unit {printed!r}")) as error:
        normalize_unit(printed)
    assert reason in str(error.value)
