"""Units as printed, normalised with pint to one unit per kind of quantity.

A printed unit such as `1,000 metric tons of CO2e emissions`, `千公噸`, `'000 kWh`,
`metric tons of CO2e emissions per Mio. € revenue` or `噸/百萬元` is read into a pint quantity and
expressed in the warehouse's unit for its dimension: tCO2e, t, MWh, m3, m2, km, person, count, %,
or millions of its currency (`CNY m`). The result carries the multiplier from the printed unit, so
value in normalised unit = printed value x multiplier. Which normalised unit fits which metric is
the catalogue's business (dbt); this module only says what a printed unit is.

Reports print metric tonnes: `ton`, `tons` and `噸` are read as tonnes (1,000 kg), not short tons.
Case matters only where reports rely on it: `Mt` is megatonnes and `ML` megalitres, while `MT`,
`mt`, `ml` and `mL` are ambiguous and refused. What is measured (`litres of diesel`, `km travelled`)
qualifies the unit and never makes it an emission; whether a mass printed for an emission is CO2e
is a convention by metric quantity (seeds/unit_conventions.csv), not this module's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, getcontext
from fractions import Fraction
from functools import lru_cache

import opencc
import pint

getcontext().prec = 34

# Exact fractions: GJ to MWh is 5/18, which no decimal holds; stored as a multiplier and a divisor.
_REGISTRY = pint.UnitRegistry(non_int_type=Fraction, autoconvert_offset_to_baseunit=False)
for _definition in (
    "gram_co2e = [co2e] = gCO2e",
    "kgCO2e = 1000 * gram_co2e",
    "tCO2e = 1000000 * gram_co2e",
    "ktCO2e = 1000 * tCO2e",
    "MtCO2e = 1000000 * tCO2e",
    "person = [person]",
    "workday = [workday]",  # lost days are counted in days, not a duration in hours
    "frequency_rate = [frequency_rate]",  # an injury or fatality rate per the hours its metric names
    "counted_item = [count]",  # pint's own `count` is dimensionless
):
    _REGISTRY.define(_definition)

CURRENCIES = ("CNY", "EUR", "USD", "HKD", "GBP", "JPY", "INR", "TWD", "KRW", "SGD", "CHF", "SEK", "NOK", "DKK")
for _code in CURRENCIES:
    _REGISTRY.define(f"{_code} = [currency_{_code.lower()}]")
GENERIC_CURRENCY = "¤"

# The unit every dimension is stored in, with its display name.
_PREFERRED: tuple[tuple[str, str], ...] = (
    ("tCO2e", "tCO2e"),
    ("tonne", "t"),
    ("megawatt_hour", "MWh"),
    ("meter ** 3", "m3"),
    ("meter ** 2", "m2"),
    ("kilometer", "km"),  # distance travelled: activity data, never an emission
    ("person", "person"),
    ("counted_item", "count"),
    ("hour", "h"),
    ("workday", "day"),
    ("frequency_rate", "rate"),
    *((f"1000000 * {code}", f"{code} m") for code in CURRENCIES),
)

# Words for units, after NFKC, simplified Chinese and lower case; longest first when matched.
_UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["t", "tonne", "tonnes", "ton", "tons", "metric ton", "metric tons", "metric tonne", "metric tonnes"],
        "tonne",
    ),
    **dict.fromkeys(["吨", "公吨"], "tonne"),
    **dict.fromkeys(["kt", "kilotonne", "kilotonnes"], "kilotonne"),
    **dict.fromkeys(["megatonne", "megatonnes"], "megatonne"),  # `Mt`, read before lower case
    **dict.fromkeys(["kg", "kilogram", "kilograms", "千克", "公斤"], "kilogram"),
    **dict.fromkeys(["g", "gram", "grams", "克"], "gram"),
    **dict.fromkeys(["wh"], "watt_hour"),
    **dict.fromkeys(["kwh", "kilowatt hour", "kilowatt hours", "kilowatt-hours", "千瓦时", "度"], "kilowatt_hour"),
    **dict.fromkeys(["mwh", "megawatt hour", "megawatt hours", "megawatt-hours", "兆瓦时"], "megawatt_hour"),
    **dict.fromkeys(["gwh", "gigawatt hour", "gigawatt hours", "吉瓦时"], "gigawatt_hour"),
    **dict.fromkeys(["twh", "terawatt hour", "terawatt hours"], "terawatt_hour"),
    **dict.fromkeys(["mj", "megajoule", "megajoules", "兆焦"], "megajoule"),
    **dict.fromkeys(["gj", "gigajoule", "gigajoules", "吉焦"], "gigajoule"),
    **dict.fromkeys(["tj", "terajoule", "terajoules", "太焦"], "terajoule"),
    **dict.fromkeys(["pj", "petajoule", "petajoules"], "petajoule"),
    **dict.fromkeys(
        ["m3", "m^3", "cubic meter", "cubic meters", "cubic metre", "cubic metres", "cbm", "立方米"], "meter ** 3"
    ),
    **dict.fromkeys(["megalitre", "megalitres", "megaliter", "megaliters"], "megaliter"),  # and `ML`, before lower case
    **dict.fromkeys(["kl", "kilolitre", "kilolitres", "kiloliter", "kiloliters"], "kiloliter"),
    **dict.fromkeys(["l", "litre", "litres", "liter", "liters", "升"], "liter"),
    **dict.fromkeys(
        ["m2", "m^2", "sqm", "sq m", "square meter", "square meters", "square metre", "square metres", "平方米"],
        "meter ** 2",
    ),
    **dict.fromkeys(["km", "kilometre", "kilometres", "kilometer", "kilometers", "公里", "千米"], "kilometer"),
    **dict.fromkeys(
        ["person", "persons", "people", "employee", "employees", "head", "headcount", "fte", "人", "名", "员工"],
        "person",
    ),
    **dict.fromkeys(
        ["no.", "no", "number", "count", "unit", "units", "pcs", "个", "件", "台", "家", "次"], "counted_item"
    ),
    **dict.fromkeys(["%", "percent", "per cent", "百分比"], "percent"),
    **dict.fromkeys(["h", "hr", "hrs", "hour", "hours", "小时", "小時", "工时", "工時"], "hour"),
    **dict.fromkeys(["day", "days", "天", "日", "工作日"], "workday"),
    **dict.fromkeys(["rate"], "frequency_rate"),
    **dict.fromkeys(["cny", "rmb", "yuan", "元", "人民币", "人民币元"], "CNY"),
    **dict.fromkeys(["eur", "€", "euro", "euros"], "EUR"),
    **dict.fromkeys(["usd", "us$", "$", "us dollar", "us dollars", "us-dollar", "dollar", "dollars", "美元"], "USD"),
    **dict.fromkeys(["inr", "rupee", "rupees", "rs", "rs.", "₹", "卢比", "印度卢比"], "INR"),
    **dict.fromkeys(["hkd", "hk$", "港元", "港币"], "HKD"),
    **dict.fromkeys(["gbp", "£"], "GBP"),
    **dict.fromkeys(["jpy", "円", "日元"], "JPY"),
    **dict.fromkeys(["twd", "ntd", "nt$", "新台币"], "TWD"),
    **dict.fromkeys(["krw", "₩", "won", "韩元"], "KRW"),
    **dict.fromkeys(["sgd", "s$", "新加坡元"], "SGD"),
    **dict.fromkeys(["chf"], "CHF"),
    # `kr` alone is Swedish, Norwegian or Danish crowns: only the codes say which.
    **dict.fromkeys(["sek", "kronor", "swedish krona", "swedish kronor"], "SEK"),
    **dict.fromkeys(["nok"], "NOK"),
    **dict.fromkeys(["dkk"], "DKK"),
}
_UNIT_PATTERN = "|".join(re.escape(word) for word in sorted(_UNIT_WORDS, key=len, reverse=True))
_UNIT_PREFIX = re.compile("^(?:" + "|".join(re.escape(w) for w in _UNIT_WORDS if not w.isascii()) + ")")

# Scale words and figures that multiply the unit ("1,000 metric tons", "'000 kWh", "千公噸", "百萬元").
_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(1000),
    "thousands": Decimal(1000),
    "million": Decimal(10**6),
    "millions": Decimal(10**6),
    "mio.": Decimal(10**6),
    "mio": Decimal(10**6),
    "mn": Decimal(10**6),
    "mm": Decimal(10**6),
    "billion": Decimal(10**9),
    "billions": Decimal(10**9),
    "bn": Decimal(10**9),
    "千": Decimal(1000),
    "万": Decimal(10**4),
    "百万": Decimal(10**6),
    "千万": Decimal(10**7),
    "亿": Decimal(10**8),
}
_SCALE_FIGURE = re.compile(r"^(?:'000s?|000s|1[,.]?000(?:[,.]000)*)\s*")
_SCALE_WORD = re.compile("^(" + "|".join(re.escape(w) for w in sorted(_SCALES, key=len, reverse=True)) + r")\s*")
_SCALE_ANYWHERE = re.compile(r"\b(thousands?|millions?|billions?|mio\.?|mn|bn)(?=\s|$)")
_SCALE_FIGURE_ANYWHERE = re.compile(r"'000s?(?!\d)|(?<![\d,.])\b000s\b")  # "HK$'000", "kWh in '000s"
# Units that are themselves CO2 equivalents, and mentions that make a mass a mass of CO2 equivalent.
# `Mt` is read as `megatonne` before lower case, so a lower-case `mtco2e` is never megatonnes here.
_CO2E_UNIT = re.compile(r"(?:^|\s)(?P<unit>kg|kt|t|g)\s?co2[\s-]?e(?:q|kv)?\b")
_CO2E_UNITS = {"t": "tCO2e", "kt": "ktCO2e", "g": "gCO2e", "kg": "kgCO2e"}
_CO2E = re.compile(
    r"\bco2[\s-]*e(?:q|quivalents?|kv|kvivalenter)?\b|\bco2[\s-]+equivalents?\b|carbon dioxide equivalents?|"
    r"koldioxidekvivalenter|二氧化碳当量"
)
# Words that qualify what is measured, not the unit.
_NOISE = re.compile(
    r"\b(?:of|in|the|emissions?|production|produced|revenue|sales|turnover|flared|hydrocarbon|total|weighted|"
    r"so2|no2|nox|sox|co2|ch4|n2o|rounded|approx\.?)\b|\((?:rounded|approx\.?)\)|营业收入|收入|排放量?"
)
# What activity data measures (`litres of diesel`, `km travelled`, `kWh of electricity`): it qualifies
# the unit, it does not change it, and it never makes a mass an emission.
_ACTIVITY = re.compile(
    r"\b(?:diesel|petrol|gasoline|coal|natural gas|lpg|lng|fuel oil|fuels?|kerosene|jet fuel|electricity|steam|"
    r"water|travell?ed|driven|flown)\b|柴油|汽油|天然气|电力|用电|电|蒸汽|用水|水|煤"
)
# Units refused with a reason: ambiguous as printed, or without a canonical unit to be stored in.
_REFUSED: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?<![a-z])mt(?=co2|[^a-z]|$)"),
        "mt is ambiguous (megatonnes or metric tons): Mt is megatonnes, MT or t metric tons",
    ),
    (re.compile(r"(?<![a-z])ml(?![a-z])"), "ml and mL are millilitres or a lower-cased ML (megalitres)"),
    (
        re.compile(r"(?<![a-z])(?:k|m|mm)?(?:tce|toe|boe)(?![a-z])|\b(?:coal|oil) equivalents?\b|标准?煤"),
        "coal and oil equivalents are energy by a conversion convention the warehouse does not assume",
    ),
    (
        re.compile(r"(?:/|\bper|每)\s*(?:metric\s+)?(?:t|tonnes?|tons?|吨|公吨)\s*(?:of\s+)?(?:products?\b|产品)"),
        "an intensity per tonne of product has no canonical unit (production intensities are per unit, /count)",
    ),
)
_PER = re.compile(r"\s*[/╱∕⁄]\s*(?:每\s*)?|\s+per\s+|每")


_STORED_FRACTION = Fraction(1, 10**12)


class UnitError(ValueError):
    """A printed unit this warehouse cannot read."""


@dataclass(frozen=True)
class NormalizedUnit:
    unit: str  # "tCO2e", "t/CNY m"
    generic: str  # the same with any currency written as ¤: "t/¤ m"
    currency: str | None
    multiplier: Decimal  # value in `unit` = printed value x multiplier / divisor
    divisor: Decimal = Decimal(1)  # 1 unless the conversion has no exact decimal of 12 places (GJ -> MWh: 5 / 18)


_TO_SIMPLIFIED = opencc.OpenCC("t2s")
# "EUR m" as the warehouse writes it, and "HK$m", "US$ m", "€m": an m after a currency is millions.
_CURRENCY_MILLIONS = re.compile(
    r"(?<![a-z])("
    + "|".join(
        re.escape(word)
        for word in sorted(_UNIT_WORDS, key=len, reverse=True)
        if _UNIT_WORDS[word] in CURRENCIES and not re.search(r"[\u3400-\u9fff]", word)  # 百萬元 is read as scale
    )
    + r")\s?m(?![a-z0-9])"
)
# Prefixes whose case carries the meaning, read before lower case: `Mt` megatonnes, `ML` megalitres.
_CASED_WORDS = (
    (re.compile(r"(?<![A-Za-z])Mt(?![a-z])"), " megatonne "),
    # Reports in capitals write metric tons MT ("MT CO2e", "MTCO2e"); megatonnes are Mt.
    (re.compile(r"(?<![A-Za-z])MT(?=CO2|[^A-Za-z]|$)"), " tonne "),
    (re.compile(r"(?<![A-Za-z])M[Ll](?![A-Za-z])"), " megalitre "),
)
_APOSTROPHES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "`": "'"})  # HK$’000
# PDFs print subscripts and superscripts as words of their own: "tCO 2 e", "m 3".
_SPLIT_CO2 = re.compile(r"co\s+2(?!\d)")
_SPLIT_POWER = re.compile(r"(?<![a-z])(k?m)\s([23])(?![\d.,])")
# 新台幣千元, 人民幣萬元: the currency, its scale, then 元 (the currency's unit, not yuan).
_CJK_CURRENCY_SCALE = re.compile(r"(人民币|港币|新台币)(千|万|百万|千万|亿)?元")
_GLUED_CO2 = re.compile(r"(?<=[a-z])(?=co2)")  # "tonco2": the unit, then what it is of
# Millions and thousands written as a prefix of a currency code: MSEK, mEUR, kUSD, TSEK.
_PREFIXED_CURRENCY = re.compile(r"(?<![a-z])([mkt])(" + "|".join(c.lower() for c in CURRENCIES) + r")(?![a-z])")


def _canonical_text(printed: str) -> str:
    text = unicodedata.normalize("NFKC", printed).translate(_APOSTROPHES)
    for pattern, word in _CASED_WORDS:
        text = pattern.sub(word, text)
    text = _TO_SIMPLIFIED.convert(text).strip().lower()
    text = text.replace("³", "3").replace("²", "2")
    text = _GLUED_CO2.sub(" ", _SPLIT_POWER.sub(r"\1\2", _SPLIT_CO2.sub("co2", text)))
    text = _PREFIXED_CURRENCY.sub(lambda m: ("million " if m[1] == "m" else "thousand ") + m[2], text)
    text = _CURRENCY_MILLIONS.sub(r"million \1", text)
    text = _CJK_CURRENCY_SCALE.sub(r"\2\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _side(text: str, printed: str) -> pint.Quantity:
    """One side of a unit (no division) as a pint quantity whose magnitude is the printed scale."""
    scale = Decimal(1)
    while True:
        text = text.strip()
        if _UNIT_PREFIX.match(text):  # 千瓦时 is kWh, not a thousand 瓦时
            break
        if figure := _SCALE_FIGURE.match(text):
            digits = re.sub(r"\D", "", figure.group())
            scale *= Decimal(1000) if digits == "000" else Decimal(digits)  # '000 and 000s mean thousands
            text = text[figure.end() :]
        elif word := _SCALE_WORD.match(text):
            scale *= _SCALES[word.group(1)]
            text = text[word.end() :]
        else:
            break
    for word in _SCALE_ANYWHERE.findall(text):  # "RMB billion", "EUR million"
        scale *= _SCALES[word]
    text = _SCALE_ANYWHERE.sub(" ", text)
    for _figure in _SCALE_FIGURE_ANYWHERE.findall(text):  # "HK$'000", "kWh in '000s"
        scale *= Decimal(1000)
    text = _ACTIVITY.sub(" ", _SCALE_FIGURE_ANYWHERE.sub(" ", text))
    if explicit := _CO2E_UNIT.search(text):  # "tCO2e", "Mt CO2e": the unit names the CO2 equivalent itself
        words = _NOISE.sub(" ", text[: explicit.start()] + text[explicit.end() :]).split()
        if words:
            raise UnitError(f"unknown unit {printed.strip()!r}")
        return _REGISTRY.Quantity(Fraction(scale), _CO2E_UNITS[explicit.group("unit")])
    is_co2e = bool(_CO2E.search(text))
    text = _CO2E.sub(" ", text)
    if text.startswith("%") or text.startswith("percent"):  # "% of total fleet": the rest says of what
        text = "%"
    text = _NOISE.sub(" ", text)
    words = [w for w in re.findall(_UNIT_PATTERN + r"|\S+", text) if w.strip(" .,:;()-")]
    units = [_UNIT_WORDS[w] for w in words if w in _UNIT_WORDS]
    if len(units) != 1 or len(words) != 1:
        raise UnitError(f"unknown unit {printed.strip()!r}")
    quantity = _REGISTRY.Quantity(Fraction(scale), units[0])
    if is_co2e and not quantity.check("[mass]"):  # "litres of diesel CO2e": what is the emission?
        raise UnitError(f"unknown unit {printed.strip()!r}: only a mass can be a CO2 equivalent")
    if is_co2e:
        quantity = _REGISTRY.Quantity(quantity.to("tonne").magnitude, "tCO2e")
    return quantity


def _preferred(quantity: pint.Quantity, printed: str) -> tuple[str, str | None, Fraction]:
    for target, name in _PREFERRED:
        target_quantity = _REGISTRY.Quantity(1, target) if "*" not in target else _REGISTRY(target)
        if quantity.dimensionality == target_quantity.dimensionality:
            multiplier = (quantity / target_quantity).to("dimensionless").magnitude
            currency = name.split()[0] if name.split()[0] in CURRENCIES else None
            return name, currency, Fraction(multiplier)
    if quantity.dimensionless:
        return "%", None, Fraction(quantity.to("percent").magnitude)
    raise UnitError(f"unit {printed.strip()!r} is not a kind of quantity the warehouse stores")


@lru_cache(maxsize=4096)
def normalize_unit(printed: str, magnitude: str | None = None) -> NormalizedUnit:
    """Read a printed unit (and a CJK magnitude printed on the number, such as 萬) into its normal form."""
    text = _canonical_text(printed)
    if magnitude:
        text = f"{_canonical_text(magnitude)} {text}".strip()
    if not text:
        raise UnitError("no unit")
    for pattern, reason in _REFUSED:
        if pattern.search(text):
            raise UnitError(f"unknown unit {printed.strip()!r}: {reason}")
    if re.match(r"^(?:%|percent\b|per cent\b)", text):  # "% of total waste (w/o construction)": of what
        return NormalizedUnit(unit="%", generic="%", currency=None, multiplier=Decimal(1))
    sides = _PER.split(text, maxsplit=1)
    try:
        numerator = _side(sides[0], printed)
        name, currency, multiplier = _preferred(numerator, printed)
        if len(sides) == 2:
            den_name, den_currency, den_multiplier = _preferred(_side(sides[1], printed), printed)
            name, currency, multiplier = f"{name}/{den_name}", currency or den_currency, multiplier / den_multiplier
    except pint.PintError as error:
        raise UnitError(f"unknown unit {printed.strip()!r} ({error})") from None
    generic = name.replace(currency, GENERIC_CURRENCY) if currency else name
    stored, divisor = _stored(multiplier)
    return NormalizedUnit(unit=name, generic=generic, currency=currency, multiplier=stored, divisor=divisor)


def _stored(multiplier: Fraction) -> tuple[Decimal, Decimal]:
    """A multiplier as DECIMAL(38, 12) columns, exactly: a decimal where it has one of 12 places (kWh -> MWh is
    0.001), else its numerator and denominator (GJ -> MWh is 5 / 18), so no conversion adds rounding."""
    if (multiplier / _STORED_FRACTION).denominator == 1:
        return Decimal(multiplier.numerator) / Decimal(multiplier.denominator), Decimal(1)
    return Decimal(multiplier.numerator), Decimal(multiplier.denominator)
