"""Every model, seed and source of the dbt project is described, and so is every column it has; the
docs site opens on the project's own overview.

Reads dbt's manifest (what the YAML declares) and catalog (the columns the warehouse really has),
both written by `dbt docs generate`, so a column added to a model but not to its YAML is caught.
"""

from __future__ import annotations

import json
from pathlib import Path

_DOCUMENTED = ("model.", "seed.", "source.")


class DocsError(Exception):
    """The dbt artifacts to check are missing or unreadable."""


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as error:
        raise DocsError(f"{path}: not found; run `dbt docs generate` (make docs) first") from error
    except json.JSONDecodeError as error:
        raise DocsError(f"{path}: not valid JSON ({error})") from error


def undocumented(target: Path) -> list[str]:
    """One line per model, seed or source, or column of one, without a description."""
    manifest, catalog = _load(target / "manifest.json"), _load(target / "catalog.json")
    declared = {**manifest["nodes"], **manifest["sources"]}
    problems = []
    if not any(doc.endswith(".__overview__") and doc.split(".")[1] != "dbt" for doc in manifest.get("docs", {})):
        problems.append("the project has no overview (a docs block __overview__): dbt docs opens on its default page")
    for unique_id, node in sorted({**catalog["nodes"], **catalog["sources"]}.items()):
        if not unique_id.startswith(_DOCUMENTED):
            continue
        entry = declared.get(unique_id)
        if entry is None:
            continue
        name = f"{entry['resource_type']} {entry['name']} ({entry['original_file_path']})"
        if not entry.get("description", "").strip():
            problems.append(f"{name}: no description")
        described = {
            column.lower() for column, spec in entry.get("columns", {}).items() if spec.get("description", "").strip()
        }
        for column in node["columns"]:
            if column.lower() not in described:
                problems.append(f"{name}: column {column} has no description")
    return problems
