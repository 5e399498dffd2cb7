"""Milestone tranches: the schedule, the backers' votes (an optimistic release with a veto), rejection and the
exact pro-rata refunds after it."""

import brownie
import pytest
from brownie import chain

from tests.conftest import DAY, ETH, FEE_BPS, end_funding

FUNDING, SUCCEEDED, FAILED, REJECTED = 1, 2, 3, 5
VOTE_PERIOD = 7 * DAY
GRACE = 180 * DAY
SCHEDULE = [4000, 3000, 3000]
UNIT = 10**17 + 1
# 1 : 2 : 4 of a unit that leaves remainders: 7 units is 700000000000000007 wei
PLEDGES = [UNIT, 2 * UNIT, 4 * UNIT]
RAISED = sum(PLEDGES)


def ints(values):
    """A view's tuple as plain ints (brownie's Wei refuses tuple comparison with ints)."""
    return tuple(int(value) for value in values)


def reason(error, *args):
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case)."""
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


def sleep_until(timestamp):
    chain.sleep(timestamp - chain.time())
    chain.mine()


def unlocked(tranches):
    return RAISED * sum(SCHEDULE[:tranches]) // 10_000


def fee_of(amount):
    return amount * FEE_BPS // 10_000


@pytest.fixture
def funded(crowdfund, launch, backers):
    """Past its deadline, goal met: backers 0, 1, 2 pledged 1, 2 and 4 units; tranches 40/30/30; quorum 20%"""
    campaign_id = launch(goal=5 * 10**17, milestones=SCHEDULE, quorum_bps=2000)
    for backer, amount in zip(backers, PLEDGES, strict=False):
        crowdfund.pledge(campaign_id, 0, amount, {"from": backer, "value": amount})
    end_funding()
    return campaign_id


def open_vote(crowdfund, campaign_id, creator):
    return crowdfund.openVote(campaign_id, {"from": creator})


def run_vote(crowdfund, campaign_id, creator, votes):
    """Open the next vote, cast {backer: approve}, let it end and close it; returns the closeVote tx."""
    open_vote(crowdfund, campaign_id, creator)
    for backer, approve in votes.items():
        crowdfund.vote(campaign_id, approve, {"from": backer})
    sleep_until(crowdfund.campaign(campaign_id)["voteEndsAt"])
    return crowdfund.closeVote(campaign_id, {"from": creator})


@pytest.fixture
def rejected(crowdfund, creator, backers, funded):
    """`funded` with its second tranche voted down (4 + 2 units reject, 1 approves) before any claim."""
    run_vote(crowdfund, funded, creator, {backers[0]: True, backers[1]: False, backers[2]: False})
    return funded


# --------------------------------------------------------------------------- schedule and first tranche


def test_milestone_schedule_is_stored_in_release_order(crowdfund, funded):
    assert list(crowdfund.milestoneSchedule(funded)) == SCHEDULE
    assert crowdfund.campaign(funded)["milestoneCount"] == 3


def test_a_campaign_without_milestones_has_one_tranche_of_everything(crowdfund, launch):
    campaign_id = launch()
    assert list(crowdfund.milestoneSchedule(campaign_id)) == [10_000]
    assert crowdfund.campaign(campaign_id)["milestoneCount"] == 1
    assert crowdfund.campaign(campaign_id)["milestoneSchedule"] == 0


def test_nothing_is_claimable_before_success(crowdfund, backers, launch):
    campaign_id = launch(goal=10**18, milestones=SCHEDULE)
    crowdfund.pledge(campaign_id, 0, 2 * 10**18, {"from": backers[0], "value": 2 * 10**18})
    assert crowdfund.claimable(campaign_id) == 0


def test_only_the_first_tranche_unlocks_on_success(crowdfund, creator, funded):
    assert crowdfund.claimable(funded) == unlocked(1)
    before = creator.balance()
    tx = crowdfund.claim(funded, creator, {"from": creator})
    assert creator.balance() - before == unlocked(1) - fee_of(unlocked(1))
    assert tx.events["Claimed"]["released"] == unlocked(1)
    assert crowdfund.campaign(funded)["released"] == unlocked(1)
    assert crowdfund.balance() == RAISED - unlocked(1) + fee_of(unlocked(1))


def test_claim_of_the_first_tranche_twice_reverts(crowdfund, creator, funded):
    crowdfund.claim(funded, creator, {"from": creator})
    with brownie.reverts(reason("NothingToClaim")):
        crowdfund.claim(funded, creator, {"from": creator})


# --------------------------------------------------------------------------- openVote


def test_creator_opens_the_vote_on_the_second_tranche(crowdfund, creator, funded):
    tx = open_vote(crowdfund, funded, creator)
    event = tx.events["VoteOpened"]
    assert (event["campaignId"], event["milestone"]) == (funded, 1)
    assert event["endsAt"] == tx.timestamp + VOTE_PERIOD
    c = crowdfund.campaign(funded)
    assert c["voteOpen"] is True
    assert c["voteEndsAt"] == tx.timestamp + VOTE_PERIOD


def test_a_backer_cannot_open_the_vote_during_the_grace_period(crowdfund, backers, funded):
    deadline = crowdfund.campaign(funded)["deadline"]
    with brownie.reverts(reason("OnlyCreatorUntil", deadline + GRACE)):
        crowdfund.openVote(funded, {"from": backers[0]})


def test_a_backer_opens_the_vote_after_the_creator_stays_silent_for_the_grace(crowdfund, backers, funded):
    sleep_until(crowdfund.campaign(funded)["deadline"] + GRACE)
    tx = crowdfund.openVote(funded, {"from": backers[0]})
    assert tx.events["VoteOpened"]["milestone"] == 1
    assert crowdfund.campaign(funded)["voteOpen"] is True


def test_a_non_backer_cannot_open_the_vote_even_after_the_grace(crowdfund, backers, funded):
    sleep_until(crowdfund.campaign(funded)["deadline"] + GRACE)
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.openVote(funded, {"from": backers[5]})


def test_after_an_approval_the_grace_runs_from_the_end_of_that_vote(crowdfund, creator, backers, funded):
    run_vote(crowdfund, funded, creator, {})
    vote_ended = crowdfund.campaign(funded)["voteEndsAt"]
    sleep_until(crowdfund.campaign(funded)["deadline"] + GRACE + DAY)
    with brownie.reverts(reason("OnlyCreatorUntil", vote_ended + GRACE)):
        crowdfund.openVote(funded, {"from": backers[0]})


def test_opening_a_vote_while_one_is_open_reverts(crowdfund, creator, funded):
    open_vote(crowdfund, funded, creator)
    with brownie.reverts(reason("VoteAlreadyOpen")):
        open_vote(crowdfund, funded, creator)


def test_opening_a_vote_on_a_campaign_without_milestones_reverts(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=10**18)
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0], "value": 10**18})
    end_funding()
    with brownie.reverts(reason("NoMilestoneLeft")):
        open_vote(crowdfund, campaign_id, creator)


def test_opening_a_vote_after_every_tranche_is_unlocked_reverts(crowdfund, creator, funded):
    run_vote(crowdfund, funded, creator, {})
    run_vote(crowdfund, funded, creator, {})
    with brownie.reverts(reason("NoMilestoneLeft")):
        open_vote(crowdfund, funded, creator)


def test_opening_a_vote_before_the_deadline_reverts(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=10**18, milestones=SCHEDULE)
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0], "value": 10**18})
    with brownie.reverts(reason("NotClaimable", FUNDING)):
        open_vote(crowdfund, campaign_id, creator)


def test_opening_a_vote_on_a_failed_campaign_reverts(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=10**18, milestones=SCHEDULE)
    crowdfund.pledge(campaign_id, 0, 10**17, {"from": backers[0], "value": 10**17})
    end_funding()
    with brownie.reverts(reason("NotClaimable", FAILED)):
        open_vote(crowdfund, campaign_id, creator)


def test_opening_a_vote_after_a_rejection_reverts(crowdfund, creator, rejected):
    with brownie.reverts(reason("NotClaimable", REJECTED)):
        open_vote(crowdfund, rejected, creator)


# --------------------------------------------------------------------------- vote


def test_votes_are_weighted_by_the_pledge(crowdfund, creator, backers, funded):
    open_vote(crowdfund, funded, creator)
    crowdfund.vote(funded, True, {"from": backers[0]})
    tx = crowdfund.vote(funded, False, {"from": backers[2]})
    event = tx.events["Voted"]
    assert (event["backer"], event["milestone"], event["approve"], event["weight"]) == (
        backers[2],
        1,
        False,
        4 * UNIT,
    )
    assert (event["approveWeight"], event["rejectWeight"]) == (UNIT, 4 * UNIT)
    assert ints(crowdfund.tallies(funded)) == (UNIT, 4 * UNIT)
    assert crowdfund.pledges(funded, backers[2])[2] == 1


def test_voting_twice_on_a_milestone_reverts(crowdfund, creator, backers, funded):
    open_vote(crowdfund, funded, creator)
    crowdfund.vote(funded, True, {"from": backers[0]})
    with brownie.reverts(reason("AlreadyVoted", 1)):
        crowdfund.vote(funded, False, {"from": backers[0]})
    assert ints(crowdfund.tallies(funded)) == (UNIT, 0)


def test_a_vote_by_someone_who_never_pledged_reverts(crowdfund, creator, backers, funded):
    open_vote(crowdfund, funded, creator)
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.vote(funded, False, {"from": backers[5]})


def test_a_vote_after_the_period_reverts(crowdfund, creator, backers, funded):
    ends_at = open_vote(crowdfund, funded, creator).events["VoteOpened"]["endsAt"]
    sleep_until(ends_at)
    with brownie.reverts(reason("VoteEnded", ends_at)):
        crowdfund.vote(funded, False, {"from": backers[0]})


def test_a_vote_with_no_vote_open_reverts(crowdfund, backers, funded):
    with brownie.reverts(reason("VoteNotOpen")):
        crowdfund.vote(funded, True, {"from": backers[0]})


def test_a_backer_votes_again_on_the_next_milestone_with_a_fresh_tally(crowdfund, creator, backers, funded):
    run_vote(crowdfund, funded, creator, {backers[0]: True, backers[1]: True})
    open_vote(crowdfund, funded, creator)
    assert ints(crowdfund.tallies(funded)) == (0, 0)
    tx = crowdfund.vote(funded, True, {"from": backers[0]})
    assert tx.events["Voted"]["milestone"] == 2
    assert ints(crowdfund.tallies(funded)) == (UNIT, 0)


# --------------------------------------------------------------------------- closeVote


def test_closing_a_running_vote_reverts(crowdfund, creator, funded):
    ends_at = open_vote(crowdfund, funded, creator).events["VoteOpened"]["endsAt"]
    with brownie.reverts(reason("VoteStillRunning", ends_at)):
        crowdfund.closeVote(funded, {"from": creator})


def test_closing_without_an_open_vote_reverts(crowdfund, creator, funded):
    with brownie.reverts(reason("VoteNotOpen")):
        crowdfund.closeVote(funded, {"from": creator})


def test_an_approval_unlocks_the_next_tranche(crowdfund, creator, backers, funded):
    crowdfund.claim(funded, creator, {"from": creator})
    tx = run_vote(crowdfund, funded, creator, {backers[2]: True, backers[0]: False})
    event = tx.events["VoteClosed"]
    assert (
        event["milestone"],
        event["approved"],
        event["approveWeight"],
        event["rejectWeight"],
        event["refundPool"],
    ) == (1, True, 4 * UNIT, UNIT, 0)
    assert crowdfund.campaign(funded)["milestonesApproved"] == 1
    assert crowdfund.campaign(funded)["voteOpen"] is False
    assert crowdfund.claimable(funded) == unlocked(2) - unlocked(1)
    assert crowdfund.stateOf(funded) == SUCCEEDED


def test_the_creator_claims_each_approved_tranche_and_finally_everything(crowdfund, creator, funded):
    before = creator.balance()
    crowdfund.claim(funded, creator, {"from": creator})
    run_vote(crowdfund, funded, creator, {})
    crowdfund.claim(funded, creator, {"from": creator})
    run_vote(crowdfund, funded, creator, {})
    tx = crowdfund.claim(funded, creator, {"from": creator})
    assert tx.events["Claimed"]["released"] == RAISED
    fees = fee_of(unlocked(1)) + fee_of(unlocked(2) - unlocked(1)) + fee_of(RAISED - unlocked(2))
    assert creator.balance() - before == RAISED - fees
    assert crowdfund.balance() == crowdfund.feesAccrued(ETH) == fees


def test_anyone_may_close_an_ended_vote(crowdfund, creator, backers, funded):
    open_vote(crowdfund, funded, creator)
    sleep_until(crowdfund.campaign(funded)["voteEndsAt"])
    tx = crowdfund.closeVote(funded, {"from": backers[5]})
    assert tx.events["VoteClosed"]["approved"] is True


def test_a_rejection_with_quorum_rejects_the_campaign_and_sets_the_refund_pool(
    crowdfund, creator, backers, funded
):
    tx = run_vote(crowdfund, funded, creator, {backers[0]: True, backers[1]: False, backers[2]: False})
    event = tx.events["VoteClosed"]
    assert (
        event["milestone"],
        event["approved"],
        event["approveWeight"],
        event["rejectWeight"],
        event["refundPool"],
    ) == (1, False, UNIT, 6 * UNIT, RAISED - unlocked(1))
    assert crowdfund.stateOf(funded) == REJECTED
    assert ints(crowdfund.refundPools(funded)) == (RAISED - unlocked(1), RAISED)
    assert crowdfund.campaign(funded)["milestonesApproved"] == 0


def test_a_rejection_below_the_quorum_still_approves(crowdfund, creator, backers, funded):
    # 1 of 7 units (14%) is below the 20% quorum, though every vote cast rejects
    tx = run_vote(crowdfund, funded, creator, {backers[0]: False})
    assert tx.events["VoteClosed"]["approved"] is True
    assert tx.events["VoteClosed"]["refundPool"] == 0
    assert crowdfund.stateOf(funded) == SUCCEEDED
    assert crowdfund.claimable(funded) == unlocked(2)


def test_approvals_do_not_offset_a_rejection_that_reaches_the_quorum(crowdfund, creator, backers, launch):
    """An optimistic release with a veto: 3 units approving cannot outvote 1 unit rejecting, because the 1
    unit reaches the 20% quorum of 4 on its own."""
    campaign_id = launch(goal=10**18, milestones=[5000, 5000])
    crowdfund.pledge(campaign_id, 0, 3 * 10**18, {"from": backers[0], "value": 3 * 10**18})
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[1], "value": 10**18})
    end_funding()
    tx = run_vote(crowdfund, campaign_id, creator, {backers[0]: True, backers[1]: False})
    event = tx.events["VoteClosed"]
    assert (event["approved"], event["approveWeight"], event["rejectWeight"]) == (False, 3 * 10**18, 10**18)
    assert crowdfund.stateOf(campaign_id) == REJECTED


def test_a_rejection_exactly_at_the_quorum_rejects(crowdfund, creator, backers, launch):
    campaign_id = launch(goal=10**18, milestones=[5000, 5000], quorum_bps=2500)
    crowdfund.pledge(campaign_id, 0, 3 * 10**18, {"from": backers[0], "value": 3 * 10**18})
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[1], "value": 10**18})
    end_funding()
    tx = run_vote(crowdfund, campaign_id, creator, {backers[1]: False})
    assert tx.events["VoteClosed"]["approved"] is False


def test_a_vote_nobody_casts_approves(crowdfund, creator, funded):
    tx = run_vote(crowdfund, funded, creator, {})
    assert (tx.events["VoteClosed"]["approved"], tx.events["VoteClosed"]["refundPool"]) == (True, 0)


def test_a_rejection_of_a_later_milestone_leaves_the_earlier_tranches_to_the_creator(
    crowdfund, creator, backers, funded
):
    run_vote(crowdfund, funded, creator, {backers[2]: True})
    tx = run_vote(crowdfund, funded, creator, {backers[2]: False})
    assert tx.events["VoteClosed"]["milestone"] == 2
    assert tx.events["VoteClosed"]["refundPool"] == RAISED - unlocked(2)
    assert crowdfund.claimable(funded) == unlocked(2)


# --------------------------------------------------------------------------- after a rejection


def test_pro_rata_refunds_after_rejection_are_exact(crowdfund, creator, backers, rejected):
    pool, weight = RAISED - unlocked(1), RAISED
    paid = []
    for backer, pledged in zip(backers, PLEDGES, strict=False):
        expected = pool if pledged == weight else pool * pledged // weight
        assert crowdfund.refundable(rejected, backer) == expected
        before = backer.balance()
        tx = crowdfund.refund(rejected, backer, {"from": backer})
        assert backer.balance() - before == tx.events["Refunded"]["amount"] == expected
        paid.append(expected)
        pool, weight = pool - expected, weight - pledged
    # the shares do not divide evenly: rounding left the last backer a little more than 4/7
    assert paid[:2] == [(RAISED - unlocked(1)) * p // RAISED for p in PLEDGES[:2]]
    assert paid[2] > (RAISED - unlocked(1)) * PLEDGES[2] // RAISED
    assert ints(crowdfund.refundPools(rejected)) == (0, 0)

    released_before = crowdfund.campaign(rejected)["released"]
    crowdfund.claim(rejected, creator, {"from": creator})
    creator_total = crowdfund.campaign(rejected)["released"] - released_before
    assert sum(paid) + creator_total == RAISED
    assert crowdfund.balance() == crowdfund.feesAccrued(ETH) == fee_of(unlocked(1))


def test_pro_rata_refunds_add_up_in_any_order(crowdfund, backers, rejected):
    paid = 0
    for i in (2, 0, 1):
        before = backers[i].balance()
        crowdfund.refund(rejected, backers[i], {"from": backers[i]})
        paid += backers[i].balance() - before
    assert paid == RAISED - unlocked(1)
    assert crowdfund.balance() == unlocked(1)


def test_the_creator_still_claims_what_was_unlocked_before_the_rejection(crowdfund, creator, rejected):
    assert crowdfund.claimable(rejected) == unlocked(1)
    before = creator.balance()
    tx = crowdfund.claim(rejected, creator, {"from": creator})
    assert creator.balance() - before == unlocked(1) - fee_of(unlocked(1))
    assert tx.events["Claimed"]["released"] == unlocked(1)
    with brownie.reverts(reason("NothingToClaim")):
        crowdfund.claim(rejected, creator, {"from": creator})


def test_a_creator_who_claimed_before_the_rejection_has_nothing_more_to_claim(
    crowdfund, creator, backers, funded
):
    crowdfund.claim(funded, creator, {"from": creator})
    run_vote(crowdfund, funded, creator, {backers[1]: False, backers[2]: False})
    assert crowdfund.claimable(funded) == 0
    with brownie.reverts(reason("NothingToClaim")):
        crowdfund.claim(funded, creator, {"from": creator})


def test_a_second_refund_after_rejection_reverts(crowdfund, backers, rejected):
    crowdfund.refund(rejected, backers[0], {"from": backers[0]})
    with brownie.reverts(reason("NothingPledged")):
        crowdfund.refund(rejected, backers[0], {"from": backers[0]})


def test_a_backer_cannot_refund_while_milestones_are_approved(crowdfund, creator, backers, funded):
    run_vote(crowdfund, funded, creator, {})
    with brownie.reverts(reason("NotRefundable", SUCCEEDED)):
        crowdfund.refund(funded, backers[0], {"from": backers[0]})
