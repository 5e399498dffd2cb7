"""The reputation arithmetic of crowdledger.reputation: fading, replay, explanations. No chain needed."""

import dataclasses
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crowdledger.reputation import (
    DEFAULT_HALF_LIFE,
    HalfLifeChanged,
    Line,
    NoHalfLife,
    ReputationEvent,
    Role,
    Score,
    ScoreChanged,
    ScoreMismatch,
    current_half_life,
    explain,
    fade,
    replay,
    score_at,
)

HOUR = 3600
ALICE = "0x" + "a1" * 20
BOB = "0x" + "b2" * 20
MODULE = "0x" + "c3" * 20
INT192_MAX = 2**191 - 1

magnitudes = st.integers(0, INT192_MAX) | st.integers(0, 1000)
half_lives = st.integers(1, 2**32 - 1) | st.integers(1, 100)


class Log:
    """Builds a consistent event log the way the contract would emit it, one event per block."""

    def __init__(self, half_life: int = DEFAULT_HALF_LIFE) -> None:
        self.events: list[ReputationEvent] = []
        self.block = 1
        self.half_life = 0
        self.set_half_life(0, half_life)

    def set_half_life(self, timestamp: int, half_life: int) -> None:
        self.events.append(HalfLifeChanged(self.block, 0, timestamp, self.half_life, half_life))
        self.block += 1
        self.half_life = half_life

    def record(
        self, timestamp: int, points: int, subject: str = ALICE, role: Role = Role.CREATOR
    ) -> ScoreChanged:
        stored = replay(self.events).get((subject, role), Score(0, 0))
        new_score = score_at(stored, timestamp, self.half_life) + points
        event = ScoreChanged(self.block, 0, timestamp, subject, role, points, new_score, b"t" * 32, MODULE, 1)
        self.events.append(event)
        self.block += 1
        return event


# --------------------------------------------------------------------------- fade


def test_no_half_life_or_no_time_means_no_fading():
    assert fade(12345, 10**9, 0) == 12345
    assert fade(-12345, 0, HOUR) == -12345


def test_one_half_life_halves_and_halfway_to_the_next_takes_a_quarter_more():
    assert fade(8 * 10**18, HOUR, HOUR) == 4 * 10**18
    assert fade(8 * 10**18, HOUR + HOUR // 2, HOUR) == 3 * 10**18
    assert fade(8 * 10**18, HOUR // 2, HOUR) == 6 * 10**18


def test_fading_truncates_the_magnitude_so_negative_scores_mirror_positive_ones():
    assert fade(3, HOUR, HOUR) == 1
    assert fade(-3, HOUR, HOUR) == -1
    assert fade(7, 1, 2) == 6  # 7 - 7 * 1 // 4 = 7 - 1
    assert fade(-7, 1, 2) == -6  # not -7 - (-7 // 4) = -5, which flooring would give


def test_after_192_half_lives_anything_is_zero():
    assert fade(INT192_MAX, 190, 1) == 1
    assert fade(INT192_MAX, 191, 1) == 0
    assert fade(2**300, 192, 1) == 0  # the shortcut, even for a value no int192 holds


def test_negative_time_or_half_life_is_refused():
    with pytest.raises(ValueError):
        fade(1, -1, HOUR)
    with pytest.raises(ValueError):
        fade(1, 1, -HOUR)


@given(magnitude=magnitudes, elapsed=st.integers(0, 2**40), half_life=half_lives)
def test_fade_is_odd_and_never_grows(magnitude, elapsed, half_life):
    faded = fade(magnitude, elapsed, half_life)
    assert 0 <= faded <= magnitude
    assert fade(-magnitude, elapsed, half_life) == -faded


@given(magnitude=magnitudes, elapsed=st.integers(0, 2**34), more=st.integers(0, 2**20), half_life=half_lives)
def test_fade_never_increases_with_time(magnitude, elapsed, more, half_life):
    assert fade(magnitude, elapsed + more, half_life) <= fade(magnitude, elapsed, half_life)


@given(magnitude=st.integers(0, 2**64), halvings=st.integers(0, 191), half_life=half_lives)
def test_whole_half_lives_are_exact_halvings(magnitude, halvings, half_life):
    assert fade(magnitude, halvings * half_life, half_life) == magnitude >> halvings


def test_score_at_fades_from_the_last_update():
    assert score_at(Score(8, 1_000), 1_000 + HOUR, HOUR) == 4


# --------------------------------------------------------------------------- replay


def test_replay_fades_the_stored_value_at_each_write_then_adds():
    log = Log(half_life=HOUR)
    log.record(100, 8 * 10**18)
    last = log.record(100 + HOUR, 10**18)
    assert last.new_score == 5 * 10**18
    assert replay(log.events)[(ALICE, Role.CREATOR)] == Score(5 * 10**18, 100 + HOUR)


def test_replay_keeps_accounts_and_roles_apart():
    log = Log()
    log.record(10, 5)
    log.record(11, 7, role=Role.WORKER)
    log.record(12, -2, subject=BOB)
    scores = replay(log.events)
    assert scores == {
        (ALICE, Role.CREATOR): Score(5, 10),
        (ALICE, Role.WORKER): Score(7, 11),
        (BOB, Role.CREATOR): Score(-2, 12),
    }


def test_replay_applies_the_half_life_in_force_at_each_write():
    log = Log(half_life=HOUR)
    log.record(0, 16)
    log.set_half_life(10, 2 * HOUR)  # applies to the whole gap since the write at 0
    log.record(2 * HOUR, 0)
    assert replay(log.events)[(ALICE, Role.CREATOR)].value == 8
    log.set_half_life(2 * HOUR + 1, 0)
    log.record(10**9, 1)
    assert replay(log.events)[(ALICE, Role.CREATOR)].value == 9


def test_replay_sorts_the_events_by_block_and_log_index():
    log = Log(half_life=HOUR)
    for t in range(0, 10 * HOUR, 1_234):
        log.record(t, 10**18 + t)
    shuffled = list(log.events)
    random.Random(7).shuffle(shuffled)
    assert replay(shuffled) == replay(log.events)


def test_a_new_score_the_replay_does_not_reproduce_is_reported():
    log = Log(half_life=HOUR)
    log.record(0, 8)
    honest = log.record(HOUR, 1)
    forged = dataclasses.replace(honest, new_score=6)
    with pytest.raises(ScoreMismatch, match="newScore 6, the replay gives 5") as raised:
        replay([*log.events[:-1], forged])
    assert raised.value.event == forged and raised.value.replayed == 5


def test_a_score_change_before_any_half_life_is_reported():
    event = ScoreChanged(1, 0, 10, ALICE, Role.CREATOR, 5, 5, b"t" * 32, MODULE, 1)
    with pytest.raises(NoHalfLife):
        replay([event])
    with pytest.raises(NoHalfLife):
        current_half_life([event])


def test_the_current_half_life_is_the_last_one_set():
    log = Log(half_life=HOUR)
    log.set_half_life(5, 0)
    log.set_half_life(6, 77)
    assert current_half_life(reversed(log.events)) == 77


# --------------------------------------------------------------------------- explain


def test_a_single_event_explains_the_whole_score():
    log = Log(half_life=HOUR)
    event = log.record(0, 8)
    assert explain(ALICE, Role.CREATOR, log.events, HOUR) == [Line(4, event)]


def test_an_account_without_events_has_nothing_to_explain():
    log = Log()
    log.record(0, 8)
    assert explain(BOB, Role.CREATOR, log.events, 100) == []


def test_rounding_is_a_line_of_its_own_so_the_lines_add_up():
    """3 and 3 faded one half-life apart make 1 + 1, but 6 faded makes 3: one wei of rounding."""
    log = Log(half_life=HOUR)
    first = log.record(0, 3)
    second = log.record(1, 3)
    lines = explain(ALICE, Role.CREATOR, log.events, HOUR + 1)
    assert lines[:2] == [Line(1, first), Line(1, second)]
    assert lines[2].is_rounding and lines[2].contribution == 1
    assert sum(line.contribution for line in lines) == fade(6, HOUR, HOUR) == 3


@given(
    writes=st.lists(
        st.tuples(
            st.integers(0, 5 * HOUR), st.integers(-(10**24), 10**24), st.sampled_from([0, 1, 77, HOUR])
        ),
        min_size=1,
        max_size=12,
    ),
    later=st.integers(0, 50 * HOUR),
)
def test_explanations_always_add_up_to_the_score(writes, later):
    log = Log(half_life=HOUR)
    now = 0
    for gap, points, half_life in writes:
        now += gap
        if half_life != log.half_life:
            log.set_half_life(now, half_life)
        log.record(now, points)
    now += later
    lines = explain(ALICE, Role.CREATOR, log.events, now)
    expected = score_at(replay(log.events)[(ALICE, Role.CREATOR)], now, log.half_life)
    assert sum(line.contribution for line in lines) == expected
    assert [line.event.points for line in lines if line.event] == [points for _, points, _ in writes]
    # each fade truncates by less than 1 wei, per contribution and for the score: n + n(n+1)/2 at most
    rounding = [line.contribution for line in lines if line.is_rounding]
    assert not rounding or abs(rounding[0]) <= len(writes) * (len(writes) + 3) // 2


# --------------------------------------------------------------------------- Role


def test_role_mirrors_the_solidity_enum():
    source = (Path(__file__).parents[2] / "contracts/interfaces/IReputation.sol").read_text()
    body = re.search(r"enum Role \{([^}]*)\}", source)
    assert body is not None
    solidity = [name.strip() for name in body.group(1).split(",") if name.strip()]
    assert [role.name for role in Role] == [re.sub(r"(?<!^)(?=[A-Z])", "_", n).upper() for n in solidity]
    assert [role.value for role in Role] == list(range(len(solidity)))
