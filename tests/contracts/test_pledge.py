"""Pledging ETH and ERC-20 (with and without a permit), reward tiers, hostile tokens, and unpledging."""

import brownie
import pytest
from brownie import FalseReturningToken, FeeOnTransferToken, accounts, chain

from scripts.gas_report import permit_signature
from tests.conftest import DAY, end_funding, selectors_before

UPCOMING, FUNDING, SUCCEEDED, FAILED, CANCELLED = 0, 1, 2, 3, 4
HOUR = 3600


def ints(values):
    """A view's tuple as plain ints (brownie's Wei refuses tuple comparison with ints)."""
    return tuple(int(value) for value in values)


def reason(error, *args):
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case)."""
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


def sleep_until(timestamp):
    chain.sleep(timestamp - chain.time())
    chain.mine()


@pytest.fixture
def eth_campaign(launch):
    """ETH, goal 1 ETH, tier 1: 0.1 ETH with 2 places, tier 2: 0.5 ETH unlimited."""
    return launch(goal=10**18, tiers=[(10**17, 2), (5 * 10**17, 0)])


@pytest.fixture
def token_campaign(launch, token):
    """The DUSD token, goal 1000 DUSD, tier 1: 100 DUSD with 1 place."""
    return launch(token=token, goal=1000 * 10**18, tiers=[(100 * 10**18, 1)])


@pytest.fixture
def permit_backer(owner, token):
    """A fresh account holding 500 DUSD and no approval to anyone."""
    account = accounts.add()
    token.mint(account, 500 * 10**18, {"from": owner})
    return account


def pledge_eth(crowdfund, campaign_id, backer, amount, tier_id=0):
    return crowdfund.pledge(campaign_id, tier_id, amount, {"from": backer, "value": amount})


# --------------------------------------------------------------------------- ETH and ERC-20 pledges


def test_eth_pledge_records_the_amount_and_holds_the_eth(crowdfund, backers, eth_campaign):
    before = backers[0].balance()
    pledge_eth(crowdfund, eth_campaign, backers[0], 3 * 10**17)
    assert before - backers[0].balance() == 3 * 10**17
    assert crowdfund.balance() == 3 * 10**17
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (3 * 10**17, 0, 0, 0, 0, 0)
    assert crowdfund.campaign(eth_campaign)["raised"] == 3 * 10**17


def test_pledged_event_carries_the_amount_and_the_new_totals(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 2 * 10**17)
    tx = pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    event = tx.events["Pledged"]
    assert event["campaignId"] == eth_campaign
    assert event["backer"] == backers[1]
    assert event["tierId"] == 1
    assert event["amount"] == 10**17
    assert event["pledgeTotal"] == 10**17
    assert event["raised"] == 3 * 10**17


def test_token_pledge_pulls_the_tokens(crowdfund, backers, token, token_campaign):
    before = token.balanceOf(backers[0])
    crowdfund.pledge(token_campaign, 0, 250 * 10**18, {"from": backers[0]})
    assert before - token.balanceOf(backers[0]) == 250 * 10**18
    assert token.balanceOf(crowdfund) == 250 * 10**18
    assert crowdfund.pledges(token_campaign, backers[0])[0] == 250 * 10**18
    assert crowdfund.campaign(token_campaign)["raised"] == 250 * 10**18


def test_token_pledge_without_approval_reverts(crowdfund, permit_backer, token, token_campaign):
    with brownie.reverts(reason("ERC20InsufficientAllowance", crowdfund, 0, 10**18)):
        crowdfund.pledge(token_campaign, 0, 10**18, {"from": permit_backer})


def test_eth_pledge_sending_less_than_the_amount_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("WrongEthAmount", 10**17 - 1, 10**17)):
        crowdfund.pledge(eth_campaign, 0, 10**17, {"from": backers[0], "value": 10**17 - 1})


def test_eth_pledge_sending_more_than_the_amount_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("WrongEthAmount", 10**17 + 1, 10**17)):
        crowdfund.pledge(eth_campaign, 0, 10**17, {"from": backers[0], "value": 10**17 + 1})


def test_token_pledge_sending_eth_reverts(crowdfund, backers, token_campaign):
    with brownie.reverts(reason("WrongEthAmount", 1, 0)):
        crowdfund.pledge(token_campaign, 0, 10**18, {"from": backers[0], "value": 1})


def test_eth_pledge_of_zero_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("ZeroAmount")):
        crowdfund.pledge(eth_campaign, 0, 0, {"from": backers[0], "value": 0})


def test_token_pledge_of_zero_reverts(crowdfund, backers, token_campaign):
    with brownie.reverts(reason("ZeroAmount")):
        crowdfund.pledge(token_campaign, 0, 0, {"from": backers[0]})


def test_pledge_before_the_start_reverts(crowdfund, backers, launch):
    campaign_id = launch(starts_in=2 * DAY)
    with brownie.reverts(reason("NotFunding", UPCOMING)):
        pledge_eth(crowdfund, campaign_id, backers[0], 10**17)


def test_pledge_is_accepted_once_the_start_has_passed(crowdfund, backers, launch):
    campaign_id = launch(starts_in=2 * DAY)
    sleep_until(crowdfund.campaign(campaign_id)["startsAt"] + 60)
    pledge_eth(crowdfund, campaign_id, backers[0], 10**17)
    assert crowdfund.campaign(campaign_id)["raised"] == 10**17


def test_pledge_after_the_deadline_of_a_failed_campaign_reverts(crowdfund, backers, eth_campaign):
    end_funding()
    with brownie.reverts(reason("NotFunding", FAILED)):
        pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)


def test_pledge_after_the_deadline_of_a_funded_campaign_reverts(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**18)
    end_funding()
    with brownie.reverts(reason("NotFunding", SUCCEEDED)):
        pledge_eth(crowdfund, eth_campaign, backers[1], 10**17)


def test_pledge_after_cancel_reverts(crowdfund, creator, backers, eth_campaign):
    crowdfund.cancel(eth_campaign, {"from": creator})
    with brownie.reverts(reason("NotFunding", CANCELLED)):
        pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)


def test_pledge_to_an_unknown_campaign_reverts(crowdfund, backers):
    with brownie.reverts(reason("CampaignNotFound", 99)):
        pledge_eth(crowdfund, 99, backers[0], 10**17)


# --------------------------------------------------------------------------- tiers


def test_tier_pledge_takes_a_place(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    assert ints(crowdfund.tiers(eth_campaign, 1)) == (10**17, 2, 1)
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (10**17, 1, 0, 0, 0, 0)


def test_tier_supply_is_enforced(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    with brownie.reverts(reason("TierSoldOut", 1, 2)):
        pledge_eth(crowdfund, eth_campaign, backers[2], 10**17, tier_id=1)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 2


def test_an_unlimited_tier_never_sells_out(crowdfund, backers, eth_campaign):
    for backer in backers:
        pledge_eth(crowdfund, eth_campaign, backer, 5 * 10**17, tier_id=2)
    assert ints(crowdfund.tiers(eth_campaign, 2)) == (5 * 10**17, 0, len(backers))


def test_pledge_to_an_unknown_tier_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("TierNotFound", 3)):
        pledge_eth(crowdfund, eth_campaign, backers[0], 10**18, tier_id=3)


def test_pledge_below_the_tier_price_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("BelowTierPrice", 10**17 - 1, 10**17)):
        pledge_eth(crowdfund, eth_campaign, backers[0], 10**17 - 1, tier_id=1)


def test_paying_more_than_the_tier_price_is_accepted_and_kept(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 7 * 10**17, tier_id=1)
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (7 * 10**17, 1, 0, 0, 0, 0)
    assert crowdfund.balance() == 7 * 10**17


def test_a_repeat_pledge_adds_to_the_first(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    tx = pledge_eth(crowdfund, eth_campaign, backers[0], 3 * 10**17, tier_id=1)
    assert tx.events["Pledged"]["amount"] == 3 * 10**17
    assert tx.events["Pledged"]["pledgeTotal"] == 4 * 10**17
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (4 * 10**17, 1, 0, 0, 0, 0)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 1


def test_a_repeat_pledge_counts_the_whole_pledge_against_the_tier_price(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 3 * 10**17)
    pledge_eth(crowdfund, eth_campaign, backers[0], 2 * 10**17, tier_id=2)
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (5 * 10**17, 2, 0, 0, 0, 0)


def test_a_repeat_pledge_in_a_sold_out_tier_the_backer_holds_is_accepted(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    assert crowdfund.pledges(eth_campaign, backers[0])[0] == 2 * 10**17
    assert crowdfund.tiers(eth_campaign, 1)[2] == 2


def test_switching_tier_moves_the_place(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[0], 4 * 10**17, tier_id=2)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 0
    assert crowdfund.tiers(eth_campaign, 2)[2] == 1
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (5 * 10**17, 2, 0, 0, 0, 0)


def test_a_place_given_up_by_switching_can_be_taken_by_another_backer(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[0], 4 * 10**17, tier_id=2)
    pledge_eth(crowdfund, eth_campaign, backers[2], 10**17, tier_id=1)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 2


def test_switching_to_a_sold_out_tier_reverts_and_keeps_the_old_place(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[2], 5 * 10**17, tier_id=2)
    with brownie.reverts(reason("TierSoldOut", 1, 2)):
        pledge_eth(crowdfund, eth_campaign, backers[2], 10**17, tier_id=1)
    assert ints(crowdfund.pledges(eth_campaign, backers[2])) == (5 * 10**17, 2, 0, 0, 0, 0)
    assert crowdfund.tiers(eth_campaign, 2)[2] == 1


def test_a_repeat_pledge_naming_tier_zero_gives_up_the_tier_place(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=0)
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (2 * 10**17, 0, 0, 0, 0, 0)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 0


# --------------------------------------------------------------------------- pledgeWithPermit


def test_pledge_with_permit_works_for_a_fresh_account_without_approval(
    crowdfund, token, permit_backer, token_campaign
):
    deadline = chain.time() + DAY
    v, r, s = permit_signature(token, permit_backer.private_key, crowdfund.address, 100 * 10**18, deadline)
    amount = 100 * 10**18
    tx = crowdfund.pledgeWithPermit(token_campaign, 1, amount, deadline, v, r, s, {"from": permit_backer})
    assert tx.events["Pledged"]["pledgeTotal"] == 100 * 10**18
    assert token.balanceOf(permit_backer) == 400 * 10**18
    assert token.balanceOf(crowdfund) == 100 * 10**18
    assert token.allowance(permit_backer, crowdfund) == 0
    assert ints(crowdfund.pledges(token_campaign, permit_backer)) == (100 * 10**18, 1, 0, 0, 0, 0)


def test_pledge_with_permit_on_an_eth_campaign_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("PermitNeedsToken")):
        crowdfund.pledgeWithPermit(
            eth_campaign, 0, 10**17, chain.time() + DAY, 27, b"\x00" * 32, b"\x00" * 32, {"from": backers[0]}
        )


def test_a_front_run_permit_still_pledges(crowdfund, backers, token, permit_backer, token_campaign):
    deadline = chain.time() + DAY
    v, r, s = permit_signature(token, permit_backer.private_key, crowdfund.address, 50 * 10**18, deadline)
    token.permit(permit_backer, crowdfund, 50 * 10**18, deadline, v, r, s, {"from": backers[3]})
    crowdfund.pledgeWithPermit(token_campaign, 0, 50 * 10**18, deadline, v, r, s, {"from": permit_backer})
    assert crowdfund.pledges(token_campaign, permit_backer)[0] == 50 * 10**18
    assert token.balanceOf(crowdfund) == 50 * 10**18
    assert token.allowance(permit_backer, crowdfund) == 0


def test_pledge_with_a_bad_permit_and_no_allowance_reverts(crowdfund, token, permit_backer, token_campaign):
    deadline = chain.time() + DAY
    # signed for a smaller amount than the one pledged: the permit fails and nothing was approved
    v, r, s = permit_signature(token, permit_backer.private_key, crowdfund.address, 10**18, deadline)
    with brownie.reverts(reason("ERC20InsufficientAllowance", crowdfund, 0, 2 * 10**18)):
        crowdfund.pledgeWithPermit(token_campaign, 0, 2 * 10**18, deadline, v, r, s, {"from": permit_backer})
    assert token.balanceOf(crowdfund) == 0


# --------------------------------------------------------------------------- hostile tokens


def test_a_fee_on_transfer_token_is_refused(crowdfund, owner, backers, launch):
    fot = FeeOnTransferToken.deploy({"from": owner})
    fot.mint(backers[0], 10**21, {"from": owner})
    fot.approve(crowdfund, 2**256 - 1, {"from": backers[0]})
    campaign_id = launch(token=fot)
    with brownie.reverts(reason("TokenDeliveredLess", 99 * 10**16, 10**18)):
        crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0]})
    assert fot.balanceOf(crowdfund) == 0
    assert crowdfund.campaign(campaign_id)["raised"] == 0


def test_a_token_returning_false_is_refused(crowdfund, owner, backers, launch):
    bad = FalseReturningToken.deploy({"from": owner})
    bad.mint(backers[0], 10**21, {"from": owner})
    bad.approve(crowdfund, 2**256 - 1, {"from": backers[0]})
    campaign_id = launch(token=bad)
    with brownie.reverts(reason("SafeERC20FailedOperation", bad)):
        crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0]})
    assert crowdfund.campaign(campaign_id)["raised"] == 0


# --------------------------------------------------------------------------- unpledge


def test_unpledge_returns_the_whole_pledge(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)
    pledge_eth(crowdfund, eth_campaign, backers[0], 2 * 10**17)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17)
    before = backers[0].balance()
    tx = crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    assert backers[0].balance() - before == 3 * 10**17
    assert ints(crowdfund.pledges(eth_campaign, backers[0])) == (0, 0, 0, 0, 0, 0)
    assert crowdfund.campaign(eth_campaign)["raised"] == 10**17
    assert crowdfund.balance() == 10**17
    event = tx.events["Unpledged"]
    assert (event["backer"], event["to"], event["tierId"], event["amount"], event["raised"]) == (
        backers[0],
        backers[0],
        0,
        3 * 10**17,
        10**17,
    )


def test_unpledge_releases_the_tier_place(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17, tier_id=1)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17, tier_id=1)
    tx = crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    assert tx.events["Unpledged"]["tierId"] == 1
    assert crowdfund.tiers(eth_campaign, 1)[2] == 1
    pledge_eth(crowdfund, eth_campaign, backers[2], 10**17, tier_id=1)
    assert crowdfund.tiers(eth_campaign, 1)[2] == 2


def test_unpledge_pays_a_named_recipient(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 4 * 10**17)
    backer_before, recipient_before = backers[0].balance(), backers[5].balance()
    tx = crowdfund.unpledge(eth_campaign, backers[5], {"from": backers[0]})
    assert backers[5].balance() - recipient_before == 4 * 10**17
    assert backers[0].balance() == backer_before
    assert tx.events["Unpledged"]["to"] == backers[5]


def test_unpledge_of_a_token_pledge_returns_the_tokens(crowdfund, backers, token, token_campaign):
    before = token.balanceOf(backers[0])
    crowdfund.pledge(token_campaign, 1, 300 * 10**18, {"from": backers[0]})
    crowdfund.unpledge(token_campaign, backers[0], {"from": backers[0]})
    assert token.balanceOf(backers[0]) == before
    assert token.balanceOf(crowdfund) == 0
    assert crowdfund.tiers(token_campaign, 1)[2] == 0


def test_unpledge_without_a_pledge_reverts(crowdfund, backers, eth_campaign):
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})


def test_unpledge_twice_reverts_the_second_time(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)
    crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})


def test_unpledge_to_the_zero_address_reverts(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)
    with brownie.reverts(reason("ZeroAddress")):
        crowdfund.unpledge(eth_campaign, "0x" + "00" * 20, {"from": backers[0]})


def test_unpledge_after_the_deadline_reverts(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**17)
    end_funding()
    with brownie.reverts(reason("NotFunding", FAILED)):
        crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})


def test_unpledge_in_the_final_24h_below_a_reached_goal_reverts(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 6 * 10**17)
    pledge_eth(crowdfund, eth_campaign, backers[1], 6 * 10**17)
    sleep_until(crowdfund.campaign(eth_campaign)["deadline"] - 12 * HOUR)
    with brownie.reverts(reason("UnpledgeWouldDropBelowGoal", 6 * 10**17, 10**18)):
        crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    assert crowdfund.campaign(eth_campaign)["raised"] == 12 * 10**17


def test_unpledge_in_the_final_24h_that_keeps_the_goal_reached_is_allowed(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**18)
    pledge_eth(crowdfund, eth_campaign, backers[1], 10**17)
    sleep_until(crowdfund.campaign(eth_campaign)["deadline"] - 12 * HOUR)
    crowdfund.unpledge(eth_campaign, backers[1], {"from": backers[1]})
    assert crowdfund.campaign(eth_campaign)["raised"] == 10**18


def test_unpledge_in_the_final_24h_leaving_exactly_the_goal_is_allowed(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 10**18)
    pledge_eth(crowdfund, eth_campaign, backers[1], 1)
    sleep_until(crowdfund.campaign(eth_campaign)["deadline"] - 12 * HOUR)
    crowdfund.unpledge(eth_campaign, backers[1], {"from": backers[1]})
    assert crowdfund.campaign(eth_campaign)["raised"] == 10**18


def test_unpledge_in_the_final_24h_of_a_campaign_below_its_goal_is_allowed(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 5 * 10**17)
    sleep_until(crowdfund.campaign(eth_campaign)["deadline"] - 12 * HOUR)
    crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    assert crowdfund.campaign(eth_campaign)["raised"] == 0


def test_unpledge_below_a_reached_goal_before_the_final_24h_is_allowed(crowdfund, backers, eth_campaign):
    pledge_eth(crowdfund, eth_campaign, backers[0], 6 * 10**17)
    pledge_eth(crowdfund, eth_campaign, backers[1], 6 * 10**17)
    sleep_until(crowdfund.campaign(eth_campaign)["deadline"] - 2 * DAY)
    crowdfund.unpledge(eth_campaign, backers[0], {"from": backers[0]})
    assert crowdfund.campaign(eth_campaign)["raised"] == 6 * 10**17


def test_nothing_added_to_the_dispatcher_before_the_backers_own_calls(crowdfund):
    """A function or public constant whose selector sorts before pledge, pledgeWithPermit, refund or unpledge
    makes every backer pay 22 gas for it. These are the counts before issue 10 (unpledge one fewer:
    ratingWeight went)."""
    before = {
        name: selectors_before(crowdfund, signature)
        for name, signature in (
            ("pledge", "pledge(uint256,uint256,uint256)"),
            ("pledgeWithPermit", "pledgeWithPermit(uint256,uint256,uint256,uint256,uint8,bytes32,bytes32)"),
            ("refund", "refund(uint256,address)"),
            ("unpledge", "unpledge(uint256,address)"),
        )
    }
    assert before == {"pledge": 7, "pledgeWithPermit": 18, "refund": 21, "unpledge": 36}
