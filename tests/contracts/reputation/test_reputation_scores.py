"""Scores: who may write them, what a write stores and emits, and how they fade with the half-life."""

import brownie
from brownie import Reputation, accounts, chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crowdledger.reputation import Role, current_half_life, explain, fade, replay, score_at
from tests.contracts.reputation.conftest import (
    DAY,
    HALF_LIFE,
    WAD,
    mine_at,
    next_block_at,
    plain,
    reason,
    reputation_events,
    tag,
)

INT192_MAX = 2**191 - 1
CREATOR, BACKER, WORKER = Role.CREATOR, Role.BACKER, Role.WORKER


def record_at(reputation, recorder, timestamp, subject, role, points, why="test", ref=1):
    next_block_at(timestamp)
    return reputation.record(subject, role, points, tag(why), ref, {"from": recorder})


# --------------------------------------------------------------------------- deployment and admin


def test_constructor_sets_the_owner_and_the_default_half_life_with_its_event(owner):
    ledger = Reputation.deploy(owner, {"from": owner})
    assert ledger.owner() == owner
    assert ledger.halfLife() == HALF_LIFE == ledger.DEFAULT_HALF_LIFE()
    event = ledger.tx.events["HalfLifeChanged"]
    assert (event["oldHalfLife"], event["newHalfLife"]) == (0, HALF_LIFE)


def test_owner_registers_and_deregisters_a_module(reputation, owner):
    module = accounts[5]
    tx = reputation.setModule(module, True, {"from": owner})
    assert reputation.isModule(module)
    assert tx.events["ModuleSet"]["module"] == module and tx.events["ModuleSet"]["registered"] is True
    tx = reputation.setModule(module, False, {"from": owner})
    assert not reputation.isModule(module)
    assert tx.events["ModuleSet"]["registered"] is False


def test_only_the_owner_sets_modules_attesters_and_the_half_life(reputation):
    stranger = accounts[5]
    for call, args in (
        (reputation.setModule, (stranger, True)),
        (reputation.setAttester, (stranger, True)),
        (reputation.setHalfLife, (DAY,)),
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


def test_nothing_is_transferable():
    """The only transfer in the ABI is of the contract's own ownership; scores and attestations have none."""
    names = {item["name"] for item in Reputation.abi if item["type"] == "function"}
    suspicious = {name for name in names if any(word in name.lower() for word in ("transfer", "approve"))}
    assert suspicious == {"transferOwnership"}


# --------------------------------------------------------------------------- record


def test_record_by_a_non_module_reverts(reputation, owner, recorder):
    stranger = accounts[5]
    with brownie.reverts(reason("NotAModule", stranger)):
        reputation.record(accounts[1], CREATOR, WAD, tag("x"), 1, {"from": stranger})
    reputation.setModule(recorder, False, {"from": owner})
    with brownie.reverts(reason("NotAModule", recorder)):
        reputation.record(accounts[1], CREATOR, WAD, tag("x"), 1, {"from": recorder})


def test_record_credits_the_subject_and_emits_every_field(reputation, recorder):
    subject = accounts[1]
    tx = reputation.record(subject, WORKER, 5 * WAD, tag("task.accepted"), 42, {"from": recorder})
    event = tx.events["ScoreChanged"]
    assert event["subject"] == subject
    assert event["role"] == WORKER
    assert event["points"] == 5 * WAD
    assert event["newScore"] == 5 * WAD
    assert bytes(event["reason"]) == tag("task.accepted")
    assert event["module"] == recorder
    assert event["ref"] == 42
    assert plain(reputation.score(subject, WORKER)) == (5 * WAD, tx.timestamp)
    assert reputation.scoreOf(subject, WORKER) == 5 * WAD


def test_negative_points_debit_and_a_score_can_go_below_zero(reputation, recorder):
    subject = accounts[1]
    tx = record_at(reputation, recorder, chain.time() + 10, subject, CREATOR, 2 * WAD)
    tx = record_at(reputation, recorder, tx.timestamp, subject, CREATOR, -5 * WAD)
    assert tx.events["ScoreChanged"]["newScore"] == -3 * WAD
    assert reputation.scoreOf(subject, CREATOR) == -3 * WAD


def test_roles_and_accounts_keep_separate_scores(reputation, recorder):
    reputation.record(accounts[1], CREATOR, 7 * WAD, tag("x"), 1, {"from": recorder})
    assert reputation.scoreOf(accounts[1], BACKER) == 0
    assert reputation.scoreOf(accounts[2], CREATOR) == 0
    assert reputation.scoreOf(accounts[1], CREATOR) == 7 * WAD


def test_record_for_the_zero_address_reverts(reputation, recorder):
    with brownie.reverts(reason("ZeroAddress")):
        reputation.record("0x" + "00" * 20, CREATOR, WAD, tag("x"), 1, {"from": recorder})


def test_points_beyond_int192_revert(reputation, recorder):
    for points in (INT192_MAX + 1, -INT192_MAX - 1):
        with brownie.reverts(reason("PointsOutOfRange", points, INT192_MAX)):
            reputation.record(accounts[1], CREATOR, points, tag("x"), 1, {"from": recorder})


def test_a_score_that_would_leave_int192_reverts(reputation, owner, recorder):
    reputation.setHalfLife(0, {"from": owner})
    reputation.record(accounts[1], CREATOR, INT192_MAX, tag("x"), 1, {"from": recorder})
    with brownie.reverts(reason("ScoreOutOfRange", INT192_MAX + 1)):
        reputation.record(accounts[1], CREATOR, 1, tag("x"), 1, {"from": recorder})


# --------------------------------------------------------------------------- fading


def test_a_score_halves_after_one_half_life(reputation, recorder):
    tx = reputation.record(accounts[1], CREATOR, 8 * WAD, tag("x"), 1, {"from": recorder})
    mine_at(tx.timestamp + HALF_LIFE)
    assert reputation.scoreOf(accounts[1], CREATOR) == 4 * WAD


def test_between_halvings_a_score_fades_linearly(reputation, recorder):
    """1.5 half-lives: halved once, then a quarter of what is left goes (half of the way to the next half)."""
    tx = reputation.record(accounts[1], CREATOR, 8 * WAD, tag("x"), 1, {"from": recorder})
    mine_at(tx.timestamp + HALF_LIFE + HALF_LIFE // 2)
    assert reputation.scoreOf(accounts[1], CREATOR) == 3 * WAD


def test_negative_scores_fade_toward_zero_like_positive_ones(reputation, recorder):
    tx = reputation.record(accounts[1], CREATOR, -3, tag("x"), 1, {"from": recorder})
    reputation.record(accounts[2], CREATOR, 3, tag("x"), 1, {"from": recorder})
    mine_at(tx.timestamp + HALF_LIFE + 1)  # both truncate 3 -> 1
    assert reputation.scoreOf(accounts[1], CREATOR) == -1
    assert reputation.scoreOf(accounts[2], CREATOR) == 1


def test_after_191_half_lives_even_the_largest_score_is_gone(owner, reputation, recorder):
    reputation.setHalfLife(1, {"from": owner})
    tx = reputation.record(accounts[1], CREATOR, INT192_MAX, tag("x"), 1, {"from": recorder})
    mine_at(tx.timestamp + 190)
    assert reputation.scoreOf(accounts[1], CREATOR) == 1
    mine_at(tx.timestamp + 191)
    assert reputation.scoreOf(accounts[1], CREATOR) == 0
    assert reputation.fade(-INT192_MAX, 10**9, 1) == 0  # the 192-halvings shortcut


def test_a_write_fades_the_stored_value_to_now_before_adding(reputation, recorder):
    first = reputation.record(accounts[1], CREATOR, 8 * WAD, tag("x"), 1, {"from": recorder})
    second = record_at(reputation, recorder, first.timestamp + HALF_LIFE, accounts[1], CREATOR, WAD)
    event = second.events["ScoreChanged"]
    assert (event["points"], event["newScore"]) == (WAD, 5 * WAD)
    assert plain(reputation.score(accounts[1], CREATOR)) == (5 * WAD, second.timestamp)


def test_half_life_zero_stops_fading(reputation, owner, recorder):
    reputation.setHalfLife(0, {"from": owner})
    tx = reputation.record(accounts[1], CREATOR, 8 * WAD, tag("x"), 1, {"from": recorder})
    mine_at(tx.timestamp + 10 * 365 * DAY)
    assert reputation.scoreOf(accounts[1], CREATOR) == 8 * WAD


def test_a_new_half_life_applies_to_the_time_since_the_last_write(reputation, owner, recorder):
    """Lazy fading: the half-life in force when a score is read or written covers the whole gap."""
    tx = reputation.record(accounts[1], CREATOR, 8 * WAD, tag("x"), 1, {"from": recorder})
    reputation.setHalfLife(DAY, {"from": owner})
    mine_at(tx.timestamp + 2 * DAY)
    assert reputation.scoreOf(accounts[1], CREATOR) == 2 * WAD


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.integers(-INT192_MAX, INT192_MAX) | st.integers(-1000, 1000),
    elapsed=st.integers(0, 2**40) | st.integers(0, 1000),
    half_life=st.integers(0, 2**32 - 1) | st.integers(0, 100),
)
def test_the_contract_fades_exactly_as_the_python_replay(reputation, value, elapsed, half_life):
    assert reputation.fade(value, elapsed, half_life) == fade(value, elapsed, half_life)


def test_python_replay_rebuilds_the_scores_from_the_log_alone(reputation, owner, recorder):
    def record(subject, role, points, why, ref):
        return reputation_events(reputation.record(subject, role, points, tag(why), ref, {"from": recorder}))

    events = reputation_events(reputation.tx)
    events += record(accounts[1], CREATOR, 8 * WAD + 1, "a", 1)
    chain.sleep(10 * DAY + 7)
    events += record(accounts[1], CREATOR, -WAD, "b", 2)
    events += reputation_events(reputation.setHalfLife(3 * DAY + 1, {"from": owner}))
    chain.sleep(4 * DAY)
    events += record(accounts[1], CREATOR, 3, "c", 3)
    events += record(accounts[2], BACKER, WAD, "d", 4)
    chain.sleep(5 * DAY + 3)
    chain.mine()
    now = chain[-1].timestamp

    scores = replay(events)
    for subject, role in ((accounts[1], CREATOR), (accounts[2], BACKER)):
        stored = scores[(subject.address, role)]
        assert plain(reputation.score(subject, role)) == (stored.value, stored.updated_at)
        on_chain = reputation.scoreOf(subject, role)
        assert on_chain == score_at(stored, now, current_half_life(events))
        lines = explain(subject.address, role, events, now)
        assert sum(line.contribution for line in lines) == on_chain
    reasons = [line.event.reason for line in explain(accounts[1].address, CREATOR, events, now) if line.event]
    assert reasons == [tag("a"), tag("b"), tag("c")]
