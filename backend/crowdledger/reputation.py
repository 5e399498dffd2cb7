"""Reputation scores rebuilt from the Reputation contract's events alone.

The contract keeps one score per (account, role) and fades it lazily: each write fades the stored value from
its last update to the write's block time with the half-life in force then, adds the points, and emits
ScoreChanged with the points and the new score. Replaying those writes with the same integer arithmetic
(`fade`) gives every score exactly, and proves each ScoreChanged's newScore; `explain` says how much each
event still contributes today.

Pure Python: the events come in as typed records, decoded by whoever read them from the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from crowdledger.errors import NotRetryableError, ReplayMismatch

DEFAULT_HALF_LIFE = 90 * 24 * 3600  # seconds; what the contract's constructor sets
FULL_FADE_HALVINGS = 192  # after this many half-lives any int192 score has faded to 0
RATING_REASON = b"rating".ljust(32, b"\x00")


class Role(IntEnum):
    """The roles a score is kept for; the values are those of Solidity's `Role` in IReputation.sol."""

    CREATOR = 0
    BACKER = 1
    REQUESTER = 2
    WORKER = 3
    REVIEWER = 4


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


ReputationEvent = ScoreChanged | HalfLifeChanged
ScoreKey = tuple[str, Role]


@dataclass(frozen=True)
class Score:
    """A score as stored on chain: `value` as of `updated_at`, not yet faded since then."""

    value: int
    updated_at: int


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


class ScoreMismatch(ReplayMismatch):
    """A ScoreChanged's newScore differs from the replay: the contract and this module disagree."""

    def __init__(self, event: ScoreChanged, replayed: int) -> None:
        super().__init__(
            f"ScoreChanged at block {event.block_number} log {event.log_index} for {event.subject} as "
            f"{event.role.name}: the event says newScore {event.new_score}, the replay gives {replayed}"
        )
        self.event = event
        self.replayed = replayed


class NoHalfLife(NotRetryableError):
    """A ScoreChanged came before any HalfLifeChanged (the constructor emits one, so events are missing)."""


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


def score_at(score: Score, now: int, half_life: int) -> int:
    """What scoreOf returns at block time `now` while `half_life` is in force."""
    return fade(score.value, now - score.updated_at, half_life)


def _in_log_order(events: Iterable[ReputationEvent]) -> list[ReputationEvent]:
    return sorted(events, key=lambda event: event.key)


def current_half_life(events: Iterable[ReputationEvent]) -> int:
    """The half-life in force after the last of `events`."""
    changes = [event for event in _in_log_order(events) if isinstance(event, HalfLifeChanged)]
    if not changes:
        raise NoHalfLife("no HalfLifeChanged among the events (the constructor emits the first)")
    return changes[-1].new_half_life


def replay(events: Iterable[ReputationEvent]) -> dict[ScoreKey, Score]:
    """Every score, recomputed from the events alone (in any order; they are sorted by their key).

    Raises ScoreMismatch at the first ScoreChanged whose newScore the replay does not reproduce, and
    NoHalfLife when a score changes before any half-life was set.
    """
    scores: dict[ScoreKey, Score] = {}
    half_life: int | None = None
    for event in _in_log_order(events):
        if isinstance(event, HalfLifeChanged):
            half_life = event.new_half_life
            continue
        if half_life is None:
            raise NoHalfLife(f"ScoreChanged at block {event.block_number} before any HalfLifeChanged")
        key = (event.subject, event.role)
        stored = scores.get(key, Score(0, 0))
        new_value = score_at(stored, event.timestamp, half_life) + event.points
        if new_value != event.new_score:
            raise ScoreMismatch(event, new_value)
        scores[key] = Score(new_value, event.timestamp)
    return scores


def explain(account: str, role: Role, events: Sequence[ReputationEvent], now: int) -> list[Line]:
    """Each of `account`'s ScoreChanged events in `role` with what it still contributes at time `now`.

    A contribution is the event's points faded the way the score itself was: from each write to the next
    with the half-life in force at the later one, then to `now` with the current half-life. Fading truncates
    each piece on its own, so the contributions can fall short of (or, for mixed signs, exceed) the score by
    a few wei per event per write after it; a final rounding line holds that difference, so the lines always
    add up to the score. The events are checked by `replay` first.
    """
    scores = replay(events)
    half_life: int | None = None
    lines: list[ScoreChanged] = []
    contributions: list[int] = []
    last_write = 0
    for event in _in_log_order(events):
        if isinstance(event, HalfLifeChanged):
            half_life = event.new_half_life
            continue
        if (event.subject, event.role) != (account, role):
            continue
        assert half_life is not None  # replay raised NoHalfLife otherwise
        elapsed = event.timestamp - last_write
        contributions = [fade(c, elapsed, half_life) for c in contributions]
        contributions.append(event.points)
        lines.append(event)
        last_write = event.timestamp
    if not lines:
        return []
    final_half_life = current_half_life(events)
    faded = [fade(c, now - last_write, final_half_life) for c in contributions]
    explained = [Line(contribution, event) for contribution, event in zip(faded, lines, strict=True)]
    rounding = score_at(scores[(account, role)], now, final_half_life) - sum(faded)
    if rounding:
        explained.append(Line(rounding, None))
    return explained
