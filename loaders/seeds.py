"""Columns of `seeds/` derived by the loaders' own rules, so that dbt joins on exactly what loaders write.

`label_aliases.label_key` is `labels.label_key(label)`; the unit columns of
`company_reference_values` are `units.normalize_unit(unit_as_printed)`. `python -m loaders seeds`
fills them in (`make build` runs it); `--check` only reports what is out of date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from loaders.errors import LoaderError
from loaders.labels import label_key
from loaders.units import UnitError, normalize_unit

Row = dict[str, str]


def _alias_key(row: Row) -> Row:
    return {"label_key": label_key(row["label"])}


def _reference_unit(row: Row) -> Row:
    try:
        unit = normalize_unit(row["unit_as_printed"])
    except UnitError as error:
        raise LoaderError(
            f"seeds/company_reference_values.csv: {row['company_id']} {row['metric_code']}: {error}"
        ) from None
    return {
        "unit_normalized": unit.unit,
        "unit_generic": unit.generic,
        "currency": unit.currency or "",
        "unit_multiplier": format(unit.multiplier.normalize(), "f"),
        "unit_divisor": format(unit.divisor.normalize(), "f"),
    }


DERIVED: dict[str, Callable[[Row], Row]] = {
    "label_aliases.csv": _alias_key,
    "company_reference_values.csv": _reference_unit,
}


def refresh(seeds: Path, check: bool = False) -> list[str]:
    """Recompute the derived columns; returns one message per file that was (or would be) changed."""
    messages = []
    for name, derive in DERIVED.items():
        path = seeds / name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = list(reader.fieldnames or []), list(reader)
        changed = 0
        for row in rows:
            derived = derive(row)
            changed += any(row.get(column) != value for column, value in derived.items())
            row.update(derived)
        if not changed:
            continue
        messages.append(f"{path}: {changed} row(s) {'out of date' if check else 'updated'}")
        if not check:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            path.write_text(out.getvalue(), encoding="utf-8")
    return messages
