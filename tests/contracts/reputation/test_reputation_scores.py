"""Scores: who may write them, what a write stores and emits, how they fade, and how a half-life change
applies from its block on without rewriting the past."""

import brownie
from brownie import Reputation, accounts, chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crowdledger.reputation import (
    HalfLifePeriod,
    Role,
    current_half_life,
    explain,
    fade,
    fade_across,
    half_life_periods,
    replay,
    score_at,
)
from tests.contracts.reputation.conftest import (
    DAY,
    ETH,
    ETH_UNIT,
    HALF_LIFE,
    WAD,
    credit,
    mine_at,
    next_block_at,
    plain,
    reason,
    reputation_events,
    tag,
)

INT192_MAX = 2**191 - 1
INT128_MAX = 2**127 - 1
CREATOR, BACKER, WORKER = Role.CREATOR, Role.BACKER, Role.WORKER


def credit_at(reputation, recorder, timestamp, subject, role, points, why="test", ref=1):
    next_block_at(timestamp)
    return credit(reputation, recorder, subject, role, points, why, ref)


# --------------------------------------------------------------------------- deployment and admin


def test_constructor_sets_the_owner_the_default_half_life_and_identity_weighting_with_events(owner):
    ledger = Reputation.deploy(owner, {"from": owner})
    assert ledger.owner() == owner
    assert ledger.halfLife() == HALF_LIFE == ledger.DEFAULT_HALF_LIFE()
    event = ledger.tx.events["HalfLifeChanged"]
    assert (event["oldHalfLife"], event["newHalfLife"]) == (0, HALF_LIFE)
    assert [plain(p) for p in ledger.halfLifeSchedule()] == [(ledger.tx.timestamp, HALF_LIFE)]
    weighting = ledger.tx.events["IdentityWeightsSet"]
    assert (weighting["identityLevel"], weighting["unverifiedWeightBps"]) == (1, 5_000)
    assert (ledger.identityLevel(), ledger.unverifiedWeightBps()) == (1, 5_000)


def test_owner_registers_and_deregisters_a_module(reputation, owner):
    module = accounts[5]
    tx = reputation.setModule(module, True, {"from": owner})
    assert reputation.isModule(module)
    assert tx.events["ModuleSet"]["module"] == module and tx.events["ModuleSet"]["registered"] is True
    tx = reputation.setModule(module, False, {"from": owner})
    assert not reputation.isModule(module)
    assert tx.events["ModuleSet"]["registered"] is False


def test_only_the_owner_sets_modules_attesters_assets_weighting_and_the_half_life(reputation):
    stranger = accounts[5]
    for call, args in (
        (reputation.setModule, (stranger, True)),
        (reputation.setAttester, (stranger, True)),
        (reputation.setHalfLife, (DAY,)),
        (reputation.setAsset, (ETH, 1, 0)),
        (reputation.setIdentityWeights, (2, 0)),
    ):
        with brownie.reverts(reason("OwnableUnauthorizedAccount", stranger)):
            call(*args, {"from": stranger})


def test_zero_address_cannot_be_a_module_or_an_attester(reputation, owner):
    zero = "0x" + "00" * 20
    with brownie.reverts(reason("ZeroAddress")):
        reputation.setModule(zero, True, {"from": owner})
    with brownie.reverts(reason("ZeroAddress")):
        reputation.setAttester(zero, True, {"from": owner})


def test_ownership_moves_in_two_steps(reputation, owner):
    successor = accounts[5]
    reputation.transferOwnership(successor, {"from": owner})
    assert reputation.owner() == owner
    reputation.acceptOwnership({"from": successor})
    assert reputation.owner() == successor


def test_set_half_life_emits_old_and_new(reputation, owner):
    tx = reputation.setHalfLife(7 * DAY, {"from": owner})
    assert reputation.halfLife() == 7 * DAY
    event = tx.events["HalfLifeChanged"]
    assert (event["oldHalfLife"], event["newHalfLife"]) == (HALF_LIFE, 7 * DAY)
    assert plain(reputation.halfLifeSchedule()[-1]) == (tx.timestamp, 7 * DAY)


def test_the_half_life_history_is_bounded_by_a_named_error(reputation, owner):
    """The constructor's period and 15 changes fill the history; a 16th change is refused, so no read ever
    walks more than 16 periods."""
    for half_life in range(1, 16):
        reputation.setHalfLife(half_life * DAY, {"from": owner})
    assert len(reputation.halfLifeSchedule()) == reputation.HALF_LIFE_PERIOD_LIMIT() == 16
    with brownie.reverts(reason("HalfLifeHistoryFull", 16)):
        reputation.setHalfLife(DAY, {"from": owner})


def test_nothing_is_transferable():
    """The only transfer in the ABI is of the contract's own ownership; scores and attestations have none."""
    names = {item["name"] for item in Reputation.abi if item["type"] == "function"}
    suspicious = {name for name in names if any(word in name.lower() for word in ("transfer", "approve"))}
    assert suspicious == {"transferOwnership"}


def test_there_is_one_way_to_write_points_and_it_takes_settled_value():
    """No function takes points to write as they are: modules report deals and values, the ledger prices."""
    names = {item["name"] for item in Reputation.abi if item["type"] == "function"}
    assert "record" not in names
    assert {"recordDeal", "recordValue", "rate"} <= names


# --------------------------------------------------------------------------- recordValue


def test_record_value_by_a_non_module_reverts(reputation, owner, recorder):
    stranger = accounts[5]
    with brownie.reverts(reason("NotAModule", stranger)):
        credit(reputation, stranger, accounts[1], CREATOR, WAD)
    reputation.setModule(recorder, False, {"from": owner})
    with brownie.reverts(reason("NotAModule", recorder)):
        credit(reputation, recorder, accounts[1], CREATOR, WAD)


def test_record_value_credits_the_subject_and_emits_every_field(reputation, recorder):
    subject = accounts[1]
    tx = reputation.recordValue(
        subject, WORKER, 5 * WAD, ETH, ETH_UNIT, 4 * ETH_UNIT, tag("task.accepted"), 42, {"from": recorder}
    )
    priced = tx.events["ValueRecorded"]
    assert (priced["subject"], priced["role"], priced["module"], priced["ref"]) == (
        subject,
        WORKER,
        recorder,
        42,
    )
    assert (priced["token"], priced["valueBefore"], priced["valueAfter"], priced["basePoints"]) == (
        ETH,
        ETH_UNIT,
        4 * ETH_UNIT,
        5 * WAD,
    )
    assert (priced["valueFactorBefore"], priced["valueFactorAfter"]) == (WAD, 2 * WAD)
    event = tx.events["ScoreChanged"]
    assert event["subject"] == subject
    assert event["role"] == WORKER
    assert event["points"] == 5 * WAD  # 5 x (V(4) - V(1)) = 5 x (2 - 1)
    assert event["newScore"] == 5 * WAD
    assert bytes(event["reason"]) == tag("task.accepted")
    assert event["module"] == recorder
    assert event["ref"] == 42
    assert plain(reputation.score(subject, WORKER)) == (5 * WAD, tx.timestamp)
    assert reputation.scoreOf(subject, WORKER) == 5 * WAD


def test_a_value_worth_nothing_is_priced_but_writes_no_score(reputation, recorder):
    tx = reputation.recordValue(accounts[1], CREATOR, 50 * WAD, ETH, 0, 1, tag("dust"), 1, {"from": recorder})
    assert tx.events["ValueRecorded"]["valueFactorAfter"] == 0
    assert "ScoreChanged" not in tx.events
    assert plain(reputation.score(accounts[1], CREATOR)) == (0, 0)


def test_negative_points_debit_and_a_score_can_go_below_zero(reputation, recorder):
    subject = accounts[1]
    tx = credit_at(reputation, recorder, chain.time() + 10, subject, CREATOR, 2 * WAD)
    tx = credit_at(reputation, recorder, tx.timestamp, subject, CREATOR, -5 * WAD)
    assert tx.events["ScoreChanged"]["newScore"] == -3 * WAD
    assert reputation.scoreOf(subject, CREATOR) == -3 * WAD


def test_roles_and_accounts_keep_separate_scores(reputation, recorder):
    credit(reputation, recorder, accounts[1], CREATOR, 7 * WAD)
    assert reputation.scoreOf(accounts[1], BACKER) == 0
    assert reputation.scoreOf(accounts[2], CREATOR) == 0
    assert reputation.scoreOf(accounts[1], CREATOR) == 7 * WAD


def test_record_value_for_the_zero_address_reverts(reputation, recorder):
    with brownie.reverts(reason("ZeroAddress")):
        credit(reputation, recorder, "0x" + "00" * 20, CREATOR, WAD)


def test_base_points_beyond_int128_revert(reputation, recorder):
    for points in (INT128_MAX + 1, -INT128_MAX - 1):
        with brownie.reverts(reason("PointsOutOfRange", points, INT128_MAX)):
            credit(reputation, recorder, accounts[1], CREATOR, points)


def test_a_score_that_would_leave_int192_reverts(reputation, owner, recorder):
    """The largest base on the largest amount of a 1-wei-unit asset gives nearly 2^191 points: twice is too
    much."""
    reputation.setHalfLife(0, {"from": owner})
    huge = "0x" + "11" * 20
    reputation.setAsset(huge, 1, 0, {"from": owner})
    largest = 2**128 - 1
    tx = reputation.recordValue(
        accounts[1], CREATOR, INT128_MAX, huge, 0, largest, tag("x"), 1, {"from": recorder}
    )
    points = tx.events["ScoreChanged"]["points"]
    assert INT192_MAX // 2 < points <= INT192_MAX
    with brownie.reverts(reason("ScoreOutOfRange", 2 * points)):
        reputation.recordValue(
            accounts[1], CREATOR, INT128_MAX, huge, 0, largest, tag("x"), 1, {"from": recorder}
        )


# --------------------------------------------------------------------------- fading


def test_a_score_halves_after_one_half_life(reputation, recorder):
    tx = credit(reputation, recorder, accounts[1], CREATOR, 8 * WAD)
    mine_at(tx.timestamp + HALF_LIFE)
    assert reputation.scoreOf(accounts[1], CREATOR) == 4 * WAD


def test_between_halvings_a_score_fades_linearly(reputation, recorder):
    """1.5 half-lives: halved once, then a quarter of what is left goes (half of the way to the next half)."""
    tx = credit(reputation, recorder, accounts[1], CREATOR, 8 * WAD)
    mine_at(tx.timestamp + HALF_LIFE + HALF_LIFE // 2)
    assert reputation.scoreOf(accounts[1], CREATOR) == 3 * WAD


def test_negative_scores_fade_toward_zero_like_positive_ones(reputation, recorder):
    tx = credit(reputation, recorder, accounts[1], CREATOR, -3)
    credit(reputation, recorder, accounts[2], CREATOR, 3)
    mine_at(tx.timestamp + HALF_LIFE + 1)  # both truncate 3 -> 1
    assert reputation.scoreOf(accounts[1], CREATOR) == -1
    assert reputation.scoreOf(accounts[2], CREATOR) == 1


def test_after_192_half_lives_any_score_is_gone(owner, reputation, recorder):
    reputation.setHalfLife(1, {"from": owner})
    points = 3 * 2**100 + 1
    tx = credit(reputation, recorder, accounts[1], CREATOR, points)
    mine_at(tx.timestamp + 101)
    assert reputation.scoreOf(accounts[1], CREATOR) == points >> 101 == 1
    mine_at(tx.timestamp + 102)
    assert reputation.scoreOf(accounts[1], CREATOR) == 0
    assert reputation.fade(INT192_MAX, 190, 1) == 1
    assert reputation.fade(-INT192_MAX, 10**9, 1) == 0  # the 192-halvings shortcut


def test_a_write_fades_the_stored_value_to_now_before_adding(reputation, recorder):
    first = credit(reputation, recorder, accounts[1], CREATOR, 8 * WAD)
    second = credit_at(reputation, recorder, first.timestamp + HALF_LIFE, accounts[1], CREATOR, WAD)
    event = second.events["ScoreChanged"]
    assert (event["points"], event["newScore"]) == (WAD, 5 * WAD)
    assert plain(reputation.score(accounts[1], CREATOR)) == (5 * WAD, second.timestamp)


def test_half_life_zero_stops_fading(reputation, owner, recorder):
    reputation.setHalfLife(0, {"from": owner})
    tx = credit(reputation, recorder, accounts[1], CREATOR, 8 * WAD)
    mine_at(tx.timestamp + 10 * 365 * DAY)
    assert reputation.scoreOf(accounts[1], CREATOR) == 8 * WAD


def test_a_half_life_change_does_not_rewrite_the_past(reputation, owner, recorder):
    """8 points earned under a 90-day half-life; a day later the half-life becomes 1 day. The first day keeps
    fading at the 90-day rate: one day after the change the score is half of what the first day left, not the
    2 points a 1-day half-life over both days would give."""
    earned = credit(reputation, recorder, accounts[1], CREATOR, 8 * WAD)
    next_block_at(earned.timestamp + DAY)
    changed = reputation.setHalfLife(DAY, {"from": owner})
    mine_at(changed.timestamp + DAY)
    after_first_day = fade(8 * WAD, DAY, HALF_LIFE)
    assert reputation.scoreOf(accounts[1], CREATOR) == fade(after_first_day, DAY, DAY) == after_first_day // 2
    assert after_first_day // 2 > fade(8 * WAD, 2 * DAY, DAY) == 2 * WAD


def test_a_score_written_after_a_change_fades_with_the_new_half_life_only(reputation, owner, recorder):
    changed = reputation.setHalfLife(DAY, {"from": owner})
    earned = credit_at(reputation, recorder, changed.timestamp + 5, accounts[1], CREATOR, 8 * WAD)
    mine_at(earned.timestamp + 2 * DAY)
    assert reputation.scoreOf(accounts[1], CREATOR) == 2 * WAD


def test_a_score_fades_across_every_period_since_its_last_write(reputation, owner, recorder):
    earned = credit(reputation, recorder, accounts[1], CREATOR, 64 * WAD)
    periods = [HalfLifePeriod(p[0], p[1]) for p in reputation.halfLifeSchedule()]
    for offset, half_life in ((DAY, DAY), (3 * DAY, 0), (10 * DAY, 2 * DAY)):
        next_block_at(earned.timestamp + offset)
        tx = reputation.setHalfLife(half_life, {"from": owner})
        periods.append(HalfLifePeriod(tx.timestamp, half_life))
    now = earned.timestamp + 14 * DAY
    mine_at(now)
    expected = fade(fade(fade(fade(64 * WAD, DAY, HALF_LIFE), 2 * DAY, DAY), 7 * DAY, 0), 4 * DAY, 2 * DAY)
    assert (
        reputation.scoreOf(accounts[1], CREATOR)
        == expected
        == fade_across(64 * WAD, earned.timestamp, now, periods)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.integers(-INT192_MAX, INT192_MAX) | st.integers(-1000, 1000),
    elapsed=st.integers(0, 2**40) | st.integers(0, 1000),
    half_life=st.integers(0, 2**32 - 1) | st.integers(0, 100),
)
def test_the_contract_fades_exactly_as_the_python_replay(reputation, value, elapsed, half_life):
    assert reputation.fade(value, elapsed, half_life) == fade(value, elapsed, half_life)


def test_python_replay_rebuilds_the_scores_from_the_log_alone_across_half_life_changes(
    reputation, owner, recorder
):
    def record(subject, role, points, why, ref):
        return reputation_events(credit(reputation, recorder, subject, role, points, why, ref))

    events = reputation_events(reputation.tx)
    events += record(accounts[1], CREATOR, 8 * WAD + 1, "a", 1)
    chain.sleep(10 * DAY + 7)
    events += record(accounts[1], CREATOR, -WAD, "b", 2)
    events += reputation_events(reputation.setHalfLife(3 * DAY + 1, {"from": owner}))
    chain.sleep(4 * DAY)
    events += record(accounts[1], CREATOR, 3, "c", 3)
    events += record(accounts[2], BACKER, WAD, "d", 4)
    events += reputation_events(reputation.setHalfLife(DAY // 2, {"from": owner}))
    chain.sleep(5 * DAY + 3)
    chain.mine()
    now = chain[-1].timestamp

    scores = replay(events)  # raises ScoreMismatch unless every newScore is reproduced
    periods = half_life_periods(events)
    assert [plain(p) for p in reputation.halfLifeSchedule()] == [(p.since, p.half_life) for p in periods]
    assert current_half_life(events) == DAY // 2
    for subject, role in ((accounts[1], CREATOR), (accounts[2], BACKER)):
        stored = scores[(subject.address, role)]
        assert plain(reputation.score(subject, role)) == (stored.value, stored.updated_at)
        on_chain = reputation.scoreOf(subject, role)
        assert on_chain == score_at(stored, now, periods)
        lines = explain(subject.address, role, events, now)
        assert sum(line.contribution for line in lines) == on_chain
    reasons = [line.event.reason for line in explain(accounts[1].address, CREATOR, events, now) if line.event]
    assert reasons == [tag("a"), tag("b"), tag("c")]
