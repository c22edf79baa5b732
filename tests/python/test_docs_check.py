"""The docs check: every model and column described, and the docs site opening on the project's overview."""

from __future__ import annotations

import json

from loaders.docs_check import undocumented

_MODEL = "model.esg_warehouse.fct_kpi_values"


def _artifacts(folder, description="One value per company, year and metric.", overview=True, columns=("a", "b")):
    docs = {"doc.dbt.__overview__": {}}  # dbt's own default page is always there
    if overview:
        docs["doc.esg_warehouse.__overview__"] = {}
    manifest = {
        "nodes": {
            _MODEL: {
                "resource_type": "model",
                "name": "fct_kpi_values",
                "original_file_path": "models/marts/fct_kpi_values.sql",
                "description": description,
                "columns": {"a": {"description": "Column a."}, "b": {"description": ""}},
            }
        },
        "sources": {},
        "docs": docs,
    }
    catalog = {"nodes": {_MODEL: {"columns": {name: {} for name in columns}}}, "sources": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "catalog.json").write_text(json.dumps(catalog))
    return folder


def test_an_undescribed_column_is_named(tmp_path):
    assert undocumented(_artifacts(tmp_path)) == [
        "model fct_kpi_values (models/marts/fct_kpi_values.sql): column b has no description"
    ]


def test_a_column_the_warehouse_has_but_the_yaml_does_not_is_caught(tmp_path):
    problems = undocumented(_artifacts(tmp_path, columns=("a", "c")))
    assert problems == ["model fct_kpi_values (models/marts/fct_kpi_values.sql): column c has no description"]


def test_without_the_projects_overview_the_docs_open_on_dbts_default_page(tmp_path):
    problems = undocumented(_artifacts(tmp_path, overview=False, columns=("a",)))
    assert problems == ["the project has no overview (a docs block __overview__): dbt docs opens on its default page"]
