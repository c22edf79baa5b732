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
    metadata, _ = read_metadata(REPORT)
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
        (VALID.replace("publisher: Example Holdings, ", ""), "field 'source.publisher' is missing"),
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
