"""Ratings: only a counterparty the source vouches for, once, never oneself; worth the value the relationship
settled (capped at one unit), the rater's identity, and less between accounts that deal again and again."""

import brownie
import pytest
from brownie import MockRatingSource, accounts, chain

from crowdledger.reputation import RATING_REASON, Role, rating_points
from tests.conftest import selectors_before
from tests.contracts.reputation.conftest import (
    ETH,
    ETH_MINIMUM,
    ETH_UNIT,
    RATING_POINTS,
    UNREGISTERED,
    WAD,
    credit,
    deal,
    reason,
    tag,
)

REF = 7
FULL = 10_000
# The target for a typical rating (the subject already has a score in that role, an unverified rater).
RATE_GAS_CEILING = 65_000


@pytest.fixture(scope="module")
def rater():
    return accounts[1]


@pytest.fixture(scope="module")
def subject():
    return accounts[2]


@pytest.fixture
def verified(reputation, attester):
    """verified(account): give `account` a valid level-1 attestation, so it weighs 10,000 bps."""

    def _verify(account):
        reputation.attest(account, 1, chain.time() + 100 * 86400, {"from": attester})

    return _verify


def relate(source, owner, rater, subject, value=ETH_UNIT, role=Role.WORKER, ref=REF, token=ETH):
    source.setRelationship(ref, rater, subject, role, token, value, {"from": owner})


@pytest.mark.parametrize(
    "stars, points", [(5, 2 * RATING_POINTS), (4, RATING_POINTS), (3, 0), (1, -2 * RATING_POINTS)]
)
def test_stars_move_the_score_by_their_distance_from_three(
    reputation, source, owner, rater, subject, verified, stars, points
):
    verified(rater)
    relate(source, owner, rater, subject)
    reputation.rate(source, REF, subject, stars, {"from": rater})
    assert reputation.scoreOf(subject, Role.WORKER) == points


def test_rating_emits_rated_with_its_inputs_and_score_changed(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject, value=ETH_UNIT // 4, role=Role.REQUESTER)
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    rated = tx.events["Rated"]
    assert (rated["rater"], rated["subject"], rated["source"]) == (rater, subject, source)
    # V(0.25 ETH) = 0.5, an unverified rater weighs 5,000 bps, no deals between them yet
    assert (rated["ref"], rated["stars"], rated["valueFactor"], rated["weightBps"], rated["pairDeals"]) == (
        REF,
        5,
        WAD // 2,
        5_000,
        0,
    )
    changed = tx.events["ScoreChanged"]
    assert (changed["subject"], changed["role"], changed["module"], changed["ref"]) == (
        subject,
        Role.REQUESTER,
        source,
        REF,
    )
    assert bytes(changed["reason"]) == RATING_REASON == tag("rating")
    assert changed["points"] == changed["newScore"] == 2 * RATING_POINTS // 2 // 2 == 5 * WAD


def test_the_value_scales_a_rating_and_is_capped_at_one_unit(
    reputation, source, owner, rater, subject, verified
):
    verified(rater)
    relate(source, owner, rater, subject, value=ETH_UNIT // 100 * 9)  # V = 0.3
    relate(source, owner, rater, subject, value=100 * ETH_UNIT, ref=REF + 1)  # V = 10, capped at 1
    small = reputation.rate(source, REF, subject, 1, {"from": rater})
    large = reputation.rate(source, REF + 1, subject, 5, {"from": rater})
    assert small.events["ScoreChanged"]["points"] == -2 * RATING_POINTS * 3 // 10
    assert large.events["Rated"]["valueFactor"] == WAD
    assert large.events["ScoreChanged"]["points"] == 2 * RATING_POINTS


def test_a_rating_about_dust_or_an_unregistered_asset_is_recorded_and_worth_nothing(
    reputation, source, owner, rater, subject, verified
):
    verified(rater)
    relate(source, owner, rater, subject, value=ETH_MINIMUM - 1)
    relate(source, owner, rater, subject, value=100 * ETH_UNIT, token=UNREGISTERED, ref=REF + 1)
    for ref in (REF, REF + 1):
        tx = reputation.rate(source, ref, subject, 5, {"from": rater})
        assert tx.events["Rated"]["valueFactor"] == 0
        assert tx.events["ScoreChanged"]["points"] == 0
        assert source.hasRated(ref, rater, subject)
    assert reputation.scoreOf(subject, Role.WORKER) == 0


def test_verified_raters_weigh_more_than_unverified_ones(reputation, source, owner, subject, verified):
    plain_rater, known_rater = accounts[3], accounts[4]
    verified(known_rater)
    relate(source, owner, plain_rater, subject)
    relate(source, owner, known_rater, subject)
    unverified = reputation.rate(source, REF, subject, 5, {"from": plain_rater}).events["ScoreChanged"][
        "points"
    ]
    full = reputation.rate(source, REF, subject, 5, {"from": known_rater}).events["ScoreChanged"]["points"]
    assert (unverified, full) == (RATING_POINTS, 2 * RATING_POINTS)


def test_the_owner_sets_what_an_unverified_rater_weighs_and_which_level_verifies(
    reputation, source, owner, rater, subject, verified
):
    tx = reputation.setIdentityWeights(2, 1_000, {"from": owner})
    assert (
        tx.events["IdentityWeightsSet"]["identityLevel"],
        tx.events["IdentityWeightsSet"]["unverifiedWeightBps"],
    ) == (
        2,
        1_000,
    )
    verified(rater)  # level 1: no longer enough
    assert reputation.identityWeightBps(rater) == 1_000
    relate(source, owner, rater, subject)
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    assert tx.events["ScoreChanged"]["points"] == 2 * RATING_POINTS // 10


def test_identity_weighting_refuses_level_zero_and_more_than_full_weight(reputation, owner):
    with brownie.reverts(reason("LevelIsZero")):
        reputation.setIdentityWeights(0, 5_000, {"from": owner})
    with brownie.reverts(reason("WeightAboveFull", 10_001, 10_000)):
        reputation.setIdentityWeights(1, 10_001, {"from": owner})


def test_ratings_between_accounts_that_dealt_before_weigh_less(
    reputation, source, owner, recorder, rater, subject, verified
):
    verified(rater)
    for ref in (REF, REF + 1, REF + 2):
        relate(source, owner, rater, subject, ref=ref)
    first = reputation.rate(source, REF, subject, 5, {"from": rater})  # no deal yet: divided by 1
    deal(reputation, recorder, subject, rater, ETH_UNIT)
    second = reputation.rate(source, REF + 1, subject, 5, {"from": rater})  # one deal: still by 1
    deal(reputation, recorder, rater, subject, ETH_UNIT)  # the pair is unordered
    deal(reputation, recorder, subject, rater, ETH_UNIT)
    third = reputation.rate(source, REF + 2, subject, 5, {"from": rater})  # three deals: by 3
    assert [tx.events["Rated"]["pairDeals"] for tx in (first, second, third)] == [0, 1, 3]
    points = [tx.events["ScoreChanged"]["points"] for tx in (first, second, third)]
    assert points == [2 * RATING_POINTS, 2 * RATING_POINTS, 2 * RATING_POINTS // 3]


def test_every_rating_is_priced_as_the_python_audit_prices_it(reputation, source, owner, rater, subject):
    relate(source, owner, rater, subject, value=ETH_UNIT // 7 + 3)
    tx = reputation.rate(source, REF, subject, 2, {"from": rater})
    rated = tx.events["Rated"]
    expected = rating_points(2, rated["valueFactor"], rated["weightBps"], rated["pairDeals"])
    assert tx.events["ScoreChanged"]["points"] == expected < 0


def test_rating_without_a_relationship_reverts_in_the_source(reputation, source, rater, subject):
    with brownie.reverts(reason("NoRelationship", REF, rater, subject)):
        reputation.rate(source, REF, subject, 5, {"from": rater})


def test_rating_twice_for_the_same_relationship_reverts_in_the_source(
    reputation, source, owner, rater, subject
):
    relate(source, owner, rater, subject)
    reputation.rate(source, REF, subject, 3, {"from": rater})  # a neutral rating is a rating too
    assert source.hasRated(REF, rater, subject)
    with brownie.reverts(reason("AlreadyRated", REF, rater, subject)):
        reputation.rate(source, REF, subject, 5, {"from": rater})


def test_each_relationship_and_each_rater_rates_once(reputation, source, owner, rater, subject, verified):
    other_rater = accounts[3]
    verified(rater)
    verified(other_rater)
    reputation.setHalfLife(0, {"from": owner})  # no fading between the three blocks
    relate(source, owner, rater, subject)
    relate(source, owner, rater, subject, ref=REF + 1)
    relate(source, owner, other_rater, subject)
    reputation.rate(source, REF, subject, 5, {"from": rater})
    reputation.rate(source, REF + 1, subject, 5, {"from": rater})
    reputation.rate(source, REF, subject, 5, {"from": other_rater})
    assert not source.hasRated(REF, subject, rater)
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
    credit(reputation, recorder, subject, Role.WORKER, WAD, "task.accepted", REF)
    tx = reputation.rate(source, REF, subject, 5, {"from": rater})
    print(f"rate, typical: {tx.gas_used:,} gas")
    assert tx.gas_used <= RATE_GAS_CEILING


def test_nothing_added_for_pricing_sorts_before_rate_in_the_dispatcher(reputation):
    """Each function or public constant whose selector sorts before rate's costs every rating 22 gas: before
    rate are only the interface's scoreOf and recordValue and what the ledger had before issue 10."""
    assert selectors_before(reputation, "rate(address,uint256,address,uint8)") == 11
