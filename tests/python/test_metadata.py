from pathlib import Path

import pytest

from loaders.errors import MetadataError
from loaders.metadata import parse_metadata, read_metadata

from .helpers import REPORT

VALID = """
company: Example Holdings
fiscal_year: 2021
language: en
source: {title: Example 2021 ESG report, publisher: Example Holdings, published: company website, 2022}
boundary: {code: group, description: all subsidiaries}
"""


def test_bundled_metadata_states_company_year_source_language_and_boundary():
    metadata = read_metadata(REPORT).metadata
    assert (metadata.company_id, metadata.company_name, metadata.fiscal_year) == ("xiaomi", "Xiaomi Corporation", 2019)
    assert metadata.language == "zh-Hant"
    assert "Xiaomi" in metadata.source.title and metadata.source.publisher and metadata.source.published
    assert metadata.boundary_code == "cn_main_offices_and_mi_home_stores"
    assert {o.metric_code for o in metadata.boundary_overrides} == {"packaging_material", "packaging_per_revenue"}


def test_company_id_defaults_to_a_slug_of_the_company():
    assert parse_metadata(Path("x.txt.yml"), VALID).company_id == "example_holdings"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (VALID.replace("fiscal_year: 2021", "fiscal_year: last year"), "'fiscal_year' must be a year"),
        (VALID.replace("language: en", ""), "field 'language' is missing"),
        (VALID.replace("title: Example 2021 ESG report, ", ""), "field 'source.title' is missing"),
        (VALID.replace("code: group", "code: Whole Group"), "'boundary.code' must be a lower-case code"),
        ("company: [unclosed", "not valid YAML"),
        ("- a list", "must be a mapping"),
    ],
)
def test_bad_metadata_names_the_file_and_the_field(text, message):
    with pytest.raises(MetadataError, match=message) as caught:
        parse_metadata(Path("reports/x.txt.yml"), text)
    assert str(caught.value).startswith("reports/x.txt.yml")


def test_missing_sidecar_is_named(tmp_path):
    document = tmp_path / "report.txt"
    document.write_text("x\n")
    with pytest.raises(MetadataError, match=r"no metadata file: expected report\.txt\.yml beside it"):
        read_metadata(document)


def test_optional_fields_shape_how_a_document_is_read():
    text = (
        VALID
        + """
number_format: {decimal_separator: ","}
units: {default: "'000 kWh"}
pages: "109-111, 113"
labels:
  - {label: "Scope 1+2 Total", metric: ghg_scope_1_2_market_based, basis: "550 = 387 + 163 (market based)"}
"""
    )
    metadata = parse_metadata(Path("x.pdf.yml"), text)
    assert metadata.decimal_separator == ","
    assert metadata.default_unit == "'000 kWh"
    assert metadata.pages == (109, 110, 111, 113)
    assert [(o.label, o.metric_code) for o in metadata.label_overrides] == [
        ("Scope 1+2 Total", "ghg_scope_1_2_market_based")
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('number_format: {decimal_separator: ";"}', "must be '.' or ','"),
        ("units: {default: bananas}", "field 'units.default': unknown unit 'bananas'"),
        ("pages: 113-109", "field 'pages' must list page numbers"),
        ("labels: [{label: x, metric: Not A Code, basis: y}]", r"'labels\[0\]\.metric' must be a lower-case code"),
    ],
)
def test_bad_optional_fields_are_named(extra, message):
    with pytest.raises(MetadataError, match=message):
        parse_metadata(Path("x.yml"), VALID + extra + "\n")


def test_sidecars_as_people_write_them_are_accepted():
    text = """
company: Example Holdings
fiscal_year: 2021
language: en
source: Example Holdings 2021 ESG Report
boundary: All operations the group controls
"""
    metadata = parse_metadata(Path("x.txt.yml"), text)
    assert metadata.source.title == "Example Holdings 2021 ESG Report"
    assert (metadata.source.publisher, metadata.source.published) == ("Example Holdings", "not stated")
    assert metadata.boundary_description == "All operations the group controls"
    assert metadata.boundary_code == "all_operations_the_group_controls"


def test_keys_the_warehouse_does_not_read_are_kept_not_dropped():
    text = VALID + "reviewed_by: A. Analyst\nboundary_note: excludes joint ventures\n"
    metadata = parse_metadata(Path("x.txt.yml"), text)
    # `published: company website, 2022` in a flow mapping makes 2022 a key of its own: kept and named.
    assert metadata.extra == {
        "reviewed_by": "A. Analyst",
        "boundary_note": "excludes joint ventures",
        "source.2022": None,
    }


def test_a_yaml_error_names_the_line_where_the_problem_starts():
    text = 'company: Example\nfiscal_year: 2021\nsource: "Example 2021 report\nlanguage: en\nboundary: x\n'
    with pytest.raises(MetadataError) as caught:
        parse_metadata(Path("x.txt.yml"), text)
    assert str(caught.value).startswith("x.txt.yml:3: not valid YAML")
