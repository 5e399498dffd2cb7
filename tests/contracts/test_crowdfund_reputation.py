"""Crowdfund feeds the reputation ledger with what was really settled: each claim credits the creator for the
value it released, a rejected milestone and a failed campaign debit, each backer's confirmed (or denied)
delivery is a deal between backer and creator; backers rate the creator only once delivery was recorded; and
a ledger that refuses never blocks a payout."""

import brownie
import pytest
from brownie import Reputation, accounts, chain

from crowdledger.reputation import Role, deal_points, rating_points, value_factor, value_points
from tests.conftest import DELIVERY_DELAY, ETH, end_funding

WAD = 10**18
UNIT = WAD  # the ledger prices ETH with a unit of 1 ETH ...
MINIMUM = WAD // 100  # ... and nothing below 0.01 ETH
UNVERIFIED = 5_000  # the ledger's default weight for an account without an attestation
ALLOWED, RATER_IS_CREATOR, NOTHING_PLEDGED, DELIVERY_NOT_RECORDED, ALREADY_RATED = range(5)
RATE_GAS_TARGET = 65_000


def v(amount: int) -> int:
    return value_factor(amount, UNIT, MINIMUM)


@pytest.fixture(scope="module")
def reputation(crowdfund, owner):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    ledger.setAsset(ETH, UNIT, MINIMUM, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    return ledger


def scores(tx) -> list[tuple[str, int, int, str]]:
    return [
        (e["subject"], e["role"], e["points"], bytes(e["reason"]).rstrip(b"\0").decode())
        for e in tx.events
        if e.name == "ScoreChanged"
    ]


def funded(crowdfund, launch, backers, pledges, **kwargs) -> int:
    """A campaign past its deadline with its goal met by `pledges` (ETH) from backers 0, 1, ..."""
    campaign = launch(goal=min(pledges), **kwargs)
    for backer, amount in zip(backers, pledges, strict=False):
        crowdfund.pledge(campaign, 0, amount, {"from": backer, "value": amount})
    end_funding()
    return campaign


def vote_down(crowdfund, campaign, creator, backer):
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, False, {"from": backer})
    end_funding(8)


# --------------------------------------------------------------------------- the ledger


def test_only_the_owner_sets_the_ledger_and_it_is_announced(crowdfund, owner, creator):
    with brownie.reverts("OwnableUnauthorizedAccount: " + creator.address.lower()):
        crowdfund.setReputation(creator, {"from": creator})
    ledger = Reputation.deploy(owner, {"from": owner})
    tx = crowdfund.setReputation(ledger, {"from": owner})
    assert tx.events["ReputationChanged"]["newReputation"] == ledger
    assert crowdfund.reputation() == ledger


def test_the_ledger_must_be_a_contract(crowdfund, owner, creator):
    with brownie.reverts(f"ReputationNotAContract: {creator.address.lower()}"):
        crowdfund.setReputation(creator, {"from": owner})
    crowdfund.setReputation("0x" + "00" * 20, {"from": owner})  # switching recording off is allowed
    assert crowdfund.reputation() == "0x" + "00" * 20


# --------------------------------------------------------------------------- claims, rejections, failures


def test_each_claim_credits_the_creator_for_the_value_it_released(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [4 * WAD], milestones=[5000, 5000])
    first = crowdfund.claim(campaign, creator, {"from": creator})
    priced = first.events["ValueRecorded"]
    assert (priced["valueBefore"], priced["valueAfter"], priced["basePoints"]) == (0, 2 * WAD, 50 * WAD)
    assert scores(first) == [
        (creator, Role.CREATOR, value_points(50 * WAD, 0, v(2 * WAD)), "campaign.claimed")
    ]
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, True, {"from": backers[0]})
    end_funding(8)
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    assert scores(closed) == [] and "ValueRecorded" not in closed.events  # an approval earns nothing itself
    second = crowdfund.claim(campaign, creator, {"from": creator})
    assert second.events["ValueRecorded"]["valueBefore"] == 2 * WAD
    assert scores(second) == [
        (creator, Role.CREATOR, value_points(50 * WAD, v(2 * WAD), v(4 * WAD)), "campaign.claimed")
    ]


def test_cutting_the_money_into_tranches_does_not_pay(crowdfund, reputation, owner, launch, creator, backers):
    """The claims report cumulative value, so their points telescope to 50 x V(raised), however many
    tranches; only each claim's own truncation (under a wei each) can differ."""
    reputation.setHalfLife(0, {"from": owner})  # no fading between the claims
    whole = funded(crowdfund, launch, backers, [3 * WAD])
    crowdfund.claim(whole, creator, {"from": creator})
    whole_score = reputation.scoreOf(creator, Role.CREATOR)
    other = accounts[8]
    cut = funded(crowdfund, launch, backers, [3 * WAD], milestones=[1000] * 10, sender=other)
    crowdfund.claim(cut, other, {"from": other})
    for _ in range(9):
        crowdfund.openVote(cut, {"from": other})
        end_funding(8)
        crowdfund.closeVote(cut, {"from": other})
        crowdfund.claim(cut, other, {"from": other})
    assert crowdfund.campaign(cut)["released"] == 3 * WAD
    assert whole_score - 10 <= reputation.scoreOf(other, Role.CREATOR) <= whole_score


def test_spreading_the_money_over_many_campaigns_does_not_pay(
    crowdfund, reputation, owner, launch, creator, backers
):
    """Priced per campaign, a creator earned more the thinner they spread: one account self-funding 78
    campaigns at the asset's minimum out-scored an honest creator who raised 3 ETH, for fees of 0.02 ETH.
    Claims are now priced on what the creator claimed over all their campaigns in the token."""
    reputation.setHalfLife(0, {"from": owner})  # no fading between the claims
    whole = funded(crowdfund, launch, backers, [3 * WAD])
    crowdfund.claim(whole, creator, {"from": creator})
    whole_score = reputation.scoreOf(creator, Role.CREATOR)
    spreader = accounts[8]
    parts = [launch(goal=WAD // 10, sender=spreader) for _ in range(30)]
    for campaign in parts:
        crowdfund.pledge(campaign, 0, WAD // 10, {"from": spreader, "value": WAD // 10})  # their own money
    end_funding()
    claims = [crowdfund.claim(campaign, spreader, {"from": spreader}) for campaign in parts]
    assert [c.events["ValueRecorded"]["valueBefore"] for c in claims[:3]] == [0, WAD // 10, 2 * WAD // 10]
    assert crowdfund.claimedByCreator(spreader, ETH) == 3 * WAD
    assert whole_score - 30 <= reputation.scoreOf(spreader, Role.CREATOR) <= whole_score


def test_a_rejected_milestone_costs_more_than_success_earned(crowdfund, reputation, launch, creator, backers):
    campaign = funded(crowdfund, launch, backers, [WAD], milestones=[2000, 8000])
    crowdfund.claim(campaign, creator, {"from": creator})
    vote_down(crowdfund, campaign, creator, backers[0])
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    pool = 8 * WAD // 10
    assert closed.events["ValueRecorded"]["valueAfter"] == pool
    assert scores(closed) == [
        (creator, Role.CREATOR, value_points(-100 * WAD, 0, v(pool)), "milestone.rejected")
    ]
    assert reputation.scoreOf(creator, Role.CREATOR) < 0


def test_a_failed_campaign_is_debited_once_by_anyone(crowdfund, reputation, launch, creator, backers):
    campaign = launch(goal=10 * WAD)
    crowdfund.pledge(campaign, 0, 4 * WAD, {"from": backers[0], "value": 4 * WAD})
    with brownie.reverts("NotFailed: 1"):
        crowdfund.recordFailure(campaign, {"from": backers[3]})
    end_funding()
    assert scores(crowdfund.refund(campaign, backers[0], {"from": backers[0]})) == []  # refunds stay cheap
    recorded = crowdfund.recordFailure(campaign, {"from": backers[3]})
    assert recorded.events["FailureRecorded"]["campaignId"] == campaign
    assert scores(recorded) == [(creator, Role.CREATOR, -20 * WAD, "campaign.failed")]  # -10 x V(4 ETH)
    with brownie.reverts("FailureAlreadyRecorded: "):
        crowdfund.recordFailure(campaign, {"from": backers[3]})


def test_only_failed_campaigns_are_recorded_as_failures(crowdfund, reputation, launch, creator, backers):
    funded_id = launch(goal=WAD)
    crowdfund.pledge(funded_id, 0, WAD, {"from": backers[0], "value": WAD})
    cancelled = launch(goal=WAD)
    crowdfund.cancel(cancelled, {"from": creator})
    end_funding()
    with brownie.reverts("NotFailed: 2"):
        crowdfund.recordFailure(funded_id, {"from": backers[0]})
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
    campaign = funded(crowdfund, launch, backers, [WAD])
    before = creator.balance()
    tx = crowdfund.claim(campaign, creator, {"from": creator})
    assert creator.balance() - before == tx.events["Claimed"]["amount"] > 0
    assert scores(tx) == []
    assert crowdfund.confirmDelivery(campaign, {"from": backers[0]}).events["DeliveryConfirmed"]


def test_without_a_ledger_nothing_is_marked_recorded(crowdfund, owner, launch, creator, backers):
    crowdfund.setReputation("0x" + "00" * 20, {"from": owner})  # (another test's ledger may still be set)
    campaign = launch(goal=10 * WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    with brownie.reverts("NoReputationLedger: "):
        crowdfund.recordFailure(campaign, {"from": backers[1]})
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    ledger.setAsset(ETH, UNIT, MINIMUM, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    assert scores(crowdfund.recordFailure(campaign, {"from": backers[1]})) == [
        (creator, Role.CREATOR, -10 * WAD, "campaign.failed")
    ]


def test_a_penalty_cannot_be_dropped_by_starving_the_record_of_gas(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [WAD], milestones=[2000, 8000])
    crowdfund.claim(campaign, creator, {"from": creator})
    vote_down(crowdfund, campaign, creator, backers[0])
    # Enough for closeVote itself but not for the record: it must revert, not close without the penalty.
    with brownie.reverts():
        crowdfund.closeVote(campaign, {"from": backers[1], "gas_limit": 80_000})
    assert crowdfund.campaign(campaign)["voteOpen"]
    closed = crowdfund.closeVote(campaign, {"from": backers[1]})
    assert [entry[3] for entry in scores(closed)] == ["milestone.rejected"]


# --------------------------------------------------------------------------- delivery


def test_a_backer_confirms_delivery_once_and_both_sides_earn_by_the_pledge(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [4 * WAD])
    tx = crowdfund.confirmDelivery(campaign, {"from": backers[0]})
    event = tx.events["DeliveryConfirmed"]
    assert (event["campaignId"], event["backer"], event["pledge"]) == (campaign, backers[0], 4 * WAD)
    assert crowdfund.pledges(campaign, backers[0])["deliveryConfirmed"] is True
    deal = tx.events["DealRecorded"]
    assert (deal["payee"], deal["payer"], deal["token"], deal["amount"]) == (
        creator,
        backers[0],
        ETH,
        4 * WAD,
    )
    assert scores(tx) == [
        (creator, Role.CREATOR, deal_points(20 * WAD, 2 * WAD, UNVERIFIED, 0), "campaign.delivered"),
        (backers[0], Role.BACKER, deal_points(5 * WAD, 2 * WAD, UNVERIFIED, 0), "campaign.delivered"),
    ]
    with brownie.reverts("DeliveryAlreadyRecorded: "):
        crowdfund.confirmDelivery(campaign, {"from": backers[0]})
    with brownie.reverts("DeliveryAlreadyRecorded: "):
        crowdfund.reportNotDelivered(campaign, {"from": backers[0]})


def test_delivery_is_recorded_only_by_a_backer_of_a_funded_campaign(
    crowdfund, reputation, launch, creator, backers
):
    campaign = launch(goal=WAD)
    crowdfund.pledge(campaign, 0, WAD, {"from": backers[0], "value": WAD})
    crowdfund.pledge(campaign, 0, WAD, {"from": creator, "value": WAD})  # the creator backs itself
    with brownie.reverts("NotFunded: 1"):
        crowdfund.confirmDelivery(campaign, {"from": backers[0]})
    failed = launch(goal=100 * WAD)
    crowdfund.pledge(failed, 0, WAD, {"from": backers[0], "value": WAD})
    end_funding()
    with brownie.reverts("NotFunded: 3"):
        crowdfund.confirmDelivery(failed, {"from": backers[0]})
    with brownie.reverts("NothingPledged: "):
        crowdfund.confirmDelivery(campaign, {"from": backers[1]})
    with brownie.reverts(f"CreatorCannotReportDelivery: {creator.address.lower()}"):
        crowdfund.confirmDelivery(campaign, {"from": creator})
    with brownie.reverts("CampaignNotFound: 999"):
        crowdfund.confirmDelivery(999, {"from": backers[0]})


def test_non_delivery_is_reported_only_from_the_delivery_date_and_costs_the_creator(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [WAD, WAD])
    delivery_date = crowdfund.campaign(campaign)["deliveryDate"]
    with brownie.reverts(f"DeliveryNotDueYet: {delivery_date}"):
        crowdfund.reportNotDelivered(campaign, {"from": backers[0]})
    crowdfund.confirmDelivery(campaign, {"from": backers[1]})  # delivering early is fine
    chain.sleep(DELIVERY_DELAY)
    chain.mine()
    tx = crowdfund.reportNotDelivered(campaign, {"from": backers[0]})
    event = tx.events["NonDeliveryReported"]
    assert (event["campaignId"], event["backer"], event["pledge"]) == (campaign, backers[0], WAD)
    assert crowdfund.pledges(campaign, backers[0])["nonDeliveryReported"] is True
    # the backer earns nothing from it; the creator loses 100 x V(1 ETH) at the backer's half weight
    assert scores(tx) == [(creator, Role.CREATOR, -50 * WAD, "campaign.undelivered")]
    with brownie.reverts("DeliveryAlreadyRecorded: "):
        crowdfund.confirmDelivery(campaign, {"from": backers[0]})


def test_a_backer_of_a_rejected_campaign_reports_before_refunding(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [WAD, WAD], milestones=[5000, 5000])
    vote_down(crowdfund, campaign, creator, backers[0])
    crowdfund.closeVote(campaign, {"from": backers[0]})
    assert crowdfund.confirmDelivery(campaign, {"from": backers[0]}).events["DeliveryConfirmed"]
    crowdfund.refund(campaign, backers[1], {"from": backers[1]})
    with brownie.reverts("NothingPledged: "):
        crowdfund.confirmDelivery(campaign, {"from": backers[1]})


# --------------------------------------------------------------------------- ratings


def test_a_rating_before_delivery_is_refused(crowdfund, reputation, launch, creator, backers):
    """The old rule let a backer rate as soon as the campaign succeeded, before anything was delivered."""
    campaign = funded(crowdfund, launch, backers, [WAD])
    assert crowdfund.mayRateCreator(campaign, backers[0]) == DELIVERY_NOT_RECORDED
    with brownie.reverts("DeliveryNotRecorded: "):
        reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})


def test_a_backer_rates_the_creator_once_after_recording_delivery(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [WAD // 4, 3 * WAD])
    for backer in backers[:2]:
        crowdfund.confirmDelivery(campaign, {"from": backer})
        assert crowdfund.mayRateCreator(campaign, backer) == ALLOWED
    small = reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})
    large = reputation.rate(crowdfund, campaign, creator, 1, {"from": backers[1]})
    # worth V(pledge) capped at 1, at the unverified half weight, and the delivery deal makes the pair's first
    assert small.events["Rated"]["pairDeals"] == 1
    assert small.events["ScoreChanged"]["points"] == rating_points(5, WAD // 2, UNVERIFIED, 1) == 5 * WAD
    assert large.events["ScoreChanged"]["points"] == rating_points(1, WAD, UNVERIFIED, 1) == -10 * WAD
    assert crowdfund.pledges(campaign, backers[0])["rated"] is True
    assert crowdfund.mayRateCreator(campaign, backers[0]) == ALREADY_RATED
    with brownie.reverts("AlreadyRated: "):
        reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})


def test_a_backer_who_reported_non_delivery_rates_too(crowdfund, reputation, launch, creator, backers):
    campaign = funded(crowdfund, launch, backers, [WAD])
    chain.sleep(DELIVERY_DELAY)
    crowdfund.reportNotDelivered(campaign, {"from": backers[0]})
    tx = reputation.rate(crowdfund, campaign, creator, 1, {"from": backers[0]})
    assert tx.events["ScoreChanged"]["points"] < 0


def test_may_rate_creator_says_why_a_rating_is_refused(crowdfund, reputation, launch, creator, backers):
    campaign = funded(crowdfund, launch, backers, [WAD])
    assert crowdfund.mayRateCreator(campaign, creator) == RATER_IS_CREATOR
    assert crowdfund.mayRateCreator(campaign, backers[1]) == NOTHING_PLEDGED
    assert crowdfund.mayRateCreator(campaign, backers[0]) == DELIVERY_NOT_RECORDED
    with brownie.reverts("CampaignNotFound: 999"):
        crowdfund.mayRateCreator(999, backers[0])


def test_only_the_creator_is_rated_and_only_through_the_ledger(
    crowdfund, reputation, launch, creator, backers
):
    campaign = funded(crowdfund, launch, backers, [WAD, WAD])
    crowdfund.confirmDelivery(campaign, {"from": backers[0]})
    with brownie.reverts(f"OnlyTheCreatorIsRated: {backers[1].address.lower()}, {creator.address.lower()}"):
        reputation.rate(crowdfund, campaign, backers[1], 5, {"from": backers[0]})
    with brownie.reverts(f"NotTheLedger: {backers[0].address.lower()}"):
        crowdfund.consumeRating(campaign, backers[0], creator, {"from": backers[0]})
    with brownie.reverts():  # the ledger's own refusal comes first
        reputation.rate(crowdfund, campaign, creator, 5, {"from": creator})
    assert crowdfund.mayRateCreator(campaign, backers[0]) == ALLOWED  # nothing above marked it rated


# --------------------------------------------------------------------------- the attack: reputation for 1 wei


def test_a_one_wei_campaign_with_a_second_account_earns_nothing_and_ranks_below_a_real_one(
    crowdfund, reputation, launch, creator, backers
):
    """The issue's attack: a goal of 1 wei, a 1-wei pledge from the creator's second account, a claim, a
    confirmed delivery and a 5-star rating. It used to top the Creator leaderboard (+50, +20); now every
    step is priced at V(1 wei) = 0, below the minimum. An honest creator who raised 3 ETH from 3 backers
    ranks above."""
    second_account = backers[5]
    cheat = launch(goal=1)
    crowdfund.pledge(cheat, 0, 1, {"from": second_account, "value": 1})
    honest_creator = accounts[8]
    honest = launch(goal=3 * WAD, sender=honest_creator)
    for backer in backers[:3]:
        crowdfund.pledge(honest, 0, WAD, {"from": backer, "value": WAD})
    end_funding()
    crowdfund.claim(cheat, creator, {"from": creator})
    crowdfund.confirmDelivery(cheat, {"from": second_account})
    reputation.rate(crowdfund, cheat, creator, 5, {"from": second_account})
    crowdfund.claim(honest, honest_creator, {"from": honest_creator})

    cheat_score = reputation.scoreOf(creator, Role.CREATOR)
    assert cheat_score == 0
    assert (
        reputation.scoreOf(honest_creator, Role.CREATOR)
        == value_points(50 * WAD, 0, v(3 * WAD))
        > cheat_score
    )


# --------------------------------------------------------------------------- gas


def test_rating_a_creator_meets_the_gas_target(crowdfund, reputation, launch, creator, backers):
    """Typical: the creator already has a score (from the claim and a delivery), an unverified rater."""
    campaign = funded(crowdfund, launch, backers, [WAD, WAD])
    crowdfund.claim(campaign, creator, {"from": creator})
    for backer in backers[:2]:
        crowdfund.confirmDelivery(campaign, {"from": backer})
    reputation.rate(crowdfund, campaign, creator, 5, {"from": backers[0]})
    tx = reputation.rate(crowdfund, campaign, creator, 4, {"from": backers[1]})
    print(f"rate a creator: {tx.gas_used:,} gas")
    assert tx.gas_used <= RATE_GAS_TARGET
