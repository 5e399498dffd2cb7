"""Four eyes without a veto: on a task with a co-reviewer the requester's decision waits CO_REVIEW_WINDOW; the
co-reviewer confirms it (it executes at once) or objects. Without an arbiter an objection is only on
record: the requester's decision stands when the window ends, and anyone carries it out. A co-reviewer
alone never causes a payout the requester did not decide, and their silence no longer hands the reward to
the default split."""

import brownie
import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.contracts.bounty.conftest import (
    APPROVE,
    AWARDED,
    BPS,
    BY_BOTH_REVIEWERS,
    BY_REQUESTER,
    CO_REVIEW_WINDOW,
    NO_VERDICT,
    OPEN,
    PLACE_APPROVED,
    PLACE_OPEN,
    PLACE_SUBMITTED,
    REJECT,
    REWARD,
    ZERO,
    fee_of,
    fresh_accounts,
    mine_at,
    net_of,
    next_block_at,
    pass_deadline,
    pass_review,
    reason,
)


def decision_of(winners, shares) -> bytes:
    """keccak256(abi.encode(winners, sharesBps)), as Bounty stores an award proposal."""
    return keccak(encode(["address[]", "uint16[]"], [[str(w) for w in winners], shares]))


@pytest.fixture
def contest(bounty, post_contest, enter, reveal, workers, co_reviewer) -> int:
    """A co-reviewed ETH contest (no arbiter) with two revealed entries, in its review period."""
    task_id = post_contest(co_reviewer=co_reviewer.address)
    for worker in workers[:2]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:2]:
        reveal(task_id, worker)
    return task_id


@pytest.fixture
def micro(bounty, post_micro, workers, co_reviewer) -> int:
    """A co-reviewed micro-task (no arbiter) with places 0 and 1 submitted."""
    task_id = post_micro(places=3, co_reviewer=co_reviewer.address)
    for index, worker in enumerate(workers[:2]):
        bounty.take(task_id, index, [], {"from": worker})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": worker})
    return task_id


# ---------------------------------------------------------------------- contests


def test_the_requesters_award_waits_for_the_co_reviewer_who_confirms_it(
    bounty, contest, requester, co_reviewer, workers
):
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    proposed = tx.events["AwardProposed"]
    assert (proposed["requester"], list(proposed["winners"]), list(proposed["sharesBps"])) == (
        requester,
        [workers[0]],
        [BPS],
    )
    assert proposed["standsAt"] == tx.timestamp + CO_REVIEW_WINDOW
    assert "Awarded" not in tx.events
    assert bounty.task(contest)["status"] == OPEN
    proposal = bounty.awardProposal(contest)
    assert (proposal["decision"], proposal["proposedAt"], proposal["objected"]) == (
        "0x" + decision_of([workers[0]], [BPS]).hex(),
        tx.timestamp,
        False,
    )
    tx = bounty.confirmAward(contest, [workers[0]], [BPS], {"from": co_reviewer})
    awarded = tx.events["Awarded"]
    assert (awarded["amount"], awarded["decidedBy"]) == (net_of(REWARD), BY_BOTH_REVIEWERS)
    assert bounty.task(contest)["status"] == AWARDED
    assert bounty.awardProposal(contest)["proposedAt"] == 0


def test_a_confirmation_names_exactly_the_proposed_award(bounty, contest, requester, co_reviewer, workers):
    bounty.award(contest, workers[:2], [4000, 6000], {"from": requester})
    proposed = decision_of(workers[:2], [4000, 6000])
    for winners, shares in (
        ([workers[1]], [BPS]),
        (workers[:2], [6000, 4000]),
        (workers[1::-1], [6000, 4000]),
    ):
        with brownie.reverts(reason("AwardDiffers", proposed, decision_of(winners, shares))):
            bounty.confirmAward(contest, winners, shares, {"from": co_reviewer})
    assert bounty.task(contest)["status"] == OPEN


def test_nothing_can_be_confirmed_before_the_requester_proposes(bounty, contest, co_reviewer, workers):
    with brownie.reverts(reason("NoPendingDecision")):
        bounty.confirmAward(contest, [workers[0]], [BPS], {"from": co_reviewer})
    with brownie.reverts(reason("NoPendingDecision")):
        bounty.objectToAward(contest, {"from": co_reviewer})


def test_the_co_reviewer_confirms_within_the_co_review_window(
    bounty, contest, requester, co_reviewer, workers
):
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    end = tx.timestamp + CO_REVIEW_WINDOW
    next_block_at(end)
    with brownie.reverts(reason("CoReviewWindowOver", end)):
        bounty.confirmAward(contest, [workers[0]], [BPS], {"from": co_reviewer})
    with brownie.reverts(reason("CoReviewWindowOver", end)):
        bounty.objectToAward(contest, {"from": co_reviewer})


def test_only_the_co_reviewer_confirms_or_objects(
    bounty, contest, post_contest, requester, workers, outsider
):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    for caller in (requester, outsider, workers[0]):
        with brownie.reverts(reason("NotCoReviewer", caller.address)):
            bounty.confirmAward(contest, [workers[0]], [BPS], {"from": caller})
        with brownie.reverts(reason("NotCoReviewer", caller.address)):
            bounty.objectToAward(contest, {"from": caller})
    without_co_reviewer = post_contest()
    with brownie.reverts(reason("NotCoReviewer", outsider.address)):
        bounty.objectToAward(without_co_reviewer, {"from": outsider})


def test_a_co_reviewer_alone_cannot_award(bounty, contest, requester, co_reviewer, workers):
    with brownie.reverts(reason("NotRequester", co_reviewer.address, requester.address)):
        bounty.award(contest, [workers[1]], [BPS], {"from": co_reviewer})


def test_the_requester_may_replace_a_proposal_which_restarts_the_co_review_window(
    bounty, contest, requester, co_reviewer, workers
):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    tx = bounty.award(contest, [workers[1]], [BPS], {"from": requester})
    assert tx.events["AwardProposed"]["standsAt"] == tx.timestamp + CO_REVIEW_WINDOW
    assert bounty.awardProposal(contest)["decision"] == "0x" + decision_of([workers[1]], [BPS]).hex()
    with brownie.reverts():
        bounty.confirmAward(contest, [workers[0]], [BPS], {"from": co_reviewer})  # the withdrawn proposal
    next_block_at(tx.timestamp + CO_REVIEW_WINDOW - 1)
    with brownie.reverts(reason("NotFinalYet", tx.timestamp + CO_REVIEW_WINDOW)):
        bounty.finalizeAward(contest, [workers[1]], [BPS], {"from": workers[1]})
    next_block_at(tx.timestamp + CO_REVIEW_WINDOW)
    assert (
        bounty.finalizeAward(contest, [workers[1]], [BPS], {"from": workers[1]}).events["Awarded"]["worker"]
        == (workers[1])
    )


def test_an_objected_award_can_no_longer_be_changed_or_confirmed(
    bounty, contest, requester, co_reviewer, workers
):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    bounty.objectToAward(contest, {"from": co_reviewer})
    with brownie.reverts(reason("AlreadyObjected")):
        bounty.award(contest, [workers[1]], [BPS], {"from": requester})
    with brownie.reverts(reason("AlreadyObjected")):
        bounty.confirmAward(contest, [workers[0]], [BPS], {"from": co_reviewer})
    with brownie.reverts(reason("AlreadyObjected")):
        bounty.objectToAward(contest, {"from": co_reviewer})


def test_without_an_arbiter_an_objection_is_on_record_and_the_award_still_stands(
    bounty, contest, requester, co_reviewer, workers, outsider
):
    proposed_at = bounty.award(contest, [workers[0]], [BPS], {"from": requester}).timestamp
    tx = bounty.objectToAward(contest, {"from": co_reviewer})
    objected = tx.events["AwardObjected"]
    assert (objected["coReviewer"], objected["arbiterUntil"]) == (co_reviewer, 0)
    assert bounty.awardProposal(contest)["objected"] is True
    stands_at = proposed_at + CO_REVIEW_WINDOW
    next_block_at(stands_at - 1)
    with brownie.reverts(reason("NotFinalYet", stands_at)):
        bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider})
    next_block_at(stands_at)
    awarded = bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider}).events["Awarded"]
    assert (awarded["worker"], awarded["amount"], awarded["decidedBy"]) == (
        workers[0],
        net_of(REWARD),
        BY_REQUESTER,
    )


def test_finalizing_needs_the_proposed_award(bounty, contest, requester, workers, outsider):
    with brownie.reverts(reason("NoPendingDecision")):
        bounty.finalizeAward(contest, [workers[0]], [BPS], {"from": outsider})
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    mine_at(tx.timestamp + CO_REVIEW_WINDOW)
    with brownie.reverts(
        reason("AwardDiffers", decision_of([workers[0]], [BPS]), decision_of([workers[1]], [BPS]))
    ):
        bounty.finalizeAward(contest, [workers[1]], [BPS], {"from": outsider})


def test_a_standing_award_is_not_replaced_by_the_default_split(bounty, contest, requester, workers, outsider):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    pass_review(bounty, contest)
    with brownie.reverts(reason("RequesterDecided")):
        bounty.splitByDefault(contest, {"from": outsider})


def test_a_silent_co_reviewer_with_nine_junk_entries_cannot_take_more_than_the_requester_awarded_them(
    bounty, post_contest, enter, reveal, requester, co_reviewer, workers, outsider
):
    """The issue's attack: the co-reviewer enters 9 junk entries from other accounts and never confirms.
    Before, the contest fell to the default split and the honest winner of a 10 ETH award got 0.975 ETH."""
    reward = 10 * REWARD
    task_id = post_contest(reward=reward, co_reviewer=co_reviewer.address)
    honest, junk = workers[0], fresh_accounts(9)
    for worker in [honest, *junk]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in [honest, *junk]:
        reveal(task_id, worker)
    proposed_at = bounty.award(task_id, [honest], [BPS], {"from": requester}).timestamp
    pass_review(bounty, task_id)
    mine_at(max(proposed_at + CO_REVIEW_WINDOW, bounty.task(task_id)["deadline"] + 3 * 86400))
    with brownie.reverts(reason("RequesterDecided")):
        bounty.splitByDefault(task_id, {"from": junk[0]})
    bounty.finalizeAward(task_id, [honest], [BPS], {"from": outsider})
    before = honest.balance()
    bounty.withdraw(task_id, honest, {"from": honest})
    assert honest.balance() - before == net_of(reward)
    for worker in junk:
        assert bounty.withdrawable(task_id, worker) == 0
        with brownie.reverts(reason("NothingToWithdraw")):
            bounty.withdraw(task_id, worker, {"from": worker})
    assert bounty.balance() == fee_of(reward)


# ---------------------------------------------------------------------- places


def test_the_requesters_approval_waits_for_the_co_reviewer_who_confirms_it(
    bounty, micro, requester, co_reviewer, workers
):
    submitted_at = bounty.placeOf(micro, 0)["since"]
    tx = bounty.approve(micro, 0, {"from": requester})
    proposed = tx.events["PlaceDecisionProposed"]
    assert (proposed["requester"], proposed["placeIndex"], proposed["approve"]) == (requester, 0, True)
    assert proposed["standsAt"] == tx.timestamp + CO_REVIEW_WINDOW
    place = bounty.placeOf(micro, 0)
    assert (place["status"], place["decision"], place["decidedAfter"], place["objected"]) == (
        PLACE_SUBMITTED,
        APPROVE,
        tx.timestamp - submitted_at,
        False,
    )
    assert bounty.withdrawable(micro, workers[0]) == 0
    approved = bounty.confirmPlace(micro, 0, True, {"from": co_reviewer}).events["PlaceApproved"]
    assert (approved["worker"], approved["decidedBy"]) == (workers[0], BY_BOTH_REVIEWERS)
    place = bounty.placeOf(micro, 0)
    assert (place["status"], place["decision"]) == (PLACE_APPROVED, NO_VERDICT)


def test_a_confirmed_rejection_reopens_the_place(bounty, micro, requester, co_reviewer, workers):
    bounty.reject(micro, 1, {"from": requester})
    assert bounty.placeOf(micro, 1)["status"] == PLACE_SUBMITTED
    tx = bounty.confirmPlace(micro, 1, False, {"from": co_reviewer})
    rejected = tx.events["PlaceRejected"]
    assert (rejected["worker"], rejected["decidedBy"], rejected["appealableUntil"]) == (
        workers[1],
        BY_BOTH_REVIEWERS,
        0,
    )
    assert bounty.placeOf(micro, 1)["status"] == PLACE_OPEN
    assert bounty.microTask(micro)["pending"] == 1


def test_a_place_confirmation_names_the_requesters_decision(bounty, micro, requester, co_reviewer):
    bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("PlaceDecisionDiffers", 0, True)):
        bounty.confirmPlace(micro, 0, False, {"from": co_reviewer})
    with brownie.reverts(reason("NoPendingDecision")):
        bounty.confirmPlace(micro, 1, True, {"from": co_reviewer})


def test_a_co_reviewer_alone_cannot_force_payment_of_a_rejected_place(
    bounty, micro, requester, co_reviewer, workers, outsider
):
    """The issue's attack: before, the co-reviewer's silence after a rejection led to the default approval."""
    decided_at = bounty.reject(micro, 0, {"from": requester}).timestamp
    with brownie.reverts(reason("PlaceDecisionDiffers", 0, False)):
        bounty.confirmPlace(micro, 0, True, {"from": co_reviewer})
    with brownie.reverts(reason("NotRequester", co_reviewer.address, requester.address)):
        bounty.approve(micro, 0, {"from": co_reviewer})
    objected = bounty.objectToPlace(micro, 0, {"from": co_reviewer}).events["PlaceObjected"]
    assert (objected["placeIndex"], objected["arbiterUntil"]) == (0, 0)  # no arbiter: on record only
    mine_at(max(decided_at + CO_REVIEW_WINDOW, bounty.placeOf(micro, 0)["since"] + 3 * 86400))
    with brownie.reverts(reason("RequesterDecided")):
        bounty.approveByDefault(micro, 0, {"from": co_reviewer})
    tx = bounty.finalizePlace(micro, 0, {"from": outsider})
    assert (tx.events["PlaceRejected"]["decidedBy"], tx.events["PlaceRejected"]["appealableUntil"]) == (
        BY_REQUESTER,
        0,
    )
    assert bounty.placeOf(micro, 0)["status"] == PLACE_OPEN
    assert bounty.withdrawable(micro, workers[0]) == 0


def test_a_silent_co_reviewer_cannot_hold_back_an_approval(bounty, micro, requester, workers, outsider):
    decided_at = bounty.approve(micro, 0, {"from": requester}).timestamp
    next_block_at(decided_at + CO_REVIEW_WINDOW - 1)
    with brownie.reverts(reason("NotFinalYet", decided_at + CO_REVIEW_WINDOW)):
        bounty.finalizePlace(micro, 0, {"from": outsider})
    next_block_at(decided_at + CO_REVIEW_WINDOW)
    approved = bounty.finalizePlace(micro, 0, {"from": outsider}).events["PlaceApproved"]
    assert (approved["worker"], approved["decidedBy"]) == (workers[0], BY_REQUESTER)
    assert bounty.withdrawable(micro, workers[0]) > 0


def test_the_requester_may_change_a_place_decision_until_the_co_reviewer_objects(
    bounty, micro, requester, co_reviewer
):
    bounty.approve(micro, 0, {"from": requester})
    bounty.reject(micro, 0, {"from": requester})
    assert bounty.placeOf(micro, 0)["decision"] == REJECT
    bounty.objectToPlace(micro, 0, {"from": co_reviewer})
    with brownie.reverts(reason("AlreadyObjected")):
        bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("AlreadyObjected")):
        bounty.confirmPlace(micro, 0, False, {"from": co_reviewer})


def test_decisions_are_kept_per_place(bounty, micro, requester, co_reviewer):
    bounty.approve(micro, 0, {"from": requester})
    bounty.reject(micro, 1, {"from": requester})
    bounty.confirmPlace(micro, 1, False, {"from": co_reviewer})
    bounty.confirmPlace(micro, 0, True, {"from": co_reviewer})
    assert (bounty.placeOf(micro, 0)["status"], bounty.placeOf(micro, 1)["status"]) == (
        PLACE_APPROVED,
        PLACE_OPEN,
    )


def test_a_reopened_places_next_worker_starts_without_a_decision(
    bounty, micro, requester, co_reviewer, workers
):
    bounty.reject(micro, 0, {"from": requester})
    bounty.confirmPlace(micro, 0, False, {"from": co_reviewer})
    bounty.take(micro, 0, [], {"from": workers[2]})
    bounty.submitWork(micro, 0, b"\x02" * 32, {"from": workers[2]})
    place = bounty.placeOf(micro, 0)
    assert (place["worker"], place["decision"], place["objected"]) == (workers[2], NO_VERDICT, False)
    with brownie.reverts(reason("NoPendingDecision")):
        bounty.confirmPlace(micro, 0, False, {"from": co_reviewer})


def test_only_the_co_reviewer_confirms_or_objects_to_a_place(bounty, micro, requester, outsider):
    bounty.approve(micro, 0, {"from": requester})
    for caller in (requester, outsider):
        with brownie.reverts(reason("NotCoReviewer", caller.address)):
            bounty.confirmPlace(micro, 0, True, {"from": caller})
        with brownie.reverts(reason("NotCoReviewer", caller.address)):
            bounty.objectToPlace(micro, 0, {"from": caller})


def test_a_place_decision_is_confirmed_within_the_co_review_window(bounty, micro, requester, co_reviewer):
    decided_at = bounty.approve(micro, 0, {"from": requester}).timestamp
    next_block_at(decided_at + CO_REVIEW_WINDOW)
    with brownie.reverts(reason("CoReviewWindowOver", decided_at + CO_REVIEW_WINDOW)):
        bounty.objectToPlace(micro, 0, {"from": co_reviewer})


def test_a_task_without_a_co_reviewer_decides_at_once(bounty, post_micro, requester, workers):
    task_id = post_micro(co_reviewer=ZERO)
    bounty.take(task_id, 0, [], {"from": workers[0]})
    bounty.submitWork(task_id, 0, b"\x01" * 32, {"from": workers[0]})
    assert (
        bounty.approve(task_id, 0, {"from": requester}).events["PlaceApproved"]["decidedBy"] == BY_REQUESTER
    )
