import csv

import pytest

from loaders.labels import label_key, split_unit
from loaders.pipeline import read_document

from .helpers import REPORT, ROOT


@pytest.mark.parametrize(
    ("label", "text", "unit"),
    [
        ("直接溫室氣體排放總量(範圍一)(噸)", "直接溫室氣體排放總量(範圍一)", "噸"),
        ("辦公區域每平方米樓面溫室氣體排放量(噸/平方米)", "辦公區域每平方米樓面溫室氣體排放量", "噸/平方米"),
        ("用水總量（噸）", "用水總量", "噸"),  # full-width parentheses
        ("Total water withdrawn (m3) ", "Total water withdrawn", "m3"),
        ("溫室氣體排放總量", "溫室氣體排放總量", None),
    ],
)
def test_unit_is_the_trailing_parenthesised_group(label, text, unit):
    split = split_unit(label)
    assert (split.text, split.unit) == (text, unit)


def test_label_key_folds_width_case_and_spaces():
    assert label_key("直接溫室氣體排放總量（範圍一）") == "直接溫室氣體排放總量(範圍一)"
    assert label_key("  Total   GHG  Emissions ") == "total ghg emissions"


def test_alias_seed_is_stored_in_label_key_form():
    with (ROOT / "seeds" / "label_aliases.csv").open(encoding="utf-8") as handle:
        keys = [row["label_key"] for row in csv.DictReader(handle)]
    assert keys
    assert [key for key in keys if key != label_key(key)] == []


def test_every_label_of_the_bundled_report_has_an_alias(known_units):
    with (ROOT / "seeds" / "label_aliases.csv").open(encoding="utf-8") as handle:
        aliases = {row["label_key"] for row in csv.DictReader(handle)}
    document = read_document(REPORT, known_units)
    unmapped = [value.label_as_printed for value in document.extraction.values if value.label_key not in aliases]
    assert unmapped == []
