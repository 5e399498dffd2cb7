"""Launching campaigns, reward tiers, and the platform's administration (fee, treasury, owner, pause)."""

import brownie
import pytest
from brownie import Crowdfund, HostileReceiver, chain

from tests.conftest import (
    DAY,
    ETH,
    FEE_BPS,
    METADATA_HASH,
    METADATA_URI,
    ONE_PER_VERIFIED_IDENTITY,
    PLEDGE_WEIGHTED,
    end_funding,
    launch_params,
)

FUNDING, CANCELLED = 1, 4
UPCOMING, SUCCEEDED, FAILED = 0, 2, 3
ACCEPT, REFUSE = 0, 1


def ints(values):
    """A view's tuple as plain ints (brownie's Wei refuses tuple comparison with ints)."""
    return tuple(int(value) for value in values)


def reason(error, *args):
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case)."""
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


@pytest.fixture
def campaign_id(launch):
    """An ETH campaign, funding now, with one tier of 2 places at 0.1 ETH."""
    return launch(goal=10**18, tiers=[(10**17, 2)])


@pytest.fixture
def receiver(owner):
    return HostileReceiver.deploy({"from": owner})


def succeed(crowdfund, campaign_id, backer, amount=10**18):
    crowdfund.pledge(campaign_id, 0, amount, {"from": backer, "value": amount})
    end_funding()


# --------------------------------------------------------------------------- launch validation


def test_launch_stores_the_campaign_and_starts_funding_now(crowdfund, creator, launch):
    tx = crowdfund.launch(launch_params(goal=5 * 10**18, quorum_bps=3000), {"from": creator})
    campaign_id = tx.return_value
    c = crowdfund.campaign(campaign_id)
    assert campaign_id == 1 == crowdfund.campaignCount()
    assert c["token"] == ETH
    assert c["goal"] == 5 * 10**18
    assert c["startsAt"] == tx.timestamp
    assert c["creator"] == creator
    assert c["feeBps"] == FEE_BPS
    assert c["quorumBps"] == 3000
    assert c["milestoneCount"] == 1
    assert c["raised"] == 0
    assert c["deliveryDate"] == c["deadline"] + 30 * DAY
    assert (c["voteMode"], c["minAttestationLevel"]) == (PLEDGE_WEIGHTED, 0)
    assert crowdfund.stateOf(campaign_id) == FUNDING


def test_launch_ids_count_up_from_one(launch):
    assert [launch(), launch(), launch()] == [1, 2, 3]


def test_launch_with_zero_goal_reverts(crowdfund, creator):
    with brownie.reverts(reason("GoalIsZero")):
        crowdfund.launch(launch_params(goal=0), {"from": creator})


def test_launch_with_a_token_that_is_not_a_contract_reverts(crowdfund, creator, backers):
    with brownie.reverts(reason("TokenNotAContract", backers[0])):
        crowdfund.launch(launch_params(token=backers[0].address), {"from": creator})


def test_launch_with_an_erc20_token_records_the_token(crowdfund, token, launch):
    campaign_id = launch(token=token)
    assert crowdfund.campaign(campaign_id)["token"] == token


def test_launch_starting_more_than_90_days_ahead_reverts(crowdfund, creator):
    params = launch_params(starts_in=90 * DAY + 600)
    with brownie.reverts(revert_pattern=rf"StartTooFarAhead: {params[2]}, \d+"):
        crowdfund.launch(params, {"from": creator})


def test_launch_starting_just_under_90_days_ahead_is_upcoming(crowdfund, creator):
    params = launch_params(starts_in=90 * DAY - 600)
    campaign_id = crowdfund.launch(params, {"from": creator}).return_value
    assert crowdfund.campaign(campaign_id)["startsAt"] == params[2]
    assert crowdfund.stateOf(campaign_id) == UPCOMING


def test_launch_with_a_start_in_the_past_starts_now(crowdfund, creator):
    deadline = chain.time() + 30 * DAY
    params = (
        ETH,
        10**18,
        1,
        deadline,
        2000,
        [],
        [],
        METADATA_URI,
        METADATA_HASH,
        deadline,
        PLEDGE_WEIGHTED,
        0,
    )
    tx = crowdfund.launch(params, {"from": creator})
    assert crowdfund.campaign(tx.return_value)["startsAt"] == tx.timestamp
    assert tx.events["CampaignLaunched"]["startsAt"] == tx.timestamp
    assert crowdfund.stateOf(tx.return_value) == FUNDING


def test_launch_shorter_than_one_day_reverts(crowdfund, creator):
    with brownie.reverts(reason("DurationOutOfRange", DAY - 1, DAY, 90 * DAY)):
        crowdfund.launch(launch_params(starts_in=600, duration=DAY - 1), {"from": creator})


def test_launch_longer_than_90_days_reverts(crowdfund, creator):
    with brownie.reverts(reason("DurationOutOfRange", 90 * DAY + 1, DAY, 90 * DAY)):
        crowdfund.launch(launch_params(starts_in=600, duration=90 * DAY + 1), {"from": creator})


def test_launch_with_deadline_before_start_reverts_with_zero_duration(crowdfund, creator):
    params = list(launch_params(starts_in=10 * DAY))
    params[3] = params[2] - 1
    with brownie.reverts(reason("DurationOutOfRange", 0, DAY, 90 * DAY)):
        crowdfund.launch(params, {"from": creator})


@pytest.mark.parametrize("duration", [DAY, 90 * DAY])
def test_launch_accepts_durations_of_exactly_one_and_90_days(crowdfund, creator, duration):
    params = launch_params(starts_in=600, duration=duration)
    campaign_id = crowdfund.launch(params, {"from": creator}).return_value
    c = crowdfund.campaign(campaign_id)
    assert c["deadline"] - c["startsAt"] == duration


@pytest.mark.parametrize("quorum_bps", [0, 5_001, 10_000])
def test_launch_with_a_quorum_outside_one_bps_to_half_reverts(crowdfund, creator, quorum_bps):
    """A veto quorum above half would let one abstaining account below half of the money block every
    rejection; 0 would let a single wei veto."""
    with brownie.reverts(reason("QuorumOutOfRange", quorum_bps, 1, 5_000)):
        crowdfund.launch(launch_params(quorum_bps=quorum_bps), {"from": creator})


@pytest.mark.parametrize("quorum_bps", [1, 5_000])
def test_launch_accepts_quorums_of_one_bps_and_exactly_half(crowdfund, launch, quorum_bps):
    assert crowdfund.campaign(launch(quorum_bps=quorum_bps))["quorumBps"] == quorum_bps


def test_a_pledge_weighted_campaign_takes_no_attestation_level(crowdfund, creator):
    with brownie.reverts(reason("AttestationLevelNeedsIdentityVotes", 2)):
        crowdfund.launch(launch_params(min_attestation_level=2), {"from": creator})


def test_one_vote_per_identity_needs_a_ledger_and_no_quorum(crowdfund, creator):
    identity = {"vote_mode": ONE_PER_VERIFIED_IDENTITY, "min_attestation_level": 1}
    with brownie.reverts(reason("IdentityVotesTakeNoQuorum", 2000)):
        crowdfund.launch(launch_params(quorum_bps=2000, **identity), {"from": creator})
    with brownie.reverts(reason("NoReputationLedger")):
        crowdfund.launch(launch_params(quorum_bps=0, **identity), {"from": creator})


@pytest.mark.parametrize("delivery_delay", [-1, 730 * DAY + 1])
def test_launch_with_a_delivery_date_before_the_deadline_or_too_late_reverts(
    crowdfund, creator, delivery_delay
):
    params = launch_params(delivery_delay=delivery_delay)
    deadline = params[3]
    with brownie.reverts(
        reason("DeliveryDateOutOfRange", deadline + delivery_delay, deadline, deadline + 730 * DAY)
    ):
        crowdfund.launch(params, {"from": creator})


@pytest.mark.parametrize("delivery_delay", [0, 730 * DAY])
def test_launch_accepts_delivery_at_the_deadline_and_two_years_after(crowdfund, creator, delivery_delay):
    campaign_id = crowdfund.launch(
        launch_params(delivery_delay=delivery_delay), {"from": creator}
    ).return_value
    c = crowdfund.campaign(campaign_id)
    assert c["deliveryDate"] == c["deadline"] + delivery_delay


def test_launch_with_more_than_16_milestones_reverts(crowdfund, creator):
    milestones = [625] * 15 + [312, 313]
    with brownie.reverts(reason("TooManyMilestones", 17, 16)):
        crowdfund.launch(launch_params(milestones=milestones), {"from": creator})


def test_launch_with_exactly_16_milestones_stores_the_schedule(crowdfund, launch):
    campaign_id = launch(milestones=[625] * 16)
    assert crowdfund.campaign(campaign_id)["milestoneCount"] == 16
    assert list(crowdfund.milestoneSchedule(campaign_id)) == [625] * 16


def test_launch_with_an_empty_milestone_reverts_naming_its_index(crowdfund, creator):
    with brownie.reverts(reason("EmptyMilestone", 1)):
        crowdfund.launch(launch_params(milestones=[5000, 0, 5000]), {"from": creator})


@pytest.mark.parametrize(
    "milestones, total", [([5000, 4999], 9999), ([5000, 5001], 10_001), ([10_001], 10_001)]
)
def test_launch_with_milestones_not_summing_to_100_percent_reverts(crowdfund, creator, milestones, total):
    with brownie.reverts(reason("MilestonesMustSumTo100Percent", total)):
        crowdfund.launch(launch_params(milestones=milestones), {"from": creator})


def test_launch_with_a_zero_price_tier_reverts(crowdfund, creator):
    with brownie.reverts(reason("TierPriceIsZero")):
        crowdfund.launch(launch_params(tiers=[(10**17, 5), (0, 5)]), {"from": creator})


def test_a_campaign_holds_at_most_255_tiers(crowdfund, creator, launch):
    campaign_id = launch(tiers=[(10**15, 0)] * 255)
    assert crowdfund.campaign(campaign_id)["tierCount"] == 255
    with brownie.reverts(reason("TooManyTiers", 255)):
        crowdfund.addTier(campaign_id, 10**15, 0, {"from": creator})


# --------------------------------------------------------------------------- events


def test_campaign_launched_event_carries_every_launch_value(crowdfund, creator, token):
    params = launch_params(
        token=token.address,
        goal=7 * 10**18,
        starts_in=2 * DAY,
        duration=20 * DAY,
        quorum_bps=1500,
        milestones=[4000, 6000],
        delivery_delay=45 * DAY,
    )
    tx = crowdfund.launch(params, {"from": creator})
    event = tx.events["CampaignLaunched"]
    assert event["campaignId"] == tx.return_value
    assert event["creator"] == creator
    assert event["token"] == token
    assert event["goal"] == 7 * 10**18
    assert event["startsAt"] == params[2]
    assert event["deadline"] == params[2] + 20 * DAY
    assert event["feeBps"] == FEE_BPS
    assert event["quorumBps"] == 1500
    assert list(event["milestoneBps"]) == [4000, 6000]
    assert event["metadataURI"] == METADATA_URI
    assert bytes(event["metadataHash"]) == METADATA_HASH
    assert event["deliveryDate"] == params[2] + 65 * DAY
    assert (event["voteMode"], event["minAttestationLevel"]) == (PLEDGE_WEIGHTED, 0)


def test_tier_added_events_carry_each_tier_in_order(crowdfund, creator):
    tx = crowdfund.launch(launch_params(tiers=[(10**16, 100), (5 * 10**16, 0)]), {"from": creator})
    campaign_id = tx.return_value
    events = tx.events["TierAdded"]
    assert [(e["campaignId"], e["tierId"], e["price"], e["supply"]) for e in events] == [
        (campaign_id, 1, 10**16, 100),
        (campaign_id, 2, 5 * 10**16, 0),
    ]
    assert ints(crowdfund.tiers(campaign_id, 1)) == (10**16, 100, 0)
    assert ints(crowdfund.tiers(campaign_id, 2)) == (5 * 10**16, 0, 0)
    assert crowdfund.campaign(campaign_id)["tierCount"] == 2


# --------------------------------------------------------------------------- fee fixed at launch


def test_campaign_keeps_the_fee_in_force_at_launch_after_the_owner_changes_it(crowdfund, owner, launch):
    old_fee_campaign = launch()
    crowdfund.setFee(1000, {"from": owner})
    new_fee_campaign = launch()
    assert crowdfund.campaign(old_fee_campaign)["feeBps"] == FEE_BPS
    assert crowdfund.campaign(new_fee_campaign)["feeBps"] == 1000


def test_claim_charges_the_launch_fee_not_the_current_one(crowdfund, owner, creator, backers, launch):
    campaign_id = launch(goal=10**18)
    crowdfund.setFee(1000, {"from": owner})
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    tx = crowdfund.claim(campaign_id, creator, {"from": creator})
    assert tx.events["Claimed"]["fee"] == 10**18 * FEE_BPS // 10_000
    assert tx.events["Claimed"]["amount"] == 10**18 - 10**18 * FEE_BPS // 10_000


# --------------------------------------------------------------------------- pause


def test_pause_stops_new_launches(crowdfund, owner, creator):
    crowdfund.pause({"from": owner})
    with brownie.reverts(reason("EnforcedPause")):
        crowdfund.launch(launch_params(), {"from": creator})


def test_unpause_lets_launches_resume(crowdfund, owner, launch):
    crowdfund.pause({"from": owner})
    crowdfund.unpause({"from": owner})
    assert launch() == 1


def test_pledge_and_unpledge_still_work_while_paused(crowdfund, owner, backers, campaign_id):
    crowdfund.pause({"from": owner})
    crowdfund.pledge(campaign_id, 1, 10**17, {"from": backers[0], "value": 10**17})
    crowdfund.pledge(campaign_id, 0, 3 * 10**17, {"from": backers[1], "value": 3 * 10**17})
    crowdfund.unpledge(campaign_id, backers[1], {"from": backers[1]})
    assert crowdfund.campaign(campaign_id)["raised"] == 10**17
    assert crowdfund.balance() == 10**17


def test_cancel_and_refund_still_work_while_paused(crowdfund, owner, creator, backers, campaign_id):
    crowdfund.pledge(campaign_id, 0, 10**17, {"from": backers[0], "value": 10**17})
    crowdfund.pause({"from": owner})
    crowdfund.cancel(campaign_id, {"from": creator})
    before = backers[0].balance()
    crowdfund.refund(campaign_id, backers[0], {"from": backers[0]})
    assert backers[0].balance() - before == 10**17


def test_claim_and_fee_withdrawal_still_work_while_paused(
    crowdfund, owner, creator, backers, treasury, campaign_id
):
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    crowdfund.pause({"from": owner})
    crowdfund.claim(campaign_id, creator, {"from": creator})
    before = treasury.balance()
    crowdfund.withdrawFees(ETH, {"from": backers[3]})
    assert treasury.balance() - before == 10**18 * FEE_BPS // 10_000


def test_only_the_owner_can_pause_and_unpause(crowdfund, owner, backers):
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[0])):
        crowdfund.pause({"from": backers[0]})
    crowdfund.pause({"from": owner})
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[0])):
        crowdfund.unpause({"from": backers[0]})
    assert crowdfund.paused()


# --------------------------------------------------------------------------- addTier


def test_creator_adds_a_tier_with_the_next_id(crowdfund, creator, campaign_id):
    tx = crowdfund.addTier(campaign_id, 5 * 10**17, 10, {"from": creator})
    assert tx.return_value == 2
    assert tx.events["TierAdded"]["tierId"] == 2
    assert tx.events["TierAdded"]["price"] == 5 * 10**17
    assert tx.events["TierAdded"]["supply"] == 10
    assert ints(crowdfund.tiers(campaign_id, 2)) == (5 * 10**17, 10, 0)
    assert crowdfund.campaign(campaign_id)["tierCount"] == 2


def test_creator_adds_a_tier_before_the_campaign_starts(crowdfund, creator, launch):
    campaign_id = launch(starts_in=5 * DAY)
    assert crowdfund.stateOf(campaign_id) == UPCOMING
    assert crowdfund.addTier(campaign_id, 10**16, 0, {"from": creator}).return_value == 1


def test_add_tier_by_anyone_but_the_creator_reverts(crowdfund, creator, backers, campaign_id):
    with brownie.reverts(reason("NotCreator", backers[0], creator)):
        crowdfund.addTier(campaign_id, 10**16, 0, {"from": backers[0]})


def test_add_tier_after_the_deadline_reverts(crowdfund, creator, campaign_id):
    end_funding()
    with brownie.reverts(reason("NotFunding", FAILED)):
        crowdfund.addTier(campaign_id, 10**16, 0, {"from": creator})


def test_add_tier_after_cancel_reverts(crowdfund, creator, campaign_id):
    crowdfund.cancel(campaign_id, {"from": creator})
    with brownie.reverts(reason("NotFunding", CANCELLED)):
        crowdfund.addTier(campaign_id, 10**16, 0, {"from": creator})


def test_add_tier_with_zero_price_reverts(crowdfund, creator, campaign_id):
    with brownie.reverts(reason("TierPriceIsZero")):
        crowdfund.addTier(campaign_id, 0, 5, {"from": creator})


def test_add_tier_to_an_unknown_campaign_reverts(crowdfund, creator):
    with brownie.reverts(reason("CampaignNotFound", 99)):
        crowdfund.addTier(99, 10**16, 0, {"from": creator})


# --------------------------------------------------------------------------- raiseTierSupply


def test_raise_tier_supply_lets_more_backers_in(crowdfund, creator, backers, campaign_id):
    for backer in backers[:2]:
        crowdfund.pledge(campaign_id, 1, 10**17, {"from": backer, "value": 10**17})
    tx = crowdfund.raiseTierSupply(campaign_id, 1, 3, {"from": creator})
    assert tx.events["TierSupplyRaised"]["supply"] == 3
    crowdfund.pledge(campaign_id, 1, 10**17, {"from": backers[2], "value": 10**17})
    assert ints(crowdfund.tiers(campaign_id, 1)) == (10**17, 3, 3)


@pytest.mark.parametrize("requested", [1, 2])
def test_raise_tier_supply_to_less_or_equal_reverts(crowdfund, creator, campaign_id, requested):
    with brownie.reverts(reason("SupplyCannotShrink", 2, requested)):
        crowdfund.raiseTierSupply(campaign_id, 1, requested, {"from": creator})


def test_raise_tier_supply_to_zero_makes_a_limited_tier_unlimited(crowdfund, creator, campaign_id):
    crowdfund.raiseTierSupply(campaign_id, 1, 0, {"from": creator})
    assert ints(crowdfund.tiers(campaign_id, 1)) == (10**17, 0, 0)


def test_an_unlimited_tier_cannot_be_given_a_limit(crowdfund, creator, campaign_id):
    tier_id = crowdfund.addTier(campaign_id, 10**16, 0, {"from": creator}).return_value
    with brownie.reverts(reason("SupplyCannotShrink", 0, 1000)):
        crowdfund.raiseTierSupply(campaign_id, tier_id, 1000, {"from": creator})


def test_raise_tier_supply_by_anyone_but_the_creator_reverts(crowdfund, creator, backers, campaign_id):
    with brownie.reverts(reason("NotCreator", backers[0], creator)):
        crowdfund.raiseTierSupply(campaign_id, 1, 10, {"from": backers[0]})


def test_raise_tier_supply_after_the_deadline_reverts(crowdfund, creator, backers, campaign_id):
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    with brownie.reverts(reason("NotFunding", SUCCEEDED)):
        crowdfund.raiseTierSupply(campaign_id, 1, 10, {"from": creator})


def test_raise_supply_of_an_unknown_tier_reverts(crowdfund, creator, campaign_id):
    with brownie.reverts(reason("TierNotFound", 2)):
        crowdfund.raiseTierSupply(campaign_id, 2, 10, {"from": creator})


# --------------------------------------------------------------------------- platform admin


def test_constructor_sets_owner_treasury_and_fee(crowdfund, owner, treasury):
    assert crowdfund.owner() == owner
    assert crowdfund.treasury() == treasury
    assert crowdfund.feeBps() == FEE_BPS


def test_constructor_refuses_a_zero_treasury_and_a_fee_above_the_cap(owner, treasury):
    with brownie.reverts(reason("ZeroAddress")):
        Crowdfund.deploy(owner, ETH, FEE_BPS, {"from": owner})
    with brownie.reverts(reason("FeeTooHigh", 1001, 1000)):
        Crowdfund.deploy(owner, treasury, 1001, {"from": owner})


def test_owner_sets_the_fee_up_to_the_10_percent_cap(crowdfund, owner):
    tx = crowdfund.setFee(1000, {"from": owner})
    assert tx.events["FeeChanged"]["oldFeeBps"] == FEE_BPS
    assert tx.events["FeeChanged"]["newFeeBps"] == 1000
    assert crowdfund.feeBps() == 1000


def test_set_fee_above_the_cap_reverts(crowdfund, owner):
    with brownie.reverts(reason("FeeTooHigh", 1001, 1000)):
        crowdfund.setFee(1001, {"from": owner})


def test_set_fee_by_a_non_owner_reverts(crowdfund, backers):
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[0])):
        crowdfund.setFee(100, {"from": backers[0]})


def test_owner_sets_a_new_treasury(crowdfund, owner, treasury, backers):
    tx = crowdfund.setTreasury(backers[5], {"from": owner})
    assert tx.events["TreasuryChanged"]["oldTreasury"] == treasury
    assert tx.events["TreasuryChanged"]["newTreasury"] == backers[5]
    assert crowdfund.treasury() == backers[5]


def test_set_treasury_to_zero_reverts(crowdfund, owner):
    with brownie.reverts(reason("ZeroAddress")):
        crowdfund.setTreasury(ETH, {"from": owner})


def test_set_treasury_by_a_non_owner_reverts(crowdfund, backers):
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[0])):
        crowdfund.setTreasury(backers[0], {"from": backers[0]})


def test_ownership_moves_only_when_the_new_owner_accepts(crowdfund, owner, backers):
    crowdfund.transferOwnership(backers[0], {"from": owner})
    assert crowdfund.owner() == owner
    assert crowdfund.pendingOwner() == backers[0]
    crowdfund.acceptOwnership({"from": backers[0]})
    assert crowdfund.owner() == backers[0]
    assert crowdfund.pendingOwner() == ETH


def test_the_new_owner_administers_and_the_old_one_no_longer_can(crowdfund, owner, backers):
    crowdfund.transferOwnership(backers[0], {"from": owner})
    crowdfund.acceptOwnership({"from": backers[0]})
    crowdfund.setFee(500, {"from": backers[0]})
    with brownie.reverts(reason("OwnableUnauthorizedAccount", owner)):
        crowdfund.setFee(100, {"from": owner})
    assert crowdfund.feeBps() == 500


def test_only_the_pending_owner_can_accept_ownership(crowdfund, owner, backers):
    crowdfund.transferOwnership(backers[0], {"from": owner})
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[1])):
        crowdfund.acceptOwnership({"from": backers[1]})
    assert crowdfund.owner() == owner


def test_transfer_ownership_by_a_non_owner_reverts(crowdfund, backers):
    with brownie.reverts(reason("OwnableUnauthorizedAccount", backers[0])):
        crowdfund.transferOwnership(backers[0], {"from": backers[0]})


# --------------------------------------------------------------------------- withdrawFees


def test_anyone_withdraws_eth_fees_to_the_treasury(crowdfund, creator, backers, treasury, campaign_id):
    succeed(crowdfund, campaign_id, backers[0], 3 * 10**18)
    crowdfund.claim(campaign_id, creator, {"from": creator})
    fee = 3 * 10**18 * FEE_BPS // 10_000
    assert crowdfund.feesAccrued(ETH) == fee
    before, caller_before = treasury.balance(), backers[4].balance()
    tx = crowdfund.withdrawFees(ETH, {"from": backers[4]})
    assert treasury.balance() - before == fee
    assert backers[4].balance() == caller_before
    assert crowdfund.feesAccrued(ETH) == 0
    assert crowdfund.balance() == 0
    assert tx.events["FeesWithdrawn"]["token"] == ETH
    assert tx.events["FeesWithdrawn"]["treasury"] == treasury
    assert tx.events["FeesWithdrawn"]["amount"] == fee


def test_token_fees_are_withdrawn_in_the_token(crowdfund, creator, backers, treasury, token, launch):
    campaign_id = launch(token=token, goal=10**18)
    crowdfund.pledge(campaign_id, 0, 2 * 10**18, {"from": backers[0]})
    end_funding()
    crowdfund.claim(campaign_id, creator, {"from": creator})
    fee = 2 * 10**18 * FEE_BPS // 10_000
    crowdfund.withdrawFees(token, {"from": backers[1]})
    assert token.balanceOf(treasury) == fee
    assert token.balanceOf(crowdfund) == 0
    assert crowdfund.feesAccrued(token) == 0


def test_withdraw_fees_with_nothing_accrued_reverts(crowdfund, backers):
    with brownie.reverts(reason("NoFees")):
        crowdfund.withdrawFees(ETH, {"from": backers[0]})


def test_withdraw_fees_twice_reverts_the_second_time(crowdfund, creator, backers, campaign_id):
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    crowdfund.claim(campaign_id, creator, {"from": creator})
    crowdfund.withdrawFees(ETH, {"from": backers[0]})
    with brownie.reverts(reason("NoFees")):
        crowdfund.withdrawFees(ETH, {"from": backers[0]})


def test_a_treasury_refusing_eth_does_not_block_the_creators_claim(
    crowdfund, owner, creator, backers, receiver, campaign_id
):
    receiver.setOnReceive(REFUSE, ETH, b"", {"from": owner})
    crowdfund.setTreasury(receiver, {"from": owner})
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    before = creator.balance()
    crowdfund.claim(campaign_id, creator, {"from": creator})
    fee = 10**18 * FEE_BPS // 10_000
    assert creator.balance() - before == 10**18 - fee
    assert crowdfund.feesAccrued(ETH) == fee
    assert crowdfund.balance() == fee


def test_fees_stay_accrued_while_the_treasury_refuses_and_reach_a_new_treasury(
    crowdfund, owner, creator, backers, treasury, receiver, campaign_id
):
    receiver.setOnReceive(REFUSE, ETH, b"", {"from": owner})
    crowdfund.setTreasury(receiver, {"from": owner})
    succeed(crowdfund, campaign_id, backers[0], 10**18)
    crowdfund.claim(campaign_id, creator, {"from": creator})
    fee = 10**18 * FEE_BPS // 10_000
    with brownie.reverts(reason("EthTransferFailed", receiver, fee)):
        crowdfund.withdrawFees(ETH, {"from": backers[0]})
    assert crowdfund.feesAccrued(ETH) == fee
    crowdfund.setTreasury(treasury, {"from": owner})
    before = treasury.balance()
    crowdfund.withdrawFees(ETH, {"from": backers[0]})
    assert treasury.balance() - before == fee
    assert receiver.balance() == 0
