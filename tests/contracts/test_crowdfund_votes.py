"""Milestone votes that fake accounts cannot capture: the creator never votes; a pledge-weighted vote is an
optimistic release that a quorum of rejections vetoes (approvals do not offset them), weighted by identity
when a ledger is set; or one vote per verified identity."""

import brownie
import pytest
from brownie import Reputation, accounts, chain

from tests.conftest import ETH, ONE_PER_VERIFIED_IDENTITY, end_funding, launch_params

WAD = 10**18
REJECTED, SUCCEEDED = 5, 2


def reason(error, *args):
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


@pytest.fixture(scope="module")
def attester():
    return accounts[8]


@pytest.fixture(scope="module")
def ledger(crowdfund, owner, attester):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    ledger.setAsset(ETH, WAD, WAD // 100, {"from": owner})
    ledger.setAttester(attester, True, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    return ledger


def verify(ledger, attester, *accounts, level=1):
    for account in accounts:
        ledger.attest(account, level, chain.time() + 365 * 86400, {"from": attester})


def pledge(crowdfund, campaign, backer, amount):
    crowdfund.pledge(campaign, 0, amount, {"from": backer, "value": amount})


def close_after(crowdfund, campaign, creator, votes):
    """Open the next milestone vote, cast {backer: approve}, let it end, close it; the VoteClosed event."""
    crowdfund.openVote(campaign, {"from": creator})
    for backer, approve in votes.items():
        crowdfund.vote(campaign, approve, {"from": backer})
    end_funding(8)
    return crowdfund.closeVote(campaign, {"from": creator}).events["VoteClosed"]


# --------------------------------------------------------------------------- the creator's own address


def test_the_creator_cannot_vote_on_its_own_milestones(crowdfund, launch, creator, backers):
    campaign = launch(goal=WAD, milestones=[5000, 5000])
    pledge(crowdfund, campaign, backers[0], WAD)
    pledge(crowdfund, campaign, creator, 10 * WAD)
    end_funding()
    crowdfund.openVote(campaign, {"from": creator})
    with brownie.reverts(reason("CreatorCannotVote", creator)):
        crowdfund.vote(campaign, True, {"from": creator})


# --------------------------------------------------------------------------- the second account's majority


@pytest.mark.parametrize("verified", [False, True])
def test_a_creators_second_account_cannot_decide_a_milestone_vote(
    crowdfund, ledger, attester, launch, creator, backers, verified
):
    """The issue's attack: backers pledge 5 + 5 ETH, the creator's second account 10 ETH + 1 wei and approves,
    both honest backers reject. The old majority rule passed the milestone; the veto rejects it, whether or
    not the honest backers hold a verified identity."""
    second_account = backers[5]
    if verified:
        verify(ledger, attester, backers[0], backers[1])
    campaign = launch(goal=WAD, milestones=[5000, 5000], quorum_bps=2000)
    pledge(crowdfund, campaign, backers[0], 5 * WAD)
    pledge(crowdfund, campaign, backers[1], 5 * WAD)
    pledge(crowdfund, campaign, second_account, 10 * WAD + 1)
    end_funding()
    votes = {second_account: True, backers[0]: False, backers[1]: False}
    closed = close_after(crowdfund, campaign, creator, votes)
    honest_weight = 10_000 if verified else 5_000
    assert closed["approved"] is False
    # the approval is recorded at the second account's (unverified) weight, and does not offset the veto
    assert closed["approveWeight"] == (10 * WAD + 1) * 5_000 // 10_000
    assert closed["rejectWeight"] == 2 * 5 * WAD * honest_weight // 10_000
    assert crowdfund.stateOf(campaign) == REJECTED
    # the honest backers share the half that was not unlocked, pro rata
    raised = 20 * WAD + 1
    pool = raised - raised * 5_000 // 10_000
    assert crowdfund.refundable(campaign, backers[0]) == pool * 5 * WAD // raised


@pytest.mark.parametrize("verified", [False, True])
def test_no_abstaining_minority_blocks_a_rejection(
    crowdfund, ledger, attester, launch, creator, backers, verified
):
    """At the highest quorum allowed (50%), an account holding just under half the money that never votes
    cannot stop the rest from vetoing, verified or not. (A quorum of 100% used to let any abstainer block
    every rejection; launch now refuses it.)"""
    if verified:
        verify(ledger, attester, backers[0])
    campaign = launch(goal=WAD, milestones=[5000, 5000], quorum_bps=5_000)
    pledge(crowdfund, campaign, backers[0], 5 * WAD + 10**12)
    pledge(crowdfund, campaign, backers[5], 5 * WAD - 10**12)  # abstains
    end_funding()
    closed = close_after(crowdfund, campaign, creator, {backers[0]: False})
    assert closed["approved"] is False


def test_a_quorum_of_100_percent_is_refused_at_launch(crowdfund, creator):
    with brownie.reverts(reason("QuorumOutOfRange", 10_000, 1, 5_000)):
        crowdfund.launch(launch_params(quorum_bps=10_000), {"from": creator})


def test_with_a_ledger_an_unverified_voter_weighs_its_pledge_times_the_unverified_weight(
    crowdfund, ledger, attester, launch, creator, backers
):
    verify(ledger, attester, backers[0])
    campaign = launch(goal=WAD, milestones=[5000, 5000])
    pledge(crowdfund, campaign, backers[0], 3 * WAD + 1)
    pledge(crowdfund, campaign, backers[1], 3 * WAD + 1)
    end_funding()
    crowdfund.openVote(campaign, {"from": creator})
    known = crowdfund.vote(campaign, False, {"from": backers[0]}).events["Voted"]
    unknown = crowdfund.vote(campaign, True, {"from": backers[1]}).events["Voted"]
    assert known["weight"] == 3 * WAD + 1
    assert unknown["weight"] == (3 * WAD + 1) * 5_000 // 10_000  # rounded down
    assert (unknown["approveWeight"], unknown["rejectWeight"]) == (unknown["weight"], known["weight"])


@pytest.mark.parametrize("verified, vetoed", [(False, False), (True, True)])
def test_a_verified_backer_vetoes_with_a_smaller_share_than_an_unverified_one(
    crowdfund, ledger, attester, launch, creator, backers, verified, vetoed
):
    """The quorum (20%) is of `raised` as unverified backers weigh it: unverified, 15% of the money rejecting
    weighs 7.5% of `raised`, short of 20% x 50%; verified it weighs 15%, enough."""
    if verified:
        verify(ledger, attester, backers[0])
    campaign = launch(goal=WAD, milestones=[5000, 5000], quorum_bps=2000)
    pledge(crowdfund, campaign, backers[0], 15 * WAD // 10)
    pledge(crowdfund, campaign, backers[1], 85 * WAD // 10)
    end_funding()
    closed = close_after(crowdfund, campaign, creator, {backers[0]: False})
    assert closed["approved"] is not vetoed


def test_an_unverified_majority_vetoes_at_the_highest_quorum(crowdfund, ledger, launch, creator, backers):
    campaign = launch(goal=WAD, milestones=[5000, 5000], quorum_bps=5_000)
    pledge(crowdfund, campaign, backers[0], 5 * WAD)
    pledge(crowdfund, campaign, backers[1], 5 * WAD)
    end_funding()
    closed = close_after(crowdfund, campaign, creator, {backers[0]: False})
    assert closed["approved"] is False  # exactly half of the money, at half weight, reaches 50% x 50%


def test_the_veto_threshold_is_fixed_when_the_vote_opens(crowdfund, ledger, owner, launch, creator, backers):
    """The unverified weight that scales the quorum is read by openVote and announced; a later change of the
    ledger's weighting does not move the threshold of a running vote, so nobody closing it can."""
    campaign = launch(goal=WAD, milestones=[5000, 5000], quorum_bps=2000)
    pledge(crowdfund, campaign, backers[0], 2 * WAD)
    pledge(crowdfund, campaign, backers[1], 8 * WAD)
    end_funding()
    opened = crowdfund.openVote(campaign, {"from": creator}).events["VoteOpened"]
    assert opened["unverifiedWeightBps"] == 5_000
    assert crowdfund.campaign(campaign)["voteUnverifiedWeightBps"] == 5_000
    crowdfund.vote(campaign, False, {"from": backers[0]})  # 20% of the money at half weight: 1 ETH
    ledger.setIdentityWeights(1, 10_000, {"from": owner})  # would need 2 ETH of weight
    end_funding(8)
    assert crowdfund.closeVote(campaign, {"from": creator}).events["VoteClosed"]["approved"] is False


# --------------------------------------------------------------------------- one vote per verified identity


@pytest.fixture
def identity_campaign(crowdfund, ledger, attester, launch, creator, backers):
    """Backers 0 to 2 pledged (0 and 1 verified at level 2, 2 at level 1) to a campaign that counts one vote
    per identity verified at level 2; a whale (backer 5, unverified) pledged more than all of them."""
    verify(ledger, attester, backers[0], backers[1], level=2)
    verify(ledger, attester, backers[2], level=1)
    campaign = launch(
        goal=WAD,
        milestones=[5000, 5000],
        quorum_bps=0,
        vote_mode=ONE_PER_VERIFIED_IDENTITY,
        min_attestation_level=2,
    )
    for backer in backers[:3]:
        pledge(crowdfund, campaign, backer, WAD)
    pledge(crowdfund, campaign, backers[5], 100 * WAD)
    end_funding()
    return campaign


def test_in_identity_mode_each_verified_backer_has_one_vote(crowdfund, creator, backers, identity_campaign):
    crowdfund.openVote(identity_campaign, {"from": creator})
    voted = crowdfund.vote(identity_campaign, False, {"from": backers[0]}).events["Voted"]
    assert (voted["weight"], voted["rejectWeight"]) == (1, 1)


def test_in_identity_mode_a_backer_without_the_level_cannot_vote(
    crowdfund, creator, backers, identity_campaign
):
    crowdfund.openVote(identity_campaign, {"from": creator})
    with brownie.reverts(reason("NotVerified", backers[2], 2)):
        crowdfund.vote(identity_campaign, True, {"from": backers[2]})
    with brownie.reverts(reason("NotVerified", backers[5], 2)):
        crowdfund.vote(identity_campaign, True, {"from": backers[5]})
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.vote(identity_campaign, True, {"from": backers[3]})


def test_in_identity_mode_more_rejections_than_approvals_reject(
    crowdfund, creator, backers, identity_campaign
):
    closed = close_after(crowdfund, identity_campaign, creator, {backers[0]: False, backers[1]: False})
    assert (closed["approved"], closed["approveWeight"], closed["rejectWeight"]) == (False, 0, 2)
    assert crowdfund.stateOf(identity_campaign) == REJECTED


def test_in_identity_mode_a_tie_approves(crowdfund, creator, backers, identity_campaign):
    closed = close_after(crowdfund, identity_campaign, creator, {backers[0]: True, backers[1]: False})
    assert closed["approved"] is True
    assert crowdfund.stateOf(identity_campaign) == SUCCEEDED


def test_identity_mode_is_stored_and_announced(crowdfund, identity_campaign):
    c = crowdfund.campaign(identity_campaign)
    assert (c["voteMode"], c["minAttestationLevel"], c["quorumBps"]) == (ONE_PER_VERIFIED_IDENTITY, 2, 0)
