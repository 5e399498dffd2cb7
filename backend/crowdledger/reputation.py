"""Reputation scores, and the prices that made them, rebuilt from the Reputation contract's events alone.

The contract keeps one score per (account, role) and fades it lazily: each write fades the stored value from
its last update to the write's block time, period by period with the half-life in force in each period (a
half-life change applies from its block on, never to the time before), adds the points, and emits ScoreChanged
with the points and the new score. Replaying those writes with the same integer arithmetic (`fade`,
`fade_across`) gives every score exactly and proves each ScoreChanged's newScore; `explain` says how much each
event still contributes today.

Points are never handed in directly: the contract prices what modules report. DealRecorded, ValueRecorded and
Rated carry every input of a price (the value factor V, the identity weights, the pair's earlier deals), and
`check_prices` recomputes each price with the contract's truncation and matches it to the ScoreChanged events
that follow, so an auditor can check the pricing as well as the sums.

Pure Python: the events come in as typed records, decoded by whoever read them from the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from math import isqrt
from typing import TypeVar

from crowdledger.errors import ReplayMismatch

DEFAULT_HALF_LIFE = 90 * 24 * 3600  # seconds; what the contract's constructor sets
FULL_FADE_HALVINGS = 192  # after this many half-lives any int192 score has faded to 0
RATING_REASON = b"rating".ljust(32, b"\x00")
WAD = 10**18
BPS = 10_000
RATING_POINTS = 10 * WAD  # per star above or below 3, at full weight
NEUTRAL_STARS = 3
MAX_PRICED_AMOUNT = 2**128 - 1  # larger amounts are priced as this
NEVER_EXPIRES = 2**64 - 1  # the largest attestation expiresAt (uint64): an attestation that does not expire


class Role(IntEnum):
    """The roles a score is kept for; the values are those of Solidity's `Role` in IReputation.sol."""

    CREATOR = 0
    BACKER = 1
    REQUESTER = 2
    WORKER = 3
    REVIEWER = 4


ROLES = frozenset(Role)  # a ScoreChanged of any other role comes from no real Reputation


# ----------------------------------------------------------------------------- events


@dataclass(frozen=True)
class ScoreChanged:
    """One ScoreChanged event: `points` added to `subject`'s score in `role` at `timestamp`."""

    block_number: int
    log_index: int
    timestamp: int  # the block's
    subject: str
    role: Role
    points: int
    new_score: int
    reason: bytes  # bytes32, such as b"rating" padded with zeros
    module: str
    ref: int

    @property
    def key(self) -> tuple[int, int]:
        """The event's place in the log: (block number, log index)."""
        return (self.block_number, self.log_index)


@dataclass(frozen=True)
class HalfLifeChanged:
    """One HalfLifeChanged event: from `timestamp` on, scores fade with `new_half_life` seconds (0: never)."""

    block_number: int
    log_index: int
    timestamp: int
    old_half_life: int
    new_half_life: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


@dataclass(frozen=True)
class DealRecorded:
    """One DealRecorded event: a deal `module` reported, with every input of both sides' prices."""

    block_number: int
    log_index: int
    timestamp: int
    payee: str
    payer: str
    module: str
    ref: int
    token: str
    amount: int
    payee_points: int  # the module's base points
    payer_points: int
    earlier_deals: int
    value_factor: int
    payer_weight_bps: int  # scales the payee's points
    payee_weight_bps: int  # scales the payer's points

    @property
    def key(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


@dataclass(frozen=True)
class ValueRecorded:
    """One ValueRecorded event: value settled to `subject` without a single counterparty, and its price."""

    block_number: int
    log_index: int
    timestamp: int
    subject: str
    role: Role
    module: str
    ref: int
    token: str
    value_before: int
    value_after: int
    base_points: int
    value_factor_before: int
    value_factor_after: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


@dataclass(frozen=True)
class Rated:
    """One Rated event: `rater` gave `subject` `stars`, with the inputs of the rating's price."""

    block_number: int
    log_index: int
    timestamp: int
    rater: str
    subject: str
    source: str
    ref: int
    stars: int
    value_factor: int  # already capped at WAD
    weight_bps: int  # the rater's identity weight
    pair_deals: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


ReputationEvent = ScoreChanged | HalfLifeChanged
PricingEvent = DealRecorded | ValueRecorded | Rated
LedgerEvent = ReputationEvent | PricingEvent
ScoreKey = tuple[str, Role]
E = TypeVar("E", bound=LedgerEvent)


@dataclass(frozen=True)
class Score:
    """A score as stored on chain: `value` as of `updated_at`, not yet faded since then."""

    value: int
    updated_at: int


@dataclass(frozen=True)
class HalfLifePeriod:
    """From `since` (a block time) until the next period's `since`, scores fade with `half_life` seconds."""

    since: int
    half_life: int


@dataclass(frozen=True)
class Line:
    """One line of an explained score: what `event` still contributes, faded to the time asked about.

    The last line of an explanation may be a rounding line (`event` None) holding the difference between
    the real score and the sum of the faded contributions, so that the lines always add up to the score.
    """

    contribution: int
    event: ScoreChanged | None

    @property
    def is_rounding(self) -> bool:
        return self.event is None


@dataclass(frozen=True)
class Price:
    """A pricing event and the ScoreChanged events that carried its points (none for a zero-point deal)."""

    event: PricingEvent
    changes: tuple[ScoreChanged, ...]


# ----------------------------------------------------------------------------- errors


class ScoreMismatch(ReplayMismatch):
    """A ScoreChanged's newScore differs from the replay: the contract and this module disagree."""

    def __init__(self, event: ScoreChanged, replayed: int) -> None:
        super().__init__(
            f"ScoreChanged at block {event.block_number} log {event.log_index} for {event.subject} as "
            f"{event.role.name}: the event says newScore {event.new_score}, the replay gives {replayed}"
        )
        self.event = event
        self.replayed = replayed


class PriceMismatch(ReplayMismatch):
    """The points written after a pricing event are not the ones its inputs give."""

    def __init__(self, event: PricingEvent | ScoreChanged, message: str) -> None:
        where = f"{type(event).__name__} at block {event.block_number} log {event.log_index}"
        super().__init__(f"{where}: {message}")
        self.event = event


class NoHalfLife(ReplayMismatch):
    """A ScoreChanged came before any HalfLifeChanged (the constructor emits one, so events are missing)."""


# ----------------------------------------------------------------------------- prices


def _truncated(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded toward zero, as Solidity's signed division does."""
    quotient = abs(numerator) // abs(denominator)
    return quotient if (numerator >= 0) == (denominator > 0) else -quotient


def value_factor(amount: int, unit: int, minimum: int) -> int:
    """V(token, amount) in WAD for an asset registered with `unit` and `minimum` (unit 0: not registered):
    0 below the minimum, else sqrt(amount × 1e36 / unit) rounded down, amounts capped at 2^128 − 1."""
    if unit == 0 or amount < minimum:
        return 0
    return isqrt(min(amount, MAX_PRICED_AMOUNT) * 10**36 // unit)


def deal_points(base_points: int, factor: int, weight_bps: int, earlier_deals: int) -> int:
    """One side of a deal: base × V / 1e18 × weight / 10,000 / (earlier deals + 1), each step toward zero."""
    if base_points == 0 or factor == 0:
        return 0
    points = _truncated(base_points * factor, WAD)
    points = _truncated(points * weight_bps, BPS)
    return _truncated(points, earlier_deals + 1)


def value_points(base_points: int, factor_before: int, factor_after: int) -> int:
    """recordValue's points: base × (V after − V before) / 1e18, toward zero."""
    return _truncated(base_points * (factor_after - factor_before), WAD)


def rating_points(stars: int, factor: int, weight_bps: int, pair_deals: int) -> int:
    """(stars − 3) × RATING_POINTS × V / 1e18 × weight / 10,000 / max(1, pair deals), the magnitude rounded
    down at each step; `factor` is the capped value factor the Rated event carries."""
    magnitude = RATING_POINTS * min(factor, WAD) // WAD * weight_bps // BPS // max(1, pair_deals)
    return (stars - NEUTRAL_STARS) * magnitude


def int256_or_none(points: int) -> int | None:
    """Points that fit an int256, else None. The contract's checked arithmetic reverts before it could price
    such inputs, so only a look-alike contract at a configured address emits them; they must not stop the
    indexer (a points column holds an int256)."""
    return points if -(2**255) <= points < 2**255 else None


def expected_changes(event: PricingEvent) -> list[tuple[str, int]]:
    """The (subject, points) of the ScoreChanged events that must follow `event`, in order."""
    if isinstance(event, DealRecorded):
        factor, earlier = event.value_factor, event.earlier_deals
        sides = [
            (event.payee, deal_points(event.payee_points, factor, event.payer_weight_bps, earlier)),
            (event.payer, deal_points(event.payer_points, factor, event.payee_weight_bps, earlier)),
        ]
        return [(subject, points) for subject, points in sides if points != 0]
    if isinstance(event, ValueRecorded):
        points = value_points(event.base_points, event.value_factor_before, event.value_factor_after)
        return [(event.subject, points)] if points != 0 else []
    points = rating_points(event.stars, event.value_factor, event.weight_bps, event.pair_deals)
    return [(event.subject, points)]


def check_prices(events: Iterable[LedgerEvent]) -> list[Price]:
    """Recompute every price from its event's inputs and match it to the ScoreChanged events after it.

    Every ScoreChanged must follow its pricing event (the contract emits DealRecorded, ValueRecorded or Rated
    first), with the same subject, module (for a rating: the source), ref and exactly the recomputed points.
    Raises PriceMismatch otherwise, also for a ScoreChanged that no pricing event accounts for.
    """
    prices: list[Price] = []
    pending: list[tuple[str, int]] = []
    current: PricingEvent | None = None
    changes: list[ScoreChanged] = []

    def close() -> None:
        if current is None:
            return
        if pending:
            raise PriceMismatch(current, f"expected ScoreChanged {pending[0]} after it, found none")
        prices.append(Price(current, tuple(changes)))

    for event in _in_log_order(events):
        if isinstance(event, HalfLifeChanged):
            continue
        if isinstance(event, ScoreChanged):
            if current is None or not pending:
                raise PriceMismatch(event, "a score change no pricing event accounts for")
            subject, points = pending.pop(0)
            module = current.source if isinstance(current, Rated) else current.module
            found = (event.subject, event.points, event.module, event.ref)
            if found != (subject, points, module, current.ref):
                raise PriceMismatch(
                    event,
                    f"expected {points} points for {subject} from {module} ref {current.ref}, the event says "
                    f"{event.points} for {event.subject} from {event.module} ref {event.ref}",
                )
            changes.append(event)
            continue
        close()
        current, pending, changes = event, expected_changes(event), []
    close()
    return prices


# ----------------------------------------------------------------------------- fading


def fade(value: int, elapsed: int, half_life: int) -> int:
    """`value` faded over `elapsed` seconds, exactly as Reputation.fade does on chain.

    Halved once per whole half-life, then reduced linearly by up to a half until the next halving, on the
    magnitude so that every step truncates toward zero for positive and negative scores alike. A half-life
    of 0 means no fading.
    """
    if elapsed < 0 or half_life < 0:
        raise ValueError(f"elapsed ({elapsed}) and half_life ({half_life}) cannot be negative")
    if half_life == 0 or elapsed == 0 or value == 0:
        return value
    magnitude = abs(value)
    halvings = elapsed // half_life
    if halvings >= FULL_FADE_HALVINGS:
        return 0
    magnitude >>= halvings
    magnitude -= magnitude * (elapsed % half_life) // (2 * half_life)
    return magnitude if value > 0 else -magnitude


def fade_across(value: int, start: int, end: int, periods: Sequence[HalfLifePeriod]) -> int:
    """`value`, stored at `start`, faded to `end`: within the period in force at `start` (the last to begin at
    or before it), then across each later period with its own half-life, one `fade` per period, as the
    contract's `_faded` does. `periods` in log order, the first beginning at or before `start`."""
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    if value == 0:
        return 0
    if not periods or periods[0].since > start:
        raise NoHalfLife(f"no half-life period in force at {start}")
    first = max(i for i, period in enumerate(periods) if period.since <= start)
    faded, since = value, start
    for i in range(first, len(periods)):
        # (periods that begin after `end`, which the chain never has at its own time, fade nothing)
        until = min(periods[i + 1].since, end) if i + 1 < len(periods) else end
        faded = fade(faded, until - since, periods[i].half_life)
        since = until
    return faded


def score_at(score: Score, now: int, periods: Sequence[HalfLifePeriod]) -> int:
    """What scoreOf returns at block time `now`, given every half-life period so far."""
    if score.value == 0:
        return 0
    return fade_across(score.value, score.updated_at, now, periods)


def shown_score(score: Score, now: int, periods: Sequence[HalfLifePeriod]) -> int:
    """score_at for the pages and the API: a score stored before the first half-life period fades from that
    period's start. The real Reputation begins a period in its constructor, before any score; a contract that
    is not it may not, and its scores must still show (the audit reports the difference)."""
    if periods and score.updated_at < periods[0].since:
        score = Score(score.value, periods[0].since)
    return score_at(score, max(now, score.updated_at), periods)


def _in_log_order(events: Iterable[E]) -> list[E]:
    return sorted(events, key=lambda event: event.key)


def half_life_periods(events: Iterable[LedgerEvent]) -> list[HalfLifePeriod]:
    """Every half-life period the HalfLifeChanged events among `events` began, oldest first."""
    return [
        HalfLifePeriod(event.timestamp, event.new_half_life)
        for event in _in_log_order(events)
        if isinstance(event, HalfLifeChanged)
    ]


def current_half_life(events: Iterable[LedgerEvent]) -> int:
    """The half-life in force after the last of `events`."""
    periods = half_life_periods(events)
    if not periods:
        raise NoHalfLife("no HalfLifeChanged among the events (the constructor emits the first)")
    return periods[-1].half_life


def replay(events: Iterable[LedgerEvent]) -> dict[ScoreKey, Score]:
    """Every score, recomputed from the events alone (in any order; they are sorted by their key; pricing
    events are ignored here, see check_prices).

    Raises ScoreMismatch at the first ScoreChanged whose newScore the replay does not reproduce, and
    NoHalfLife when a score changes before any half-life was set.
    """
    scores: dict[ScoreKey, Score] = {}
    periods: list[HalfLifePeriod] = []
    for event in _in_log_order(events):
        if isinstance(event, HalfLifeChanged):
            periods.append(HalfLifePeriod(event.timestamp, event.new_half_life))
            continue
        if not isinstance(event, ScoreChanged):
            continue
        if not periods:
            raise NoHalfLife(f"ScoreChanged at block {event.block_number} before any HalfLifeChanged")
        key = (event.subject, event.role)
        stored = scores.get(key, Score(0, 0))
        new_value = score_at(stored, event.timestamp, periods) + event.points
        if new_value != event.new_score:
            raise ScoreMismatch(event, new_value)
        scores[key] = Score(new_value, event.timestamp)
    return scores


def explain(account: str, role: Role, events: Sequence[LedgerEvent], now: int) -> list[Line]:
    """Each of `account`'s ScoreChanged events in `role` with what it still contributes at time `now`.

    A contribution is the event's points faded the way the score itself was: from each write to the next
    across the half-life periods between them, then to `now`. Fading truncates each piece on its own, so the
    contributions can fall short of (or, for mixed signs, exceed) the score by a few wei per event per write
    after it; a final rounding line holds that difference, so the lines always add up to the score. The events
    are checked by `replay` first.
    """
    scores = replay(events)
    periods: list[HalfLifePeriod] = []
    lines: list[ScoreChanged] = []
    contributions: list[int] = []
    last_write = 0
    for event in _in_log_order(events):
        if isinstance(event, HalfLifeChanged):
            periods.append(HalfLifePeriod(event.timestamp, event.new_half_life))
            continue
        if not isinstance(event, ScoreChanged) or (event.subject, event.role) != (account, role):
            continue
        contributions = [fade_across(c, last_write, event.timestamp, periods) for c in contributions]
        contributions.append(event.points)
        lines.append(event)
        last_write = event.timestamp
    if not lines:
        return []
    faded = [fade_across(c, last_write, now, periods) for c in contributions]
    explained = [Line(contribution, event) for contribution, event in zip(faded, lines, strict=True)]
    rounding = score_at(scores[(account, role)], now, periods) - sum(faded)
    if rounding:
        explained.append(Line(rounding, None))
    return explained
