"""Row validation builds each value positionally, for speed: every field must land under its own name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from loaders.models import Footnote, ReportTable, TableRow, ValueCell
from loaders.recognizer import Vocabulary
from loaders.rows import validate_rows

from .test_markdown_report import metadata

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_every_field_of_a_value_is_where_its_name_says():
    table = ReportTable(7, "Emissions by business", "Environment", None, 10, 20, True, page_number=3)
    row = TableRow(
        table_index=7,
        line_number=12,
        location="page 3 row 2",
        label_parts=("Greenhouse gas emissions per revenue [A]",),
        cells=(ValueCell(2, "FY 2023", 2023, "< 1,234.56", markers=("b",)),),
        row_text="Greenhouse gas emissions per revenue [A]  t/EUR million  < 1,234.56",
        page_number=3,
        label_markers=("¹",),
        unit_text="t/EUR million",
        change_text="−1.6%",
        standards_text="GRI 305-1",
        company_text="acme",
        metric_text="ghg_total",
        quote_text="Scope 1 fell to 1,234.5 t.",
        quoted_location_text="paragraph 2",
        passage_text="passage 1",
        date_text="2023-12-31",
    )
    notes = [Footnote(7, 1, 19, "A note.", 3, "A")]
    values, rejects = validate_rows([row], [table], notes, metadata("."), Vocabulary.from_seeds(SEEDS))
    assert rejects == []
    (value,) = values
    assert value._asdict() | {"recognition_note": None} == {
        "table_index": 7,
        "table_heading": "Emissions by business",
        "section_heading": "Environment",
        "line_number": 12,
        "location": "page 3 row 2",
        "page_number": 3,
        "column_number": 2,
        "column_label": "FY 2023",
        "company_id": "acme",
        "fiscal_year": 2023,
        "label_as_printed": "Greenhouse gas emissions per revenue [A]",
        "label_key": "greenhouse gas emissions per revenue",
        "footnote_markers": "¹,A,b",
        "value_as_printed": "< 1,234.56",
        "value_number": Decimal("1234.56"),
        "decimals_printed": 2,
        "value_qualifier": "<",
        "not_reported_as_printed": None,
        "unit_as_printed": "t/EUR million",
        "unit_normalized": "t/EUR m",
        "unit_generic": "t/¤ m",
        "currency": "EUR",
        "unit_multiplier": Decimal(1),
        "unit_divisor": Decimal(1),
        "change_as_printed": "−1.6%",
        "standards_as_printed": "GRI 305-1",
        "line_text": "Greenhouse gas emissions per revenue [A]  t/EUR million  < 1,234.56",
        "metric_code_given": "ghg_total",
        "quoted_text": "Scope 1 fell to 1,234.5 t.",
        "quoted_location": "paragraph 2",
        "passage": "passage 1",
        "value_date": date(2023, 12, 31),
        "change_number": Decimal("-1.6"),
        "change_decimals": 1,
        "recognized_metric_code": "ghg_scope_1_2_intensity_revenue",
        "recognized_members": None,
        "recognition_confidence": 1.0,
        "recognition_note": None,  # how it was read: wording of the recognizer's own
        "breakdown_axes": None,  # an intensity has no business breakdown
    }
    assert value.recognition_note
