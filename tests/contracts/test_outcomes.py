"""What happens after funding: the creator's claim, backers' refunds, cancelling, and exact accounting."""

import brownie
import pytest
from brownie import HostileReceiver

from tests.conftest import ETH, FEE_BPS, end_funding

FUNDING, SUCCEEDED, FAILED, CANCELLED = 1, 2, 3, 4
REFUSE = 1
ZERO = "0x" + "00" * 20
# amounts that make the fee round: 2.5% of them is not a whole number of wei
ODD = [123_456_789_123_456_789, 987_654_321_987_654_321, 3]


def reason(error, *args):
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case)."""
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


def fee_of(amount):
    return amount * FEE_BPS // 10_000


def pledge_eth(crowdfund, campaign_id, backer, amount):
    return crowdfund.pledge(campaign_id, 0, amount, {"from": backer, "value": amount})


@pytest.fixture
def funded(crowdfund, launch, backers):
    """A campaign past its deadline that met its 1 ETH goal with three odd pledges."""
    campaign_id = launch(goal=10**18)
    for backer, amount in zip(backers, ODD, strict=False):
        pledge_eth(crowdfund, campaign_id, backer, amount)
    end_funding()
    return campaign_id


@pytest.fixture
def failed(crowdfund, launch, backers):
    """A campaign past its deadline that missed its 10 ETH goal: backers[0] 1 ETH, backers[1] 2 ETH."""
    campaign_id = launch(goal=10 * 10**18)
    pledge_eth(crowdfund, campaign_id, backers[0], 10**18)
    pledge_eth(crowdfund, campaign_id, backers[1], 2 * 10**18)
    end_funding()
    return campaign_id


@pytest.fixture
def cancelled(crowdfund, launch, creator, backers):
    """A campaign the creator cancelled after it had met its goal: backers[0] 2 ETH."""
    campaign_id = launch(goal=10**18)
    pledge_eth(crowdfund, campaign_id, backers[0], 2 * 10**18)
    crowdfund.cancel(campaign_id, {"from": creator})
    return campaign_id


# --------------------------------------------------------------------------- claim


def test_claim_pays_the_creator_everything_raised_minus_the_fee(crowdfund, creator, funded):
    raised = sum(ODD)
    assert crowdfund.claimable(funded) == raised
    before = creator.balance()
    crowdfund.claim(funded, creator, {"from": creator})
    assert creator.balance() - before == raised - fee_of(raised)
    assert crowdfund.feesAccrued(ETH) == fee_of(raised)
    assert crowdfund.balance() == fee_of(raised)
    assert crowdfund.campaign(funded)["released"] == raised
    assert crowdfund.claimable(funded) == 0


def test_claimed_event_carries_amount_fee_and_released(crowdfund, creator, funded):
    raised = sum(ODD)
    event = crowdfund.claim(funded, creator, {"from": creator}).events["Claimed"]
    assert event["campaignId"] == funded
    assert event["to"] == creator
    assert event["amount"] == raised - fee_of(raised)
    assert event["fee"] == fee_of(raised)
    assert event["released"] == raised


def test_claim_fee_is_rounded_down(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=39)
    pledge_eth(crowdfund, campaign_id, backers[0], 39)  # 2.5% of 39 wei is 0.975 wei
    end_funding()
    event = crowdfund.claim(campaign_id, creator, {"from": creator}).events["Claimed"]
    assert (event["amount"], event["fee"]) == (39, 0)


def test_claim_of_a_token_campaign_pays_in_the_token(crowdfund, creator, backers, token, launch):
    campaign_id = launch(token=token, goal=10**18)
    crowdfund.pledge(campaign_id, 0, 5 * 10**18, {"from": backers[0]})
    end_funding()
    crowdfund.claim(campaign_id, creator, {"from": creator})
    assert token.balanceOf(creator) == 5 * 10**18 - fee_of(5 * 10**18)
    assert token.balanceOf(crowdfund) == fee_of(5 * 10**18) == crowdfund.feesAccrued(token)


def test_claim_pays_a_named_recipient(crowdfund, creator, backers, funded):
    recipient = backers[5]
    creator_before, recipient_before = creator.balance(), recipient.balance()
    crowdfund.claim(funded, recipient, {"from": creator})
    assert recipient.balance() - recipient_before == sum(ODD) - fee_of(sum(ODD))
    assert creator.balance() == creator_before


def test_claim_to_the_zero_address_reverts(crowdfund, creator, funded):
    with brownie.reverts(reason("ZeroAddress")):
        crowdfund.claim(funded, ZERO, {"from": creator})


def test_claim_by_anyone_but_the_creator_reverts(crowdfund, creator, backers, funded):
    with brownie.reverts(reason("NotCreator", backers[0], creator)):
        crowdfund.claim(funded, backers[0], {"from": backers[0]})


def test_claim_before_the_deadline_reverts_even_with_the_goal_met(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=10**18)
    pledge_eth(crowdfund, campaign_id, backers[0], 2 * 10**18)
    with brownie.reverts(reason("NotClaimable", FUNDING)):
        crowdfund.claim(campaign_id, creator, {"from": creator})


def test_claim_of_a_failed_campaign_reverts(crowdfund, creator, failed):
    assert crowdfund.claimable(failed) == 0
    with brownie.reverts(reason("NotClaimable", FAILED)):
        crowdfund.claim(failed, creator, {"from": creator})


def test_claim_of_a_cancelled_campaign_reverts(crowdfund, creator, cancelled):
    with brownie.reverts(reason("NotClaimable", CANCELLED)):
        crowdfund.claim(cancelled, creator, {"from": creator})


def test_a_second_claim_reverts_with_nothing_to_claim(crowdfund, creator, funded):
    crowdfund.claim(funded, creator, {"from": creator})
    with brownie.reverts(reason("NothingToClaim")):
        crowdfund.claim(funded, creator, {"from": creator})


def test_claim_of_an_unknown_campaign_reverts(crowdfund, creator):
    with brownie.reverts(reason("CampaignNotFound", 99)):
        crowdfund.claim(99, creator, {"from": creator})


# --------------------------------------------------------------------------- refund


def test_refund_after_failed_campaign_returns_full_pledge(crowdfund, backers, failed):
    assert crowdfund.refundable(failed, backers[1]) == 2 * 10**18
    before = backers[1].balance()
    tx = crowdfund.refund(failed, backers[1], {"from": backers[1]})
    assert backers[1].balance() - before == 2 * 10**18
    assert crowdfund.pledges(failed, backers[1])[0] == 0
    assert crowdfund.refundable(failed, backers[1]) == 0
    event = tx.events["Refunded"]
    assert (event["campaignId"], event["backer"], event["to"], event["amount"]) == (
        failed,
        backers[1],
        backers[1],
        2 * 10**18,
    )


def test_refund_after_cancel_returns_full_pledge(crowdfund, backers, cancelled):
    assert crowdfund.stateOf(cancelled) == CANCELLED
    before = backers[0].balance()
    crowdfund.refund(cancelled, backers[0], {"from": backers[0]})
    assert backers[0].balance() - before == 2 * 10**18
    assert crowdfund.balance() == 0


def test_refund_of_a_token_campaign_returns_the_tokens(crowdfund, backers, token, launch):
    campaign_id = launch(token=token, goal=10**24)
    before = token.balanceOf(backers[0])
    crowdfund.pledge(campaign_id, 0, 7 * 10**18, {"from": backers[0]})
    end_funding()
    crowdfund.refund(campaign_id, backers[0], {"from": backers[0]})
    assert token.balanceOf(backers[0]) == before
    assert token.balanceOf(crowdfund) == 0


def test_refund_pays_a_named_recipient(crowdfund, backers, failed):
    backer_before, recipient_before = backers[0].balance(), backers[5].balance()
    tx = crowdfund.refund(failed, backers[5], {"from": backers[0]})
    assert backers[5].balance() - recipient_before == 10**18
    assert backers[0].balance() == backer_before
    assert tx.events["Refunded"]["to"] == backers[5]


def test_refund_of_a_successful_campaign_reverts(crowdfund, backers, funded):
    assert crowdfund.refundable(funded, backers[0]) == 0
    with brownie.reverts(reason("NotRefundable", SUCCEEDED)):
        crowdfund.refund(funded, backers[0], {"from": backers[0]})


def test_refund_while_funding_reverts(crowdfund, backers, launch):
    campaign_id = launch()
    pledge_eth(crowdfund, campaign_id, backers[0], 10**17)
    with brownie.reverts(reason("NotRefundable", FUNDING)):
        crowdfund.refund(campaign_id, backers[0], {"from": backers[0]})


def test_a_second_refund_reverts_with_nothing_pledged(crowdfund, backers, failed):
    crowdfund.refund(failed, backers[0], {"from": backers[0]})
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.refund(failed, backers[0], {"from": backers[0]})


def test_refund_by_someone_who_never_pledged_reverts(crowdfund, backers, failed):
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.refund(failed, backers[4], {"from": backers[4]})


def test_refund_to_the_zero_address_reverts(crowdfund, backers, failed):
    with brownie.reverts(reason("ZeroAddress")):
        crowdfund.refund(failed, ZERO, {"from": backers[0]})


def test_a_backer_contract_refusing_eth_cannot_refund_to_itself(crowdfund, owner, launch):
    receiver = HostileReceiver.deploy({"from": owner})
    receiver.setOnReceive(REFUSE, ETH, b"", {"from": owner})
    campaign_id = launch(goal=10**20)
    receiver.act(
        crowdfund,
        10**18,
        crowdfund.pledge.encode_input(campaign_id, 0, 10**18),
        {"from": owner, "value": 10**18},
    )
    end_funding()
    with brownie.reverts(reason("EthTransferFailed", receiver, 10**18)):
        receiver.act(crowdfund, 0, crowdfund.refund.encode_input(campaign_id, receiver), {"from": owner})
    assert crowdfund.pledges(campaign_id, receiver)[0] == 10**18


def test_a_backer_contract_refusing_eth_refunds_to_another_recipient(crowdfund, owner, backers, launch):
    receiver = HostileReceiver.deploy({"from": owner})
    receiver.setOnReceive(REFUSE, ETH, b"", {"from": owner})
    campaign_id = launch(goal=10**20)
    receiver.act(
        crowdfund,
        10**18,
        crowdfund.pledge.encode_input(campaign_id, 0, 10**18),
        {"from": owner, "value": 10**18},
    )
    end_funding()
    before = backers[5].balance()
    receiver.act(crowdfund, 0, crowdfund.refund.encode_input(campaign_id, backers[5]), {"from": owner})
    assert backers[5].balance() - before == 10**18
    assert crowdfund.pledges(campaign_id, receiver)[0] == 0
    assert crowdfund.balance() == 0


# --------------------------------------------------------------------------- cancel


def test_creator_cancels_a_funding_campaign(crowdfund, creator, launch):
    campaign_id = launch()
    tx = crowdfund.cancel(campaign_id, {"from": creator})
    assert tx.events["CampaignCancelled"]["campaignId"] == campaign_id
    assert crowdfund.stateOf(campaign_id) == CANCELLED


def test_creator_cancels_an_upcoming_campaign(crowdfund, creator, launch):
    campaign_id = launch(starts_in=86400)
    crowdfund.cancel(campaign_id, {"from": creator})
    assert crowdfund.stateOf(campaign_id) == CANCELLED


def test_cancel_by_anyone_but_the_creator_reverts(crowdfund, creator, backers, launch):
    campaign_id = launch()
    with brownie.reverts(reason("NotCreator", backers[0], creator)):
        crowdfund.cancel(campaign_id, {"from": backers[0]})


def test_cancel_after_the_deadline_of_a_funded_campaign_reverts(crowdfund, creator, funded):
    with brownie.reverts(reason("CannotCancel", SUCCEEDED)):
        crowdfund.cancel(funded, {"from": creator})


def test_cancel_after_the_deadline_of_a_failed_campaign_reverts(crowdfund, creator, failed):
    with brownie.reverts(reason("CannotCancel", FAILED)):
        crowdfund.cancel(failed, {"from": creator})


def test_cancel_twice_reverts(crowdfund, creator, cancelled):
    with brownie.reverts(reason("CannotCancel", CANCELLED)):
        crowdfund.cancel(cancelled, {"from": creator})


# --------------------------------------------------------------------------- exact accounting


def test_every_unit_is_paid_exactly_once_and_only_fees_remain(
    crowdfund, creator, backers, treasury, funded, failed, cancelled
):
    total_in = sum(ODD) + 3 * 10**18 + 2 * 10**18
    assert crowdfund.balance() == total_in
    paid = {}
    for account, campaign_id in [(backers[0], failed), (backers[1], failed), (backers[0], cancelled)]:
        before = account.balance()
        crowdfund.refund(campaign_id, account, {"from": account})
        paid[(account, campaign_id)] = account.balance() - before
    before = creator.balance()
    crowdfund.claim(funded, creator, {"from": creator})
    claimed = creator.balance() - before

    assert paid == {
        (backers[0], failed): 10**18,
        (backers[1], failed): 2 * 10**18,
        (backers[0], cancelled): 2 * 10**18,
    }
    assert claimed == sum(ODD) - fee_of(sum(ODD))
    assert crowdfund.balance() == crowdfund.feesAccrued(ETH) == fee_of(sum(ODD))
    assert sum(paid.values()) + claimed + crowdfund.feesAccrued(ETH) == total_in

    treasury_before = treasury.balance()
    crowdfund.withdrawFees(ETH, {"from": backers[5]})
    assert treasury.balance() - treasury_before == fee_of(sum(ODD))
    assert crowdfund.balance() == 0


def test_nothing_can_be_paid_a_second_time(crowdfund, creator, backers, funded, failed, cancelled):
    crowdfund.claim(funded, creator, {"from": creator})
    for account, campaign_id in [(backers[0], failed), (backers[1], failed), (backers[0], cancelled)]:
        crowdfund.refund(campaign_id, account, {"from": account})
    with brownie.reverts(reason("NothingToClaim")):
        crowdfund.claim(funded, creator, {"from": creator})
    for account, campaign_id in [(backers[0], failed), (backers[1], failed), (backers[0], cancelled)]:
        with brownie.reverts(reason("NothingPledged")):
            crowdfund.refund(campaign_id, account, {"from": account})
    assert crowdfund.balance() == crowdfund.feesAccrued(ETH)
