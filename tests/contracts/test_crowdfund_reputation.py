"""Crowdfund feeds the reputation ledger: creators gain on success and on each approved milestone, lose on a
failed campaign or a rejected milestone; backers of a funded campaign may rate its creator, weighted by
their share; and a ledger that refuses never blocks a payout."""

import brownie
import pytest
from brownie import Reputation

from tests.conftest import ETH, end_funding

WAD = 10**18
CREATOR = 0  # Role.Creator


@pytest.fixture(scope="module")
def reputation(crowdfund, owner):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    return ledger


def weight(crowdfund, campaign, rater, subject) -> tuple[int, int]:
    return tuple(int(value) for value in crowdfund.ratingWeight(campaign, rater, subject))


def scores(tx) -> list[tuple[str, int, str]]:
    return [
        (e["subject"], e["points"], bytes(e["reason"]).rstrip(b"\0").decode())
        for e in tx.events
        if e.name == "ScoreChanged"
    ]


def test_only_the_owner_sets_the_ledger_and_it_is_announced(crowdfund, owner, creator):
    with brownie.reverts("OwnableUnauthorizedAccount: " + creator.address.lower()):
        crowdfund.setReputation(creator, {"from": creator})
    ledger = Reputation.deploy(owner, {"from": owner})
    tx = crowdfund.setReputation(ledger, {"from": owner})
    assert tx.events["ReputationChanged"]["newReputation"] == ledger
    assert crowdfund.reputation() == ledger


def test_success_is_credited_once_on_the_first_claim(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=WAD, milestones=[5000, 5000])
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    first = crowdfund.claim(campaign, creator, {"from": creator})
    assert scores(first) == [(creator, 50 * WAD, "campaign.succeeded")]
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, True, {"from": backers[0]})
    end_funding(8)
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    assert scores(closed) == [(creator, 20 * WAD, "milestone.approved")]
    second = crowdfund.claim(campaign, creator, {"from": creator})
    assert scores(second) == []
    assert 67 * WAD < reputation.score(creator, CREATOR)[0] < 70 * WAD  # 50 faded over 8 days, plus 20


def test_a_rejected_milestone_costs_more_than_success_earned(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=WAD, milestones=[2000, 8000])
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    crowdfund.claim(campaign, creator, {"from": creator})
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, False, {"from": backers[0]})
    end_funding(8)
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    assert scores(closed) == [(creator, -100 * WAD, "milestone.rejected")]
    assert reputation.scoreOf(creator, CREATOR) < 0


def test_a_failed_campaign_is_debited_once_by_anyone(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=10 * WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    with brownie.reverts("NotFailed: 1"):
        crowdfund.recordFailure(campaign, {"from": backers[3]})
    end_funding()
    assert scores(crowdfund.refund(campaign, backers[0], {"from": backers[0]})) == []  # refunds stay cheap
    recorded = crowdfund.recordFailure(campaign, {"from": backers[3]})
    assert recorded.events["FailureRecorded"]["campaignId"] == campaign
    assert scores(recorded) == [(creator, -10 * WAD, "campaign.failed")]
    with brownie.reverts("OutcomeAlreadyRecorded: "):
        crowdfund.recordFailure(campaign, {"from": backers[3]})


def test_only_failed_campaigns_are_recorded_as_failures(crowdfund, reputation, launch, creator, backers):
    funded = launch(goal=WAD)
    crowdfund.pledge(funded, 0, WAD, {"from": backers[0], "value": WAD})
    cancelled = launch(goal=WAD)
    crowdfund.cancel(cancelled, {"from": creator})
    end_funding()
    with brownie.reverts("NotFailed: 2"):
        crowdfund.recordFailure(funded, {"from": backers[0]})
    with brownie.reverts("NotFailed: 4"):
        crowdfund.recordFailure(cancelled, {"from": backers[0]})
    with brownie.reverts("CampaignNotFound: 999"):
        crowdfund.recordFailure(999, {"from": backers[0]})


def test_a_cancelled_campaign_costs_the_creator_nothing(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=10 * WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    crowdfund.cancel(campaign, {"from": creator})
    assert scores(crowdfund.refund(campaign, backers[0], {"from": backers[0]})) == []


def test_a_refusing_ledger_never_blocks_a_payout(crowdfund, reputation, owner, launch, creator, backers):
    reputation.setModule(crowdfund, False, {"from": owner})  # the ledger now refuses Crowdfund's records
    campaign = launch(goal=WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    before = creator.balance()
    tx = crowdfund.claim(campaign, creator, {"from": creator})
    assert creator.balance() - before == tx.events["Claimed"]["amount"] > 0
    assert scores(tx) == []


def test_backers_of_a_funded_campaign_rate_its_creator_by_their_share(
    crowdfund, reputation, launch, creator, backers
):
    campaign = launch(goal=WAD)
    crowdfund.pledge(campaign, 0, 3 * WAD, {"from": backers[0], "value": 3 * WAD})
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[1], "value": WAD})
    assert weight(crowdfund, campaign, backers[0], creator) == (CREATOR, 0)  # not funded yet
    with brownie.reverts():
        reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})
    end_funding()
    assert weight(crowdfund, campaign, backers[0], creator) == (CREATOR, 7500)
    assert weight(crowdfund, campaign, backers[1], creator) == (CREATOR, 2500)
    assert weight(crowdfund, campaign, backers[2], creator)[1] == 0  # not a backer
    assert weight(crowdfund, campaign, backers[0], backers[1])[1] == 0  # not the creator
    rated = reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})
    assert rated.events["Rated"]["weightBps"] == 7500
    assert rated.events["ScoreChanged"]["points"] == 15 * WAD  # (5 - 3) stars x 10 points x 75%
    with brownie.reverts():
        reputation.rate(crowdfund, campaign, creator, 1, {"from": backers[2]})


def test_a_failed_campaign_cannot_be_rated(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=10 * WAD, token=ETH)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    assert weight(crowdfund, campaign, backers[0], creator)[1] == 0
    assert weight(crowdfund, 10**9, backers[0], creator)[1] == 0  # no such campaign


def test_the_ledger_must_be_a_contract(crowdfund, owner, creator):
    with brownie.reverts(f"ReputationNotAContract: {creator.address.lower()}"):
        crowdfund.setReputation(creator, {"from": owner})
    crowdfund.setReputation("0x" + "00" * 20, {"from": owner})  # switching recording off is allowed
    assert crowdfund.reputation() == "0x" + "00" * 20


def test_without_a_ledger_nothing_is_marked_recorded(crowdfund, owner, launch, creator, backers):
    crowdfund.setReputation("0x" + "00" * 20, {"from": owner})  # (another test's ledger may still be set)
    campaign = launch(goal=10 * WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    with brownie.reverts("NoReputationLedger: "):
        crowdfund.recordFailure(campaign, {"from": backers[1]})
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    assert scores(crowdfund.recordFailure(campaign, {"from": backers[1]})) == [
        (creator, -10 * WAD, "campaign.failed")
    ]


def test_a_penalty_cannot_be_dropped_by_starving_the_record_of_gas(
    crowdfund, reputation, launch, creator, backers
):
    campaign = launch(goal=WAD, milestones=[2000, 8000])
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    crowdfund.claim(campaign, creator, {"from": creator})
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, False, {"from": backers[0]})
    end_funding(8)
    # Enough for closeVote itself but not for the record: it must revert, not close without the penalty.
    with brownie.reverts():
        crowdfund.closeVote(campaign, {"from": backers[1], "gas_limit": 80_000})
    assert crowdfund.campaign(campaign)["voteOpen"]
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    assert scores(closed) == [(creator, -100 * WAD, "milestone.rejected")]
