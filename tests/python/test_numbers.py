from decimal import Decimal

import pytest

from loaders.numbers import (
    AmbiguousNumberError,
    NumberFormatError,
    OutOfRangeError,
    decimal_convention,
    parse_cell,
    parse_number,
)


@pytest.mark.parametrize(
    ("printed", "value", "decimals"),
    [
        ("22,782.26", Decimal("22782.26"), 2),
        ("1.00", Decimal("1.00"), 2),  # printed to 2 decimals: stands for [0.995, 1.005], not [0.5, 1.5]
        ("0.000066", Decimal("0.000066"), 6),
        ("144,803.29", Decimal("144803.29"), 2),
        ("18170", Decimal("18170"), 0),
        ("1,234,567", Decimal("1234567"), 0),
        ("-5.5", Decimal("-5.5"), 1),
        (" 0.36 ", Decimal("0.36"), 2),
    ],
)
def test_reads_printed_figures_exactly_with_their_decimals(printed, value, decimals):
    number = parse_number(printed)
    assert number.value == value
    assert number.decimals == decimals
    assert str(number.value) == str(value)  # exact, trailing zeros kept


@pytest.mark.parametrize("printed", ["28#3.42", "1,23.4", "12,3456", "1.2.3", "abc", "1,000.", ".5", "1 000 0"])
def test_rejects_what_is_not_a_number(printed):
    with pytest.raises(NumberFormatError, match="malformed number"):
        parse_cell(printed)


@pytest.mark.parametrize(
    ("printed", "value", "decimals", "extra"),
    [
        ("２２，７８２．２６", Decimal("22782.26"), 2, {}),  # full-width digits and punctuation
        ("< 0,1", Decimal("0.1"), 1, {"qualifier": "<"}),  # Siemens: a bound with a decimal comma
        ("≤5", Decimal("5"), 0, {"qualifier": "<"}),
        ("(1,234)", Decimal("-1234"), 0, {}),  # accounting negative
        ("−13.5%", Decimal("-13.5"), 1, {"glued_unit": "%"}),
        ("15%", Decimal("15"), 0, {"glued_unit": "%"}),
        ("2,200萬", Decimal("2200"), 0, {"glued_unit": "萬"}),
        ("1.5億", Decimal("1.5"), 1, {"glued_unit": "億"}),
        ("283.42¹", Decimal("283.42"), 2, {"markers": ("1",)}),
        ("283.42 [A]", Decimal("283.42"), 2, {"markers": ("A",)}),
        ("1 234 567", Decimal("1234567"), 0, {}),
        ("12,5", Decimal("12.5"), 1, {}),  # a comma before one or two digits is a decimal comma
        ("0.0", Decimal("0.0"), 1, {}),
    ],
)
def test_reads_what_is_printed_around_a_number(printed, value, decimals, extra):
    cell = parse_cell(printed)
    assert (cell.value, cell.decimals) == (value, decimals)
    for field, expected in extra.items():
        assert getattr(cell, field) == expected


@pytest.mark.parametrize("printed", ["N/A", "n.a.", "不適用", "不适用", "—", "–", "-", "", "  ", "Not applicable"])
def test_not_reported_is_null_never_zero(printed):
    cell = parse_cell(printed)
    assert (cell.value, cell.decimals, cell.not_reported) == (None, None, printed.strip())


def test_footnote_digits_glued_to_a_number_are_told_apart_by_the_table_notes():
    notes = frozenset({"4", "8"})
    assert (parse_cell("47.6%4", footnotes=notes).value, parse_cell("47.6%4", footnotes=notes).markers) == (
        Decimal("47.6"),
        ("4",),
    )
    # 1,4128 cannot be a number; 1,412 with note 8 can.
    assert (parse_cell("1,4128", footnotes=notes).value, parse_cell("1,4128", footnotes=notes).markers) == (
        Decimal("1412"),
        ("8",),
    )
    # 3154 is a number as it stands: in plain text it stays one (a PDF's superscript settles it).
    assert parse_cell("3154", footnotes=notes).value == Decimal("3154")
    # Without a note 8 the digits are not a marker, and 1,4128 is malformed.
    with pytest.raises(NumberFormatError):
        parse_cell("1,4128")


def test_a_document_with_decimal_commas():
    cell = parse_cell("1.234,56", decimal_separator=",")
    assert (cell.value, cell.decimals) == (Decimal("1234.56"), 2)


def test_refuses_more_decimals_than_are_kept_exactly():
    with pytest.raises(NumberFormatError, match="decimals"):
        parse_cell("0." + "1" * 11)


@pytest.mark.parametrize(
    ("printed", "value", "decimals"),
    [
        ("6.6e-5", Decimal("0.000066"), 6),  # the mantissa's one decimal, five places further
        ("1.5E+3", Decimal("1500"), 0),
        ("2e0", Decimal("2"), 0),
    ],
)
def test_scientific_notation_is_read_exactly(printed, value, decimals):
    for separator in (".", ",", None):  # its mark reads one way in a document of either
        cell = parse_cell(printed, separator)
        assert (cell.value, cell.decimals) == (value, decimals)
    comma = parse_cell(printed.replace(".", ","), ",")
    assert (comma.value, comma.decimals) == (value, decimals)
    # Nor is it evidence of the document's mark: beside it, `1,234` still reads two ways.
    assert decimal_convention([printed, "1,234"], None) is None


def test_a_thousands_group_never_opens_with_zero():
    """`0,042` is a decimal comma, never 42: with a decimal point it is no number at all."""
    with pytest.raises(NumberFormatError, match="malformed number '0,042'"):
        parse_cell("0,042", ".")
    assert parse_cell("0,042", ",").value == Decimal("0.042")
    assert parse_cell("0,042", None).value == Decimal("0.042")


def test_a_figure_that_reads_two_ways_is_refused_when_the_document_does_not_say():
    with pytest.raises(AmbiguousNumberError, match=r"'1,234' is 1234 with a decimal point and 1\.234 with a decimal"):
        parse_cell("1,234", None)
    assert parse_cell("1,234", ".").value == Decimal(1234)
    assert parse_cell("1,234", ",").value == Decimal("1.234")
    # Read one way only, or the same both ways: no doubt.
    assert [parse_cell(text, None).value for text in ("22,782.26", "1.234,5", "12,5", "1 234,5", "1234")] == [
        Decimal("22782.26"),
        Decimal("1234.5"),
        Decimal("12.5"),
        Decimal("1234.5"),
        Decimal(1234),
    ]


@pytest.mark.parametrize(
    ("cells", "language", "convention"),
    [
        (["0,042", "1.234,5", "1,234"], "en", ","),  # the semicolon CSV of decimal commas
        (["22,782.26", "< 0,1", "1,234"], "de", "."),  # 22,782.26 settles it; `< 0,1` only suggests
        (["12.5", "< 0,1", "1,234"], "en", "."),  # suggestions both ways: the language's convention
        (["12.5", "< 0,1", "1,234"], "sv", ","),
        (["1,234", "12"], "en", "."),  # nothing shown: English groups thousands with a comma
        (["1,234", "12"], "de", ","),
        (["1,234"], "xx", None),  # no evidence and no convention known
        (["1,234.5", "1.234,5"], "en", None),  # the document settles both: nothing is guessed
    ],
)
def test_the_decimal_mark_is_the_one_the_document_shows(cells, language, convention):
    assert decimal_convention(cells, language) == convention


def test_a_number_beyond_what_the_warehouse_holds_is_out_of_range():
    with pytest.raises(OutOfRangeError, match="31 digits before the decimal mark"):
        parse_cell("1000000000000000000000000000000")
    with pytest.raises(OutOfRangeError):
        parse_cell("1e30")
    assert parse_cell("9" * 26).value == Decimal("9" * 26)
