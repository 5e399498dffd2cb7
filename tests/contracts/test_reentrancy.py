"""A contract that re-enters Crowdfund when it receives ETH: every payout is still made exactly once."""

import brownie
import pytest
from brownie import HostileReceiver

from tests.conftest import DAY, ETH, FEE_BPS, end_funding, launch_params

ACCEPT, REFUSE, REENTER = 0, 1, 2


def fee_of(amount):
    return amount * FEE_BPS // 10_000


@pytest.fixture
def attacker(owner):
    return HostileReceiver.deploy({"from": owner})


def act(attacker, crowdfund, data, value=0):
    """Call Crowdfund from the attacker contract (so msg.sender is the attacker)."""
    return attacker.act(crowdfund, value, data, {"from": attacker.tx.sender, "value": value})


def reenter_on_receive(attacker, crowdfund, data):
    attacker.setOnReceive(REENTER, crowdfund, data, {"from": attacker.tx.sender})


def attacker_pledges(crowdfund, attacker, campaign_id, amount):
    act(attacker, crowdfund, crowdfund.pledge.encode_input(campaign_id, 0, amount), value=amount)


@pytest.fixture
def bystander(crowdfund, launch, backers):
    """Another campaign holding 10 ETH, so that a payout made twice would find the ETH to pay it."""
    campaign_id = launch(goal=100 * 10**18, duration=60 * DAY)
    crowdfund.pledge(campaign_id, 0, 10 * 10**18, {"from": backers[5], "value": 10 * 10**18})
    return campaign_id


@pytest.fixture
def attacker_campaign(crowdfund, attacker, backers, bystander):
    """A campaign launched by the attacker contract, past its deadline with its 1 ETH goal met by 3 ETH."""
    act(attacker, crowdfund, crowdfund.launch.encode_input(launch_params(goal=10**18)))
    campaign_id = crowdfund.campaignCount()
    assert crowdfund.campaign(campaign_id)["creator"] == attacker
    for backer in backers[:3]:
        crowdfund.pledge(campaign_id, 0, 10**18, {"from": backer, "value": 10**18})
    end_funding()
    return campaign_id


@pytest.fixture
def failed_with_attacker(crowdfund, launch, attacker, backers):
    """A failed campaign (goal 100 ETH) where the attacker pledged 1 ETH and two backers 2 ETH each."""
    campaign_id = launch(goal=100 * 10**18)
    attacker_pledges(crowdfund, attacker, campaign_id, 10**18)
    for backer in backers[:2]:
        crowdfund.pledge(campaign_id, 0, 2 * 10**18, {"from": backer, "value": 2 * 10**18})
    end_funding()
    return campaign_id


def test_a_creator_re_entering_claim_is_paid_once(crowdfund, attacker, attacker_campaign):
    claim = crowdfund.claim.encode_input(attacker_campaign, attacker)
    reenter_on_receive(attacker, crowdfund, claim)
    act(attacker, crowdfund, claim)
    assert attacker.reentered() is False
    assert attacker.balance() == 3 * 10**18 - fee_of(3 * 10**18)
    assert crowdfund.feesAccrued(ETH) == fee_of(3 * 10**18)
    assert crowdfund.balance() == fee_of(3 * 10**18) + 10 * 10**18
    assert crowdfund.campaign(attacker_campaign)["released"] == 3 * 10**18


def test_a_creator_re_entering_claim_cannot_claim_again_afterwards(crowdfund, attacker, attacker_campaign):
    claim = crowdfund.claim.encode_input(attacker_campaign, attacker)
    reenter_on_receive(attacker, crowdfund, claim)
    act(attacker, crowdfund, claim)
    with brownie.reverts("NothingToClaim: "):
        act(attacker, crowdfund, claim)
    assert attacker.balance() == 3 * 10**18 - fee_of(3 * 10**18)


def test_a_creator_re_entering_claim_on_a_milestone_campaign_gets_only_the_first_tranche(
    crowdfund, attacker, backers
):
    params = launch_params(goal=10**18, milestones=[4000, 6000])
    act(attacker, crowdfund, crowdfund.launch.encode_input(params))
    campaign_id = crowdfund.campaignCount()
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0], "value": 10**18})
    end_funding()
    claim = crowdfund.claim.encode_input(campaign_id, attacker)
    reenter_on_receive(attacker, crowdfund, claim)
    act(attacker, crowdfund, claim)
    assert attacker.reentered() is False
    assert attacker.balance() == 4 * 10**17 - fee_of(4 * 10**17)
    assert crowdfund.balance() == 6 * 10**17 + fee_of(4 * 10**17)


def test_a_backer_re_entering_refund_is_refunded_once(crowdfund, attacker, backers, failed_with_attacker):
    refund = crowdfund.refund.encode_input(failed_with_attacker, attacker)
    reenter_on_receive(attacker, crowdfund, refund)
    act(attacker, crowdfund, refund)
    assert attacker.reentered() is False
    assert attacker.balance() == 10**18
    assert crowdfund.balance() == 4 * 10**18
    for backer in backers[:2]:
        before = backer.balance()
        crowdfund.refund(failed_with_attacker, backer, {"from": backer})
        assert backer.balance() - before == 2 * 10**18
    assert crowdfund.balance() == 0


def test_a_backer_re_entering_refund_after_a_rejection_takes_only_its_share(
    crowdfund, creator, attacker, backers, launch
):
    campaign_id = launch(goal=10**18, milestones=[5000, 5000], quorum_bps=1)
    attacker_pledges(crowdfund, attacker, campaign_id, 10**18)
    crowdfund.pledge(campaign_id, 0, 3 * 10**18, {"from": backers[0], "value": 3 * 10**18})
    end_funding()
    crowdfund.openVote(campaign_id, {"from": creator})
    crowdfund.vote(campaign_id, False, {"from": backers[0]})
    end_funding(8)
    crowdfund.closeVote(campaign_id, {"from": creator})
    refund = crowdfund.refund.encode_input(campaign_id, attacker)
    reenter_on_receive(attacker, crowdfund, refund)
    act(attacker, crowdfund, refund)
    assert attacker.reentered() is False
    assert attacker.balance() == 2 * 10**18 * 1 // 4  # a quarter of the 2 ETH not unlocked
    before = backers[0].balance()
    crowdfund.refund(campaign_id, backers[0], {"from": backers[0]})
    assert backers[0].balance() - before == 15 * 10**17
    assert crowdfund.balance() == 2 * 10**18  # the creator's unlocked half, not yet claimed


def test_a_refund_re_entering_refund_of_another_campaign_is_blocked(
    crowdfund, attacker, launch, failed_with_attacker
):
    # refunding the second campaign would be legitimate on its own: only the re-entrancy guard stops it
    other = launch(goal=100 * 10**18)
    attacker_pledges(crowdfund, attacker, other, 5 * 10**17)
    end_funding()
    reenter_on_receive(attacker, crowdfund, crowdfund.refund.encode_input(other, attacker))
    act(attacker, crowdfund, crowdfund.refund.encode_input(failed_with_attacker, attacker))
    assert attacker.reentered() is False
    assert attacker.balance() == 10**18
    assert crowdfund.pledges(other, attacker)[0] == 5 * 10**17


def test_a_backer_re_entering_unpledge_is_paid_once(crowdfund, attacker, backers, launch):
    campaign_id = launch(goal=100 * 10**18)
    attacker_pledges(crowdfund, attacker, campaign_id, 10**18)
    crowdfund.pledge(campaign_id, 0, 2 * 10**18, {"from": backers[0], "value": 2 * 10**18})
    unpledge = crowdfund.unpledge.encode_input(campaign_id, attacker)
    reenter_on_receive(attacker, crowdfund, unpledge)
    act(attacker, crowdfund, unpledge)
    assert attacker.reentered() is False
    assert attacker.balance() == 10**18
    assert crowdfund.balance() == crowdfund.campaign(campaign_id)["raised"] == 2 * 10**18
    assert crowdfund.pledges(campaign_id, attacker)[0] == 0


def test_an_unpledge_re_entering_pledge_with_the_payout_fails(crowdfund, attacker, launch):
    campaign_id = launch(goal=100 * 10**18)
    attacker_pledges(crowdfund, attacker, campaign_id, 10**18)
    # the re-entered call carries no ETH, so only the guard or the ETH check can stop it; either way no pledge
    reenter_on_receive(attacker, crowdfund, crowdfund.pledge.encode_input(campaign_id, 0, 10**18))
    act(attacker, crowdfund, crowdfund.unpledge.encode_input(campaign_id, attacker))
    assert attacker.reentered() is False
    assert crowdfund.pledges(campaign_id, attacker)[0] == 0
    assert crowdfund.campaign(campaign_id)["raised"] == 0
    assert crowdfund.balance() == 0


def test_a_treasury_re_entering_withdraw_fees_is_paid_once(
    crowdfund, owner, creator, attacker, backers, launch
):
    crowdfund.setTreasury(attacker, {"from": owner})
    first, second = launch(goal=10**18), launch(goal=10**18)
    for campaign_id in (first, second):
        crowdfund.pledge(campaign_id, 0, 2 * 10**18, {"from": backers[0], "value": 2 * 10**18})
    end_funding()
    crowdfund.claim(first, creator, {"from": creator})
    reenter_on_receive(attacker, crowdfund, crowdfund.withdrawFees.encode_input(ETH))
    crowdfund.withdrawFees(ETH, {"from": backers[1]})
    assert attacker.reentered() is False
    assert attacker.balance() == fee_of(2 * 10**18)
    assert crowdfund.feesAccrued(ETH) == 0
    assert crowdfund.balance() == 2 * 10**18  # the second campaign, still unclaimed


def test_the_attacker_does_record_a_re_entry_that_succeeds(crowdfund, attacker, failed_with_attacker):
    # the harness check: re-entering a view is harmless and succeeds, so `reentered() is False` above means
    # the re-entered payouts really failed
    reenter_on_receive(attacker, crowdfund, crowdfund.stateOf.encode_input(failed_with_attacker))
    act(attacker, crowdfund, crowdfund.refund.encode_input(failed_with_attacker, attacker))
    assert attacker.reentered() is True
    assert attacker.balance() == 10**18
