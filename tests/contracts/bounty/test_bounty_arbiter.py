"""The arbiter named at posting: it decides after a co-reviewer's objection, for a requester who stayed
silent, and on a rejected worker's one appeal, each within ARBITRATION_WINDOW; its silence lets the
requester's decision stand, upholds a rejection, or lets the default apply. Every window is fixed, so no
escrow is ever stuck."""

import brownie
import pytest

from tests.contracts.bounty.conftest import (
    APPEAL_WINDOW,
    ARBITRATION_WINDOW,
    BPS,
    BY_ARBITER,
    BY_DEFAULT,
    BY_REQUESTER,
    CO_REVIEW_WINDOW,
    ETH,
    PLACE_APPEALED,
    PLACE_APPROVED,
    PLACE_OPEN,
    PLACE_REJECTED,
    PLACE_SUBMITTED,
    REWARD,
    fee_of,
    mine_at,
    net_of,
    next_block_at,
    now,
    pass_deadline,
    reason,
    review_end_of,
)

PAY = 10**17
WORK = b"\x33" * 32


@pytest.fixture
def contest(bounty, post_contest, enter, reveal, workers, co_reviewer, arbiter) -> int:
    """An ETH contest with a co-reviewer and an arbiter, two revealed entries, in its review period."""
    task_id = post_contest(co_reviewer=co_reviewer.address, arbiter=arbiter.address)
    for worker in workers[:2]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:2]:
        reveal(task_id, worker)
    return task_id


@pytest.fixture
def micro(bounty, post_micro, workers, co_reviewer, arbiter) -> int:
    """A micro-task with a co-reviewer and an arbiter; places 0 and 1 submitted by workers 0 and 1."""
    task_id = post_micro(pay=PAY, places=3, co_reviewer=co_reviewer.address, arbiter=arbiter.address)
    submit_places(bounty, task_id, workers)
    return task_id


@pytest.fixture
def appealable(bounty, post_micro, workers, arbiter) -> int:
    """A micro-task with an arbiter and no co-reviewer; places 0 and 1 submitted by workers 0 and 1."""
    task_id = post_micro(pay=PAY, places=3, arbiter=arbiter.address)
    submit_places(bounty, task_id, workers)
    return task_id


def submit_places(bounty, task_id, workers):
    for index, worker in enumerate(workers[:2]):
        bounty.take(task_id, index, [], {"from": worker})
        bounty.submitWork(task_id, index, WORK, {"from": worker})


def review_end_of_place(bounty, task_id, index) -> int:
    return bounty.placeOf(task_id, index)["since"] + bounty.task(task_id)["reviewPeriod"]


def rejected(bounty, task_id, index, requester) -> int:
    """Reject place `index` of a task without a co-reviewer; returns the rejection's time."""
    return bounty.reject(task_id, index, {"from": requester}).timestamp


# ---------------------------------------------------------------------- contests


def test_an_arbiter_overrides_the_requesters_award_on_objection(
    bounty, contest, requester, co_reviewer, arbiter, workers
):
    proposed_at = bounty.award(contest, [workers[0]], [BPS], {"from": requester}).timestamp
    objected = bounty.objectToAward(contest, {"from": co_reviewer}).events["AwardObjected"]
    assert objected["arbiterUntil"] == proposed_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
    tx = bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})
    awarded = tx.events["Awarded"]
    assert (awarded["worker"], awarded["amount"], awarded["decidedBy"]) == (
        workers[1],
        net_of(REWARD),
        BY_ARBITER,
    )
    assert bounty.withdrawable(contest, workers[0]) == 0
    assert bounty.awardProposal(contest)["proposedAt"] == 0


def test_the_arbiter_may_also_uphold_the_objected_award(
    bounty, contest, requester, co_reviewer, arbiter, workers
):
    bounty.award(contest, workers[:2], [2000, 8000], {"from": requester})
    bounty.objectToAward(contest, {"from": co_reviewer})
    tx = bounty.arbitrateAward(contest, workers[:2], [2000, 8000], {"from": arbiter})
    assert [e["decidedBy"] for e in tx.events["Awarded"]] == [BY_ARBITER, BY_ARBITER]


def test_the_arbiter_cannot_step_in_without_an_objection(bounty, contest, requester, arbiter, workers):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("NothingToArbitrate")):
        bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})


def test_arbiter_silence_lets_the_requesters_award_stand(
    bounty, contest, requester, co_reviewer, arbiter, workers, outsider
):
    proposed_at = bounty.award(contest, [workers[0]], [BPS], {"from": requester}).timestamp
    bounty.objectToAward(contest, {"from": co_reviewer})
    stands_at = proposed_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
    next_block_at(proposed_at + CO_REVIEW_WINDOW)
    with brownie.reverts(reason("NotFinalYet", stands_at)):
        bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider})
    next_block_at(stands_at)
    with brownie.reverts(reason("ArbitrationOver", stands_at)):
        bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})
    awarded = bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider}).events["Awarded"]
    assert (awarded["worker"], awarded["decidedBy"]) == (workers[0], BY_REQUESTER)


def test_the_arbiter_decides_for_a_silent_requester(bounty, contest, arbiter, workers):
    review_end = review_end_of(bounty, contest)
    next_block_at(review_end - 1)
    with brownie.reverts(reason("ReviewStillRunning", review_end)):
        bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})
    next_block_at(review_end)
    tx = bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})
    assert (tx.events["Awarded"]["worker"], tx.events["Awarded"]["decidedBy"]) == (workers[1], BY_ARBITER)


def test_after_a_silent_requester_and_arbiter_the_default_split_applies(
    bounty, contest, arbiter, workers, outsider
):
    review_end = review_end_of(bounty, contest)
    default_at = review_end + ARBITRATION_WINDOW
    next_block_at(review_end)
    with brownie.reverts(reason("ArbitrationStillOpen", default_at)):
        bounty.splitByDefault(contest, {"from": outsider})
    next_block_at(default_at)
    with brownie.reverts(reason("ArbitrationOver", default_at)):
        bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": arbiter})
    split = bounty.splitByDefault(contest, {"from": outsider}).events["ContestSplitByDefault"]
    assert (split["recipients"], split["share"]) == (2, REWARD // 2)


def test_only_the_arbiter_arbitrates(bounty, contest, requester, co_reviewer, workers, post_contest, arbiter):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    bounty.objectToAward(contest, {"from": co_reviewer})
    for caller in (requester, co_reviewer, workers[1]):
        with brownie.reverts(reason("NotArbiter", caller.address)):
            bounty.arbitrateAward(contest, [workers[1]], [BPS], {"from": caller})
    without_arbiter = post_contest()
    with brownie.reverts(reason("NotArbiter", arbiter.address)):
        bounty.arbitrateAward(without_arbiter, [workers[1]], [BPS], {"from": arbiter})


def test_an_arbiters_award_is_checked_like_any_award(bounty, contest, arbiter, workers):
    mine_at(review_end_of(bounty, contest))
    with brownie.reverts(reason("WinnerNotRevealed", workers[2].address)):
        bounty.arbitrateAward(contest, [workers[2]], [BPS], {"from": arbiter})
    with brownie.reverts(reason("SharesMustSumTo100Percent", 9000)):
        bounty.arbitrateAward(contest, workers[:2], [4000, 5000], {"from": arbiter})


# ---------------------------------------------------------------------- places


def test_an_arbiter_overrides_a_requesters_rejection_on_objection(
    bounty, micro, requester, co_reviewer, arbiter, workers
):
    decided_at = bounty.reject(micro, 0, {"from": requester}).timestamp
    objected = bounty.objectToPlace(micro, 0, {"from": co_reviewer}).events["PlaceObjected"]
    assert objected["arbiterUntil"] == decided_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
    approved = bounty.arbitratePlace(micro, 0, True, {"from": arbiter}).events["PlaceApproved"]
    assert (approved["worker"], approved["amount"], approved["decidedBy"]) == (
        workers[0],
        net_of(PAY),
        BY_ARBITER,
    )
    assert bounty.placeOf(micro, 0)["status"] == PLACE_APPROVED


def test_an_arbiters_rejection_reopens_the_place_at_once(
    bounty, micro, requester, co_reviewer, arbiter, workers
):
    bounty.approve(micro, 1, {"from": requester})
    bounty.objectToPlace(micro, 1, {"from": co_reviewer})
    rejection = bounty.arbitratePlace(micro, 1, False, {"from": arbiter}).events["PlaceRejected"]
    assert (rejection["worker"], rejection["decidedBy"], rejection["appealableUntil"]) == (
        workers[1],
        BY_ARBITER,
        0,
    )
    assert bounty.placeOf(micro, 1)["status"] == PLACE_OPEN
    with brownie.reverts(reason("PlaceNotRejected", 1, PLACE_OPEN)):
        bounty.appeal(micro, 1, {"from": workers[1]})


def test_arbiter_silence_lets_the_requesters_place_decision_stand(
    bounty, micro, requester, co_reviewer, arbiter, workers, outsider
):
    decided_at = bounty.approve(micro, 0, {"from": requester}).timestamp
    bounty.objectToPlace(micro, 0, {"from": co_reviewer})
    stands_at = decided_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
    next_block_at(stands_at - 1)
    with brownie.reverts(reason("NotFinalYet", stands_at)):
        bounty.finalizePlace(micro, 0, {"from": outsider})
    next_block_at(stands_at)
    with brownie.reverts(reason("ArbitrationOver", stands_at)):
        bounty.arbitratePlace(micro, 0, False, {"from": arbiter})
    approved = bounty.finalizePlace(micro, 0, {"from": outsider}).events["PlaceApproved"]
    assert (approved["worker"], approved["decidedBy"]) == (workers[0], BY_REQUESTER)


def test_the_arbiter_decides_a_place_for_a_silent_requester(bounty, micro, arbiter, workers):
    review_end = review_end_of_place(bounty, micro, 0)
    next_block_at(review_end - 1)
    with brownie.reverts(reason("ReviewStillRunning", review_end)):
        bounty.arbitratePlace(micro, 0, False, {"from": arbiter})
    next_block_at(review_end)
    rejection = bounty.arbitratePlace(micro, 0, False, {"from": arbiter}).events["PlaceRejected"]
    assert (rejection["decidedBy"], rejection["appealableUntil"]) == (BY_ARBITER, 0)
    assert bounty.microTask(micro)["pending"] == 1


def test_after_a_silent_arbiter_submitted_work_is_approved_by_default(
    bounty, micro, arbiter, workers, outsider
):
    default_at = review_end_of_place(bounty, micro, 0) + ARBITRATION_WINDOW
    next_block_at(default_at - 1)
    with brownie.reverts(reason("ArbitrationStillOpen", default_at)):
        bounty.approveByDefault(micro, 0, {"from": outsider})
    next_block_at(default_at)
    with brownie.reverts(reason("ArbitrationOver", default_at)):
        bounty.arbitratePlace(micro, 0, False, {"from": arbiter})
    approved = bounty.approveByDefault(micro, 0, {"from": outsider}).events["PlaceApproved"]
    assert (approved["worker"], approved["decidedBy"]) == (workers[0], BY_DEFAULT)


def test_the_arbiter_cannot_decide_a_place_nobody_disputed(bounty, micro, requester, arbiter):
    bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("NothingToArbitrate")):
        bounty.arbitratePlace(micro, 0, False, {"from": arbiter})
    with brownie.reverts(reason("PlaceNotSubmitted", 2, PLACE_OPEN)):
        bounty.arbitratePlace(micro, 2, True, {"from": arbiter})


# ---------------------------------------------------------------------- appeals


def test_with_an_arbiter_a_rejection_holds_the_place_for_an_appeal(bounty, appealable, requester, workers):
    tx = bounty.reject(appealable, 0, {"from": requester})
    rejection = tx.events["PlaceRejected"]
    assert (rejection["worker"], rejection["decidedBy"], rejection["appealableUntil"]) == (
        workers[0],
        BY_REQUESTER,
        tx.timestamp + APPEAL_WINDOW,
    )
    place = bounty.placeOf(appealable, 0)
    assert (place["worker"], place["since"], place["status"]) == (workers[0], tx.timestamp, PLACE_REJECTED)
    assert bounty.microTask(appealable)["pending"] == 2
    assert bounty.isPlaceFree(appealable, 0) is False
    with brownie.reverts(reason("PlaceNotFree", 0, PLACE_REJECTED)):
        bounty.take(appealable, 0, [], {"from": workers[2]})


def test_an_appeal_reverses_a_rejection(bounty, appealable, requester, arbiter, workers):
    rejected(bounty, appealable, 0, requester)
    tx = bounty.appeal(appealable, 0, {"from": workers[0]})
    appealed = tx.events["PlaceAppealed"]
    assert (appealed["worker"], appealed["placeIndex"], appealed["arbiterUntil"]) == (
        workers[0],
        0,
        tx.timestamp + ARBITRATION_WINDOW,
    )
    assert bounty.placeOf(appealable, 0)["status"] == PLACE_APPEALED
    approved = bounty.arbitratePlace(appealable, 0, True, {"from": arbiter}).events["PlaceApproved"]
    assert (approved["worker"], approved["amount"], approved["decidedBy"]) == (
        workers[0],
        net_of(PAY),
        BY_ARBITER,
    )
    before = workers[0].balance()
    bounty.withdraw(appealable, workers[0], {"from": workers[0]})
    assert workers[0].balance() - before == net_of(PAY)


def test_a_second_appeal_is_refused(bounty, appealable, requester, arbiter, workers):
    rejected(bounty, appealable, 0, requester)
    bounty.appeal(appealable, 0, {"from": workers[0]})
    with brownie.reverts(reason("AlreadyAppealed", 0)):
        bounty.appeal(appealable, 0, {"from": workers[0]})
    bounty.arbitratePlace(appealable, 0, False, {"from": arbiter})  # upheld: the place reopens
    with brownie.reverts(reason("PlaceNotRejected", 0, PLACE_OPEN)):
        bounty.appeal(appealable, 0, {"from": workers[0]})


def test_an_upheld_appeal_reopens_the_place(bounty, appealable, requester, arbiter, workers):
    rejected(bounty, appealable, 0, requester)
    bounty.appeal(appealable, 0, {"from": workers[0]})
    rejection = bounty.arbitratePlace(appealable, 0, False, {"from": arbiter}).events["PlaceRejected"]
    assert (rejection["decidedBy"], rejection["appealableUntil"]) == (BY_ARBITER, 0)
    assert bounty.placeOf(appealable, 0)["status"] == PLACE_OPEN
    assert bounty.microTask(appealable)["pending"] == 1
    bounty.take(appealable, 0, [], {"from": workers[2]})


def test_arbiter_silence_upholds_a_rejection(bounty, appealable, requester, arbiter, workers, outsider):
    rejected(bounty, appealable, 0, requester)
    appealed_at = bounty.appeal(appealable, 0, {"from": workers[0]}).timestamp
    ends_at = appealed_at + ARBITRATION_WINDOW
    next_block_at(ends_at - 1)
    with brownie.reverts(reason("NotFinalYet", ends_at)):
        bounty.finalizePlace(appealable, 0, {"from": outsider})
    next_block_at(ends_at)
    with brownie.reverts(reason("ArbitrationOver", ends_at)):
        bounty.arbitratePlace(appealable, 0, True, {"from": arbiter})
    reopened = bounty.finalizePlace(appealable, 0, {"from": outsider}).events["PlaceReopened"]
    assert (reopened["worker"], reopened["placeIndex"]) == (workers[0], 0)
    assert bounty.placeOf(appealable, 0)["status"] == PLACE_OPEN
    assert bounty.withdrawable(appealable, workers[0]) == 0


def test_an_appeal_comes_within_the_appeal_window_or_the_rejection_stands(
    bounty, appealable, requester, arbiter, workers, outsider
):
    ends_at = rejected(bounty, appealable, 0, requester) + APPEAL_WINDOW
    next_block_at(ends_at - 1)
    with brownie.reverts(reason("NotFinalYet", ends_at)):
        bounty.finalizePlace(appealable, 0, {"from": outsider})
    next_block_at(ends_at)
    with brownie.reverts(reason("AppealWindowOver", ends_at)):
        bounty.appeal(appealable, 0, {"from": workers[0]})
    assert "PlaceReopened" in bounty.finalizePlace(appealable, 0, {"from": outsider}).events
    assert bounty.microTask(appealable)["pending"] == 1


def test_only_the_rejected_worker_appeals(bounty, appealable, requester, workers):
    rejected(bounty, appealable, 0, requester)
    with brownie.reverts(reason("NotPlaceHolder", 0, workers[1].address, workers[0].address)):
        bounty.appeal(appealable, 0, {"from": workers[1]})
    with brownie.reverts(reason("PlaceNotRejected", 1, PLACE_SUBMITTED)):
        bounty.appeal(appealable, 1, {"from": workers[1]})


def test_the_arbiter_waits_for_an_appeal(bounty, appealable, requester, arbiter):
    rejected(bounty, appealable, 0, requester)
    with brownie.reverts(reason("NothingToArbitrate")):
        bounty.arbitratePlace(appealable, 0, True, {"from": arbiter})


def test_without_an_arbiter_there_is_no_appeal_and_the_place_reopens_at_once(
    bounty, post_micro, requester, workers
):
    task_id = post_micro(pay=PAY, places=2)
    submit_places(bounty, task_id, workers)
    rejection = bounty.reject(task_id, 0, {"from": requester}).events["PlaceRejected"]
    assert rejection["appealableUntil"] == 0
    assert bounty.placeOf(task_id, 0)["status"] == PLACE_OPEN
    with brownie.reverts(reason("NoArbiter", task_id)):
        bounty.appeal(task_id, 0, {"from": workers[0]})


def test_a_place_held_for_an_appeal_is_not_reclaimable_until_the_appeal_is_over(
    bounty, post_micro, requester, arbiter, workers, outsider
):
    task_id = post_micro(pay=PAY, places=1, duration=2 * 3600, arbiter=arbiter.address)
    bounty.take(task_id, 0, [], {"from": workers[0]})
    bounty.submitWork(task_id, 0, WORK, {"from": workers[0]})
    pass_deadline(bounty, task_id)
    ends_at = rejected(bounty, task_id, 0, requester) + APPEAL_WINDOW
    with brownie.reverts(reason("NothingToReclaim")):
        bounty.reclaim(task_id, requester, {"from": requester})
    mine_at(ends_at)
    bounty.finalizePlace(task_id, 0, {"from": outsider})
    assert bounty.reclaim(task_id, requester, {"from": requester}).events["RewardReclaimed"]["amount"] == PAY
    assert bounty.balance() == 0


# ---------------------------------------------------------------------- every window ends


def test_the_slowest_contest_is_settled_by_anyone_when_its_last_window_ends(
    bounty, contest, requester, co_reviewer, workers, outsider
):
    """The longest a contest can wait: the requester proposes in the last second of the review period, the
    co-reviewer objects, the arbiter never answers. At the end of the arbitration window anyone settles it."""
    review_end = review_end_of(bounty, contest)
    next_block_at(review_end - 1)
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    bounty.objectToAward(contest, {"from": co_reviewer})
    mine_at(review_end - 1 + CO_REVIEW_WINDOW + ARBITRATION_WINDOW)
    bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider})
    bounty.withdraw(contest, workers[0], {"from": workers[0]})
    assert bounty.balance() == bounty.feesAccrued(ETH) == fee_of(REWARD)


def test_the_slowest_place_is_released_by_anyone_when_its_last_window_ends(
    bounty, micro, requester, co_reviewer, workers, outsider
):
    """The longest a place can be held: a rejection in the last second of its review period, an objection the
    arbiter never answers, an appeal in the last second of its window the arbiter never answers either. Then
    anyone reopens it and, after the deadline, the requester takes its pay back."""
    review_end = review_end_of_place(bounty, micro, 0)
    next_block_at(review_end - 1)
    bounty.reject(micro, 0, {"from": requester})
    bounty.objectToPlace(micro, 0, {"from": co_reviewer})
    mine_at(review_end - 1 + CO_REVIEW_WINDOW + ARBITRATION_WINDOW)
    rejected_at = bounty.finalizePlace(micro, 0, {"from": outsider}).timestamp
    next_block_at(rejected_at + APPEAL_WINDOW - 1)
    appealed_at = bounty.appeal(micro, 0, {"from": workers[0]}).timestamp
    mine_at(appealed_at + ARBITRATION_WINDOW)
    bounty.finalizePlace(micro, 0, {"from": outsider})
    assert now() > bounty.task(micro)["deadline"]
    # place 1 still awaits its review: settle it the same way, then everything unused goes back
    mine_at(max(now() + 1, review_end_of_place(bounty, micro, 1) + ARBITRATION_WINDOW))
    bounty.approveByDefault(micro, 1, {"from": outsider})
    reclaimed = bounty.reclaim(micro, requester, {"from": requester}).events["RewardReclaimed"]
    assert (reclaimed["amount"], reclaimed["placesReclaimed"]) == (2 * PAY, 2)
    bounty.withdraw(micro, workers[1], {"from": workers[1]})
    assert bounty.balance() == bounty.feesAccrued(ETH) == fee_of(PAY)
