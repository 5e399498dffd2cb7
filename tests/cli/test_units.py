"""Amounts and shares as people type them, to the integers a transaction carries: exact at any width, and a
clear refusal (never a rounded amount, never a traceback) for what no token amount can be."""

import decimal

import pytest

from crowdledger.errors import ConfigError
from crowdledger.wallet.units import format_points, parse_amount, parse_percent


@pytest.fixture(autouse=True)
def pythons_default_decimal_context():
    """The CLI runs with Python's default Decimal context (28 digits); brownie, under which tests run, raises
    the precision for the whole process, which hid the rounding these tests are about."""
    with decimal.localcontext(decimal.Context()):
        yield


@pytest.mark.parametrize(
    "typed, decimals, units",
    [
        ("99999999999999999999999999999", 0, 10**29 - 1),  # 29 digits: Decimal's default 28 rounded it up
        ("123456789012.123456789012345678", 18, 123456789012123456789012345678),
        (f"{2**256 - 1}", 0, 2**256 - 1),
        ("0.000000000000000001", 18, 1),
        ("1_000.5", 6, 1_000_500_000),
        ("1e3", 18, 1_000 * 10**18),
    ],
)
def test_an_amount_is_the_exact_number_typed(typed, decimals, units):
    assert parse_amount(typed, decimals) == units


@pytest.mark.parametrize(
    "typed, says",
    [
        (f"{2**256}", "more than any token amount"),
        ("1e80", "more than any token amount"),
        ("1e999999", "more than any token amount"),  # overflowed Decimal's default context: a traceback
        ("1e99999999999999999999", "a number of whole tokens"),
        ("0.0000000000000000001", "more than the token's 18 decimals"),
        ("1e-999999", "more than the token's 18 decimals"),
        ("NaN", "more than 0"),
        ("-1", "more than 0"),
        ("ten", "a number of whole tokens"),
    ],
)
def test_an_amount_no_token_can_hold_is_refused_saying_why(typed, says):
    with pytest.raises(ConfigError, match=says):
        parse_amount(typed, 18)


def test_a_share_is_exact_or_refused():
    assert parse_percent("12.5", "share") == 1_250
    assert parse_percent("100%", "share") == 10_000
    with pytest.raises(ConfigError, match="at most two decimals"):
        parse_percent("12.5000000000000000000000000001", "share")  # 28 digits made it 12.5


def test_points_are_exact_at_any_width():
    assert format_points(10**40 + 10**16) == f"{10**22:,}.01 points"
    assert format_points(-(10**18) * 3 // 2) == "-1.50 points"
    assert format_points(0) == "0.00 points"
