import csv
import shutil

import pytest

from loaders.labels import cut_markers, label_key, split_unit
from loaders.mapping import Unmapped, accept_into_aliases
from loaders.pipeline import read_document
from loaders.rows import resolve_label

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


def test_label_key_folds_width_script_case_and_spaces():
    # Traditional and Simplified Chinese, full-width or not, meet on one key.
    assert (
        label_key("直接溫室氣體排放總量（範圍一）")
        == label_key("直接温室气体排放总量(范围一)")
        == "直接温室气体排放总量(范围一)"
    )
    assert label_key("  Total   GHG  Emissions ") == "total ghg emissions"


@pytest.mark.parametrize(
    ("label", "text", "markers"),
    [
        (
            "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]",
            "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent)",
            ("A",),
        ),
        ("Flaring (upstream) [C] [P]", "Flaring (upstream)", ("C", "P")),
        (
            "Scope 2 – Upstream [B] (million tonnes CO2 equivalent)",
            "Scope 2 – Upstream (million tonnes CO2 equivalent)",
            ("B",),
        ),
        ("用水總量²", "用水總量", ("2",)),
        ("Scope 1", "Scope 1", ()),
    ],
)
def test_footnote_markers_are_cut_from_labels_and_kept(label, text, markers):
    assert cut_markers(label) == (text, markers)


def test_an_alias_accepted_into_the_shared_seed_gets_its_key_derived(tmp_path):
    aliases = tmp_path / "label_aliases.csv"
    shutil.copy(ROOT / "seeds" / "label_aliases.csv", aliases)
    document = read_document(REPORT)
    entry = Unmapped(1, document, "溫室氣體總排放量", "line 1", None, 1, "ghg_scope_1_2", None, "accepted by hand")
    accept_into_aliases(entry, aliases)
    with aliases.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[-1] == {
        "label": "溫室氣體總排放量",
        "label_key": "温室气体总排放量",
        "metric_code": "ghg_scope_1_2",
        "members": "",
        "language": "zh-Hant",
    }


def test_every_label_of_the_bundled_report_is_read_by_the_vocabulary_or_decided_in_its_sidecar():
    document = read_document(REPORT)
    decided = {label_key(override.label) for override in document.metadata.label_overrides}
    values = document.extraction.values
    by_sidecar = [value.label_as_printed for value in values if value.label_key in decided]
    unread = [
        value.label_as_printed
        for value in values
        if value.recognition_confidence != 1 and value.label_key not in decided and not value.metric_code_given
    ]
    assert unread == []
    # Only the rows naming the company's own stores (小米之家) need a decision written down.
    assert sorted(by_sidecar) == [
        "小米之家每平方米樓面溫室氣體排放量(噸/平方米)",
        "小米之家每平方米樓面能源消耗量(兆瓦時/平方米)",
    ]


@pytest.mark.parametrize(
    ("parts", "text", "unit"),
    [
        (("Scope 1 emissions, tCO2e", "Upstream"), "Scope 1 emissions / Upstream", "tCO2e"),
        (("Scope 3 växthusgasutsläpp, MtCO2e7", "Kategori 1"), "Scope 3 växthusgasutsläpp / Kategori 1", "MtCO2e"),
        (
            ("Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent)", "Methane (CH4) (thousand tonnes)"),
            "Direct GHG emissions (Scope 1) / Methane (CH4)",
            "thousand tonnes",
        ),
        (("Utsläpp av växthusgaser(tCO 2 -ekv)",), "Utsläpp av växthusgaser", "tCO 2 -ekv"),
        (("Energy, total (MWh)",), "Energy, total", "MWh"),
        (("Scope 1, 2 and 3",), "Scope 1, 2 and 3", None),
    ],
)
def test_a_unit_is_read_from_the_row_or_the_group_row_above_it_and_cut_from_both(parts, text, unit):
    resolved = resolve_label(parts, None, None)
    assert (resolved.text, resolved.unit_printed) == (text, unit)
