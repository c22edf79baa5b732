"""The semantic layer's metrics are generated from the KPI catalogue: one per KPI, named by its code."""

from __future__ import annotations

import csv
import shutil

import yaml

from loaders import semantic

from .helpers import ROOT


def _metrics(text: str) -> dict[str, dict]:
    return {metric["name"]: metric for metric in yaml.safe_load(text)["metrics"]}


def test_every_catalogue_kpi_but_itemised_ones_has_a_metric_named_by_its_code():
    with (ROOT / semantic.CATALOGUE).open(encoding="utf-8", newline="") as handle:
        catalogue = list(csv.DictReader(handle))
    metrics = _metrics(semantic.generate(ROOT))
    for row in catalogue:
        assert (row["metric_code"] in metrics) == (row["kind"] != "item"), row["metric_code"]
    # simple metrics always pick one KPI's totals: no metric sums values of mixed units
    for metric in metrics.values():
        if metric["type"] == "simple" and metric["type_params"]["measure"].startswith(("kpi_", "intensity_")):
            assert "metric_code') }} = '" in metric["filter"] and "members') }} = ''" in metric["filter"]
    ratio = metrics["ghg_scope_1_2_intensity_revenue"]
    assert ratio["type"] == "ratio" and "USD m" in ratio["label"]
    denominator = metrics["ghg_scope_1_2_intensity_revenue_denominator"]
    assert denominator["type_params"]["measure"] == "intensity_denominator_usd_m"
    assert metrics["energy_intensity_headcount_denominator"]["type_params"]["measure"] == "intensity_denominator"
    assert metrics["energy_renewable_share"]["type_params"]["measure"] == "kpi_value_average"
    assert metrics["revenue"]["type_params"]["measure"] == "revenue_usd_m"


def test_a_kpi_added_to_the_catalogue_gets_its_metric(tmp_path):
    for folder in ("seeds", "models/marts", "models/semantic_models"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    with (tmp_path / semantic.CATALOGUE).open("a", encoding="utf-8") as handle:
        handle.write("noise_complaints,Noise complaints received,噪音投訴,count,count,count,,,,,,,,false\n")
    assert semantic.refresh(tmp_path, check=True) == [
        f"{tmp_path / semantic.GENERATED}: out of date from {semantic.CATALOGUE}"
    ]
    semantic.refresh(tmp_path)
    metric = _metrics((tmp_path / semantic.GENERATED).read_text(encoding="utf-8"))["noise_complaints"]
    assert metric["label"] == "Noise complaints received (count)"
    assert semantic.refresh(tmp_path) == []


def test_the_committed_metrics_are_the_generated_ones():
    assert semantic.refresh(ROOT, check=True) == []
