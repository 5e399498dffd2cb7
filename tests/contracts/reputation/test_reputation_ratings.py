"""Ratings: only a counterparty the source vouches for, once per relationship, weighted, never oneself."""

import brownie
import pytest
from brownie import MockRatingSource, accounts

from crowdledger.reputation import RATING_REASON, Role
from tests.contracts.reputation.conftest import RATING_POINTS, WAD, reason, tag

REF = 7
FULL = 10_000
# Measured 67,576 on anvil 1.7.1 (see the report); this guards against regressions.
RATE_GAS_CEILING = 68_000


@pytest.fixture(scope="module")
def rater():
    return accounts[1]


@pytest.fixture(scope="module")
def subject():
    return accounts[2]


def relate(source, owner, rater, subject, weight_bps=FULL, role=Role.WORKER, ref=REF):
    source.setWeight(ref, rater, subject, role, weight_bps, {"from": owner})


@pytest.mark.parametrize(
    "stars, points", [(5, 2 * RATING_POINTS), (4, RATING_POINTS), (3, 0), (1, -2 * RATING_POINTS)]
)
def test_stars_move_the_score_by_their_distance_from_three(
    reputation, source, owner, rater, subject, stars, points
):
    relate(source, owner, rater, subject)
    reputation.rate(source, REF, subject, stars, {"from": rater})
    assert reputation.scoreOf(subject, Role.WORKER) == points


def test_rating_emits_rated_and_score_changed(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject, weight_bps=2_500, role=Role.REQUESTER)
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    rated = tx.events["Rated"]
    assert (rated["rater"], rated["subject"], rated["source"]) == (rater, subject, source)
    assert (rated["ref"], rated["stars"], rated["weightBps"]) == (REF, 5, 2_500)
    changed = tx.events["ScoreChanged"]
    assert (changed["subject"], changed["role"], changed["module"], changed["ref"]) == (
        subject,
        Role.REQUESTER,
        source,
        REF,
    )
    assert bytes(changed["reason"]) == RATING_REASON == tag("rating")
    assert changed["points"] == changed["newScore"] == 2 * RATING_POINTS * 2_500 // FULL == 5 * WAD


def test_the_weight_scales_the_points_exactly(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject, weight_bps=3_333)
    tx = reputation.rate(source, REF, subject, 1, {"from": rater})
    # RATING_POINTS / BPS = 1e15, so no rounding
    assert tx.events["ScoreChanged"]["points"] == -2 * 3_333 * 10**15


def test_a_weight_above_100_percent_is_capped(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject, weight_bps=25_000)
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    assert tx.events["Rated"]["weightBps"] == FULL
    assert reputation.scoreOf(subject, Role.WORKER) == 2 * RATING_POINTS


def test_rating_without_a_relationship_reverts(reputation, source, rater, subject):
    with brownie.reverts(reason("NotACounterparty", source, REF, rater, subject)):
        reputation.rate(source, REF, subject, 5, {"from": rater})


def test_rating_twice_for_the_same_relationship_reverts(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject)
    reputation.rate(source, REF, subject, 3, {"from": rater})  # a neutral rating is a rating too
    assert reputation.hasRated(source, REF, rater, subject)
    with brownie.reverts(reason("AlreadyRated", source, REF, rater, subject)):
        reputation.rate(source, REF, subject, 5, {"from": rater})


def test_each_relationship_and_each_rater_rates_once(reputation, source, owner, rater, subject):
    other_rater = accounts[3]
    reputation.setHalfLife(0, {"from": owner})  # no fading between the three blocks
    relate(source, owner, rater, subject)
    relate(source, owner, rater, subject, ref=REF + 1)
    relate(source, owner, other_rater, subject)
    reputation.rate(source, REF, subject, 5, {"from": rater})
    reputation.rate(source, REF + 1, subject, 5, {"from": rater})
    reputation.rate(source, REF, subject, 5, {"from": other_rater})
    assert not reputation.hasRated(source, REF, subject, rater)
    assert reputation.scoreOf(subject, Role.WORKER) == 6 * RATING_POINTS


def test_rating_yourself_reverts(reputation, source, owner, rater):
    relate(source, owner, rater, rater)
    with brownie.reverts(reason("SelfRating")):
        reputation.rate(source, REF, rater, 5, {"from": rater})


@pytest.mark.parametrize("stars", [0, 6, 255])
def test_stars_outside_one_to_five_revert(reputation, source, owner, rater, subject, stars):
    relate(source, owner, rater, subject)
    with brownie.reverts(reason("StarsOutOfRange", stars, 1, 5)):
        reputation.rate(source, REF, subject, stars, {"from": rater})


def test_a_source_that_is_not_a_module_is_not_believed(reputation, owner, rater, subject):
    rogue = MockRatingSource.deploy({"from": rater})
    relate(rogue, rater, rater, subject)
    with brownie.reverts(reason("NotAModule", rogue)):
        reputation.rate(rogue, REF, subject, 5, {"from": rater})


def test_a_typical_rating_costs_under_the_ceiling(reputation, source, recorder, owner, rater, subject):
    """Typical: the subject already has a score in that role (from the module's own record)."""
    relate(source, owner, rater, subject)
    reputation.record(subject, Role.WORKER, WAD, tag("task.accepted"), REF, {"from": recorder})
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    print(f"rate, typical: {tx.gas_used:,} gas")
    assert tx.gas_used <= RATE_GAS_CEILING
