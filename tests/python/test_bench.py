"""The benchmark's plain-SQL floor must do the work it stands for: every value mapped and converted, the
panel's identities checked on intervals, so that a ratio against it means something."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from loaders.bench import break_energy_total, reference, write_dataset


def test_the_reference_maps_every_value_and_checks_the_panels_identities(tmp_path, capsys):
    dataset = tmp_path / "panel.csv"
    values = write_dataset(dataset, company_years=50)
    reference(dataset, tmp_path)
    seconds, peak, failed = capsys.readouterr().out.split()
    assert float(seconds) > 0 and float(peak) > 0 and failed == "0"
    with duckdb.connect(str(tmp_path / "reference.duckdb"), read_only=True) as con:
        assert con.execute("select count(metric_code) from facts").fetchone()[0] == values
        assert con.execute("select count(*) from wide").fetchone()[0] == 50
        assert con.execute("select count(*) from checks").fetchone()[0] == 100
        # kg are converted to tonnes, with the interval the printed rounding leaves
        low, value, high = con.execute(
            "select value_low, value, value_high from facts where unit = 'kg' limit 1"
        ).fetchone()
    assert low < value < high and high - low == Decimal("0.00001")  # 0.01 kg


def test_a_total_that_does_not_add_up_fails_the_references_check(tmp_path, capsys):
    dataset = tmp_path / "panel.csv"
    write_dataset(dataset, company_years=3)
    break_energy_total(dataset)
    reference(dataset, tmp_path)
    assert capsys.readouterr().out.split()[2] == "1"
