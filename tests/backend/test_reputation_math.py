"""The reputation arithmetic of crowdledger.reputation: fading across half-life periods, replay, explanations,
and the prices of deals, values and ratings. No chain needed."""

import dataclasses
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crowdledger.reputation import (
    DEFAULT_HALF_LIFE,
    WAD,
    DealRecorded,
    HalfLifeChanged,
    HalfLifePeriod,
    LedgerEvent,
    Line,
    NoHalfLife,
    PriceMismatch,
    Rated,
    Role,
    Score,
    ScoreChanged,
    ScoreMismatch,
    ValueRecorded,
    check_prices,
    current_half_life,
    deal_points,
    explain,
    fade,
    fade_across,
    half_life_periods,
    rating_points,
    replay,
    score_at,
    value_factor,
    value_points,
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
        self.events: list[LedgerEvent] = []
        self.block = 1
        self.half_life = 0
        self.set_half_life(0, half_life)

    @property
    def periods(self) -> list[HalfLifePeriod]:
        return half_life_periods(self.events)

    def set_half_life(self, timestamp: int, half_life: int) -> None:
        self.events.append(HalfLifeChanged(self.block, 0, timestamp, self.half_life, half_life))
        self.block += 1
        self.half_life = half_life

    def record(
        self, timestamp: int, points: int, subject: str = ALICE, role: Role = Role.CREATOR
    ) -> ScoreChanged:
        stored = replay(self.events).get((subject, role), Score(0, 0))
        new_score = score_at(stored, timestamp, self.periods) + points
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
    assert score_at(Score(8, 1_000), 1_000 + HOUR, [HalfLifePeriod(0, HOUR)]) == 4


# --------------------------------------------------------------------------- fading across periods


def test_each_period_fades_its_own_stretch_with_its_own_half_life():
    periods = [HalfLifePeriod(0, HOUR), HalfLifePeriod(10 * HOUR, 2 * HOUR), HalfLifePeriod(20 * HOUR, 0)]
    # stored at 9h: 1h at 1h (halves), 10h at 2h (5 halvings), then no fading
    assert fade_across(64 * 2**10, 9 * HOUR, 30 * HOUR, periods) == 64 * 2**10 // 2 // 32


def test_a_half_life_change_does_not_reach_back_before_its_block():
    """8 earned at 0 under a 1-hour half-life; at 1h it becomes 1 day. At 2h the first hour has halved the
    score, and the second faded it under the new rule: not the 2 a 1-hour half-life over both hours gives."""
    periods = [HalfLifePeriod(0, HOUR), HalfLifePeriod(HOUR, 24 * HOUR)]
    assert fade_across(8 * WAD, 0, 2 * HOUR, periods) == fade(4 * WAD, HOUR, 24 * HOUR) > 2 * WAD


def test_a_score_stored_after_the_last_change_fades_only_with_the_current_half_life():
    periods = [HalfLifePeriod(0, 24 * HOUR), HalfLifePeriod(HOUR, HOUR)]
    assert fade_across(8, 5 * HOUR, 6 * HOUR, periods) == 4


def test_two_changes_in_one_block_leave_the_later_one_in_force():
    periods = [HalfLifePeriod(0, HOUR), HalfLifePeriod(HOUR, 0), HalfLifePeriod(HOUR, 2 * HOUR)]
    assert fade_across(16, 0, 3 * HOUR, periods) == 4  # 1h at 1h, 0 s at none, 2h at 2h


def test_fading_needs_a_period_in_force_and_time_that_runs_forward():
    with pytest.raises(NoHalfLife):
        fade_across(8, 5, 10, [HalfLifePeriod(6, HOUR)])
    with pytest.raises(ValueError):
        fade_across(8, 10, 5, [HalfLifePeriod(0, HOUR)])


@given(
    value=st.integers(-(2**191), 2**191 - 1),
    changes=st.lists(st.tuples(st.integers(0, 10 * HOUR), st.sampled_from([0, 1, 77, HOUR])), max_size=5),
    start=st.integers(0, 10 * HOUR),
    elapsed=st.integers(0, 20 * HOUR),
)
def test_fading_across_periods_never_grows_and_keeps_the_sign(value, changes, start, elapsed):
    periods = [HalfLifePeriod(0, HOUR)] + [HalfLifePeriod(at, h) for at, h in sorted(changes)]
    faded = fade_across(value, start, start + elapsed, periods)
    assert abs(faded) <= abs(value)
    assert faded == 0 or (faded > 0) == (value > 0)


@given(value=st.integers(0, 2**100), start=st.integers(0, 10 * HOUR), elapsed=st.integers(0, 20 * HOUR))
def test_one_period_fades_exactly_as_fade(value, start, elapsed):
    assert fade_across(value, start, start + elapsed, [HalfLifePeriod(0, HOUR)]) == fade(value, elapsed, HOUR)


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


def test_replay_fades_each_stretch_with_the_half_life_in_force_then():
    log = Log(half_life=HOUR)
    log.record(0, 16 * 2**20)
    log.set_half_life(HOUR, 2 * HOUR)  # from 1h on: the first hour still halves at 1h
    log.record(3 * HOUR, 0)
    assert replay(log.events)[(ALICE, Role.CREATOR)].value == 16 * 2**20 // 2 // 2
    log.set_half_life(3 * HOUR + 1, 0)
    log.record(10**9, 1)  # 1 s at 2h, then nothing
    expected = fade(16 * 2**20 // 4, 1, 2 * HOUR) + 1
    assert replay(log.events)[(ALICE, Role.CREATOR)].value == expected


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
    expected = score_at(replay(log.events)[(ALICE, Role.CREATOR)], now, log.periods)
    assert sum(line.contribution for line in lines) == expected
    assert [line.event.points for line in lines if line.event] == [points for _, points, _ in writes]
    # each fade truncates by less than 1 wei, per contribution and for the score, once per period crossed
    rounding = [line.contribution for line in lines if line.is_rounding]
    periods = len(log.periods)
    assert not rounding or abs(rounding[0]) <= periods * len(writes) * (len(writes) + 3) // 2


# --------------------------------------------------------------------------- Role


def test_role_mirrors_the_solidity_enum():
    source = (Path(__file__).parents[2] / "contracts/interfaces/IReputation.sol").read_text()
    body = re.search(r"enum Role \{([^}]*)\}", source)
    assert body is not None
    solidity = [name.strip() for name in body.group(1).split(",") if name.strip()]
    assert [role.name for role in Role] == [re.sub(r"(?<!^)(?=[A-Z])", "_", n).upper() for n in solidity]
    assert [role.value for role in Role] == list(range(len(solidity)))


# --------------------------------------------------------------------------- prices

TOKEN = "0x" + "d4" * 20


def test_the_value_factor_is_the_square_root_of_the_units_and_nothing_below_the_minimum():
    assert value_factor(WAD, WAD, WAD // 100) == WAD
    assert value_factor(100 * WAD, WAD, 0) == 10 * WAD
    assert value_factor(WAD // 100 - 1, WAD, WAD // 100) == 0
    assert value_factor(10**30, 0, 0) == 0  # unit 0: not registered
    assert value_factor(2**200, 1, 0) == value_factor(2**128 - 1, 1, 0)  # capped


@given(amount=st.integers(0, 2**140), more=st.integers(0, 2**100), unit=st.integers(1, 2**128))
def test_the_value_factor_grows_with_the_amount_but_slower(amount, more, unit):
    small, large = value_factor(amount, unit, 0), value_factor(amount + more, unit, 0)
    assert small <= large
    if amount + more < 2**128:
        assert large - small <= value_factor(more, unit, 0) + 2  # concave: sqrt(a + b) <= sqrt(a) + sqrt(b)


def test_deal_points_truncate_toward_zero_at_each_step():
    # 7 x 1.5 = 10.5 -> 10 (wei of WAD units), x 0.5 = 5, / 3 = 1
    assert deal_points(7, 3 * WAD // 2, 5_000, 2) == 1
    assert deal_points(-7, 3 * WAD // 2, 5_000, 2) == -1  # not -2, which flooring would give
    assert deal_points(0, WAD, 10_000, 0) == deal_points(5, 0, 10_000, 0) == 0


def test_a_repeat_pair_divides_a_deal_by_its_number():
    assert [deal_points(12 * WAD, WAD, 10_000, n) for n in range(4)] == [12 * WAD, 6 * WAD, 4 * WAD, 3 * WAD]


def test_value_points_telescope_over_cumulative_values():
    factors = [value_factor(amount, WAD, 0) for amount in (0, WAD, 3 * WAD, 4 * WAD)]
    pieces = sum(value_points(50 * WAD, a, b) for a, b in zip(factors, factors[1:], strict=False))
    assert value_points(50 * WAD, 0, factors[-1]) - 3 <= pieces <= value_points(50 * WAD, 0, factors[-1])


def test_a_rating_is_worth_its_value_capped_at_one_weighted_and_divided_by_the_pair_deals():
    assert rating_points(5, WAD, 10_000, 0) == 20 * WAD
    assert rating_points(5, 4 * WAD, 10_000, 1) == 20 * WAD  # capped at one unit; 1 deal divides by 1
    assert rating_points(1, WAD // 2, 5_000, 2) == -5 * WAD // 2
    assert rating_points(3, WAD, 10_000, 0) == 0
    assert rating_points(5, 0, 10_000, 0) == 0


def deal_event(block: int, earlier: int, payer_points: int = WAD) -> DealRecorded:
    return DealRecorded(
        block, 0, 10, ALICE, BOB, MODULE, 7, TOKEN, WAD, 3 * WAD, payer_points, earlier, WAD, 5_000, 10_000
    )


def change(
    block: int, log_index: int, subject: str, points: int, module: str = MODULE, ref: int = 7
) -> ScoreChanged:
    return ScoreChanged(block, log_index, 10, subject, Role.WORKER, points, points, b"t" * 32, module, ref)


def test_check_prices_matches_each_price_with_the_score_changes_after_it():
    deal = deal_event(2, 1)
    rated = Rated(3, 0, 11, BOB, ALICE, MODULE, 7, 5, WAD // 2, 5_000, 2)
    value = ValueRecorded(4, 0, 12, ALICE, Role.CREATOR, MODULE, 7, TOKEN, 0, 1, 50 * WAD, 0, 0)
    events = [
        HalfLifeChanged(1, 0, 0, 0, HOUR),
        deal,
        change(2, 1, ALICE, 3 * WAD // 2 // 2),  # 3 x 1 x 0.5 / 2
        change(2, 2, BOB, WAD // 2),  # 1 x 1 x 1 / 2
        rated,
        change(3, 1, ALICE, rating_points(5, WAD // 2, 5_000, 2)),
        value,  # worth 0: writes nothing
    ]
    prices = check_prices(reversed(events))
    assert [(price.event, len(price.changes)) for price in prices] == [(deal, 2), (rated, 1), (value, 0)]


def test_a_score_change_with_other_points_than_its_price_is_reported():
    events = [deal_event(2, 0), change(2, 1, ALICE, 3 * WAD // 2 + 1), change(2, 2, BOB, WAD)]
    with pytest.raises(PriceMismatch, match="expected 1500000000000000000 points"):
        check_prices(events)


def test_a_missing_or_unpriced_score_change_is_reported():
    with pytest.raises(PriceMismatch, match="found none"):
        check_prices([deal_event(2, 0), change(2, 1, ALICE, 3 * WAD // 2)])
    with pytest.raises(PriceMismatch, match="no pricing event"):
        check_prices([change(2, 1, ALICE, 5)])
    with pytest.raises(PriceMismatch, match="from 0x"):
        check_prices([deal_event(2, 0, payer_points=0), change(2, 1, ALICE, 3 * WAD // 2, ref=8)])
