"""Amounts, shares and a campaign file's numbers as people write them, to the integers a transaction carries:
exact at any width, and a clear refusal (never a rounded amount, a hang or a traceback) for what no contract
can take."""

import decimal

import pytest

from crowdledger.errors import ConfigError
from crowdledger.wallet import specs
from crowdledger.wallet.units import ETH, format_points, parse_amount, parse_percent, parse_time


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
        ("1e-1000000000000000100", "more than the token's 18 decimals"),  # came out as 0, then "more than 0"
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


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("duration_days", "1e999999", "more than the contracts can take"),  # decimal.Overflow
        (
            "duration_days",
            float("inf"),
            "must be a number",
        ),  # JSON's Infinity, which Python reads: OverflowError
        ("duration_days", float("nan"), "must be a number"),  # decimal.InvalidOperation
        ("duration_days", 1e-7, "a second at least"),  # a deadline of now
        ("delivery_days", "NaN", "a number of days"),
        ("delivery_days", 1e300, "more than the contracts can take"),
    ],
)
def test_a_campaign_files_numbers_are_refused_saying_what_to_write(field, value, says):
    spec = {"goal": "1", "duration_days": 10, "metadata": {"title": "a campaign"}, field: value}
    with pytest.raises(ConfigError, match=says):
        specs.campaign(spec, ETH, 1_700_000_000)


def test_a_tier_supply_past_its_32_bits_is_refused_at_once():
    """1e999999 was turned into a million-digit integer first (the CLI hung)."""
    spec = {
        "goal": "1",
        "duration_days": 10,
        "metadata": {"title": "t"},
        "tiers": [{"price": "1", "supply": "1e999999"}],
    }
    with pytest.raises(ConfigError, match="between 0 and 4294967295"):
        specs.campaign(spec, ETH, 1_700_000_000)


@pytest.mark.parametrize(
    "typed, says",
    [
        ("+1e999999d", "further than any time the contracts take"),  # decimal.Overflow: exit 70, "a bug"
        ("+1e999999999999999999999d", "write a span as"),  # beyond Decimal's exponents: not a number
        ("+infh", "write a span as"),
        ("+3w", "write a span as"),
        ("+d", "write a span as"),
    ],
)
def test_a_span_from_now_too_far_or_unreadable_is_refused_in_a_line(typed, says):
    with pytest.raises(ConfigError, match=says):
        parse_time(typed, 1_700_000_000, "--until")


def test_a_span_from_now_is_exact():
    assert parse_time("+1.5h", 1_700_000_000, "--until") == 1_700_000_000 + 5_400
