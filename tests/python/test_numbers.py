from decimal import Decimal

import pytest

from loaders.numbers import NumberFormatError, parse_number


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


@pytest.mark.parametrize("printed", ["28#3.42", "1,23.4", "12,3456", "1.2.3", "", "abc", "1,000.", ".5", "1 000"])
def test_rejects_what_is_not_a_number(printed):
    with pytest.raises(NumberFormatError, match="malformed number"):
        parse_number(printed)


def test_refuses_more_decimals_than_are_kept_exactly():
    with pytest.raises(NumberFormatError, match="decimals"):
        parse_number("0." + "1" * 13)
