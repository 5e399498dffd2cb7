"""Amounts, times and shares as people write and read them: whole tokens with the token's decimals, dates in
UTC, percentages; and back to the integers the contracts take."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import MAX_EMAX, MIN_EMIN, Decimal, InvalidOperation, Overflow, Underflow, localcontext

from crowdledger.errors import ConfigError
from crowdledger.reputation import NEVER_EXPIRES

ETH_ADDRESS = "0x" + "00" * 20
BPS = 10_000
WAD = 10**18
MINUTE, HOUR, DAY = 60, 3_600, 86_400


@dataclass(frozen=True)
class Token:
    """ETH (address zero) or an ERC-20, with what it takes to write its amounts."""

    address: str  # checksummed; ETH_ADDRESS for ETH
    symbol: str
    decimals: int

    @property
    def is_eth(self) -> bool:
        return int(self.address, 16) == 0

    def parse(self, text: str, what: str = "amount", allow_zero: bool = False) -> int:
        """`text` in whole tokens ("0.5") as base units, refusing what the token cannot represent."""
        return parse_amount(text, self.decimals, what, allow_zero)

    def format(self, units: int) -> str:
        return f"{format_units(units, self.decimals)} {self.symbol}"


ETH = Token(ETH_ADDRESS, "ETH", 18)


def parse_amount(text: object, decimals: int, what: str = "amount", allow_zero: bool = False) -> int:
    written = str(text).strip().replace("_", "")
    try:
        value = scaled(written, 10**decimals)
    except InvalidOperation:
        raise ConfigError(f"{what} must be a number of whole tokens such as 0.5, got {text!r}") from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{what} must be more than 0, got {text!r}")
    if value != value.to_integral_value():
        raise ConfigError(f"{what} has more than the token's {decimals} decimals: {text!r}")
    if value >= 2**256:
        raise ConfigError(f"{what} is more than any token amount can be (2**256 - 1 base units): {text!r}")
    return int(value)


def scaled(written: str, factor: int) -> Decimal:
    """The number `written` times `factor`, exactly: with as many digits as the two take (the default
    context's 28 digits rounded 10**29 - 1 up to 10**29, and so sent more than was typed), and exponents as
    wide as Decimal takes (1e999999 overflowed the default's, a traceback); beyond those, infinite, and
    below them the smallest fraction Decimal has (never 0: 1e-1000000000000000100 came out as 0, which
    set-fee sent as no fee and set-half-life as "never fade"). Not a number: InvalidOperation."""
    with localcontext(prec=max(28, len(written) + len(str(factor))), Emax=MAX_EMAX, Emin=MIN_EMIN) as context:
        context.traps[Underflow] = True
        number = Decimal(written)
        sign = "-" if number.is_signed() else ""
        try:
            return number * factor
        except Overflow:
            return Decimal(f"{sign}Infinity")
        except Underflow:
            return Decimal(f"{sign}1e{MIN_EMIN}")


def format_units(units: int, decimals: int) -> str:
    """Base units as whole tokens, with thousands separators, no trailing zeros: 1234500000 (6) -> 1,234.5."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**decimals)
    text = f"{whole:,}"
    if fraction:
        text += "." + str(fraction).rjust(decimals, "0").rstrip("0")
    return sign + text


def format_time(timestamp: int) -> str:
    """A chain timestamp as a UTC date and minute, the way errors and `show` print times."""
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"timestamp {timestamp}"


def format_expiry(expires_at: int) -> str:
    """An attestation's end in words: "until 2027-12-01 14:00 UTC", or "with no expiry" for the largest."""
    return "with no expiry" if expires_at == NEVER_EXPIRES else f"until {format_time(expires_at)}"


def format_duration(seconds: int) -> str:
    """Seconds as the largest whole units that say it: 90000 -> 1 day 1 hour."""
    if seconds <= 0:
        return "0 seconds"
    parts = []
    for size, name in ((DAY, "day"), (HOUR, "hour"), (MINUTE, "minute"), (1, "second")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
        if len(parts) == 2:
            break
    return " ".join(parts)


def format_percent(bps: int) -> str:
    """Basis points as a percentage: 2500 -> 25%, 3333 -> 33.33%."""
    return f"{format_units(bps, 2)}%"


def parse_percent(text: object, what: str) -> int:
    """A percentage ("40", "12.5") as basis points, refusing more than two decimals."""
    try:
        value = scaled(str(text).strip().rstrip("%"), 100)
    except InvalidOperation:
        raise ConfigError(f"{what} must be a percentage such as 40 or 12.5, got {text!r}") from None
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        raise ConfigError(f"{what} must be a percentage with at most two decimals, got {text!r}")
    if value >= 2**256:  # int() of 1e5000000 would take minutes
        raise ConfigError(f"{what} is more than any share can be: {text!r}")
    return int(value)


def format_points(wad: int) -> str:
    """A reputation score (WAD) in points with two decimals."""
    return f"{format_wad(wad)} points"


def format_wad(wad: int) -> str:
    """A WAD (10**18 per unit) to the nearest hundredth, grouped: 1234500000000000000000 -> 1,234.50. In
    integers, so that values of any width are exact."""
    hundredths = (abs(wad) * 100 + WAD // 2) // WAD
    sign = "-" if wad < 0 and hundredths else ""
    return f"{sign}{hundredths // 100:,}.{hundredths % 100:02d}"


def parse_time(text: object, now: int, what: str) -> int:
    """An ISO 8601 date or time (UTC unless it says otherwise), or a span from now: "2026-12-01T14:00",
    "+3d", "+12h", "+30m"."""
    raw = str(text).strip()
    if raw.startswith("+"):
        units = {"d": DAY, "h": HOUR, "m": MINUTE}
        try:
            span = scaled(raw[1:-1], units[raw[-1]])  # +1e999999d overflowed the default context
        except (KeyError, InvalidOperation):
            span = Decimal("NaN")
        if not span.is_finite():  # +infd
            raise ConfigError(f"{what}: write a span as +3d, +12h or +30m, got {raw!r}")
        # far past uint256, yet cheap as an integer for the caller's checks (not 1e999999: a million digits)
        if span.copy_abs() >= 10**100:
            raise ConfigError(f"{what}: {raw!r} is further than any time the contracts take")
        return now + int(span)
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{what} must be a date such as 2026-12-01T14:00 (UTC) or +3d, got {raw!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
