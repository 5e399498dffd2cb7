"""Four eyes: a task that names a co-reviewer needs both reviewers for every award, approval and rejection;
the first call proposes, the other reviewer's identical call executes. A silent co-reviewer cannot stop the
default."""

import brownie
import pytest

from tests.contracts.bounty.conftest import (
    AWARDED,
    BPS,
    CO_REVIEWER,
    NO_ONE,
    OPEN,
    PLACE_APPROVED,
    PLACE_OPEN,
    PLACE_SUBMITTED,
    REQUESTER,
    REWARD,
    mine_at,
    net_of,
    pass_deadline,
    pass_review,
    reason,
)


@pytest.fixture
def contest(bounty, post_contest, enter, reveal, workers, co_reviewer) -> int:
    """A co-reviewed ETH contest with two revealed entries, in its review period."""
    task_id = post_contest(co_reviewer=co_reviewer.address)
    for worker in workers[:2]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:2]:
        reveal(task_id, worker)
    return task_id


@pytest.fixture
def micro(bounty, post_micro, workers, co_reviewer) -> int:
    """A co-reviewed micro-task with places 0 and 1 submitted."""
    task_id = post_micro(places=3, co_reviewer=co_reviewer.address)
    for index, worker in enumerate(workers[:2]):
        bounty.take(task_id, index, [], {"from": worker})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": worker})
    return task_id


def test_an_award_proposed_by_the_requester_executes_when_the_co_reviewer_confirms(
    bounty, contest, requester, co_reviewer, workers
):
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    proposed = tx.events["AwardProposed"]
    assert (proposed["proposer"], list(proposed["winners"]), list(proposed["sharesBps"])) == (
        requester,
        [workers[0]],
        [BPS],
    )
    assert "Awarded" not in tx.events
    assert bounty.task(contest)["status"] == OPEN
    assert bounty.awardProposal(contest)["proposedBy"] == REQUESTER
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": co_reviewer})
    assert tx.events["Awarded"]["amount"] == net_of(REWARD)
    assert bounty.task(contest)["status"] == AWARDED
    assert bounty.awardProposal(contest)["proposedBy"] == NO_ONE


def test_the_co_reviewer_may_propose_first(bounty, contest, requester, co_reviewer, workers):
    bounty.award(contest, workers[:2], [4000, 6000], {"from": co_reviewer})
    assert bounty.awardProposal(contest)["proposedBy"] == CO_REVIEWER
    tx = bounty.award(contest, workers[:2], [4000, 6000], {"from": requester})
    assert [e["shareBps"] for e in tx.events["Awarded"]] == [4000, 6000]


def test_one_reviewer_calling_twice_does_not_execute(bounty, contest, requester, workers):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    assert "Awarded" not in tx.events
    assert bounty.task(contest)["status"] == OPEN


def test_a_different_award_replaces_the_proposal(bounty, contest, requester, co_reviewer, workers):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    tx = bounty.award(contest, [workers[1]], [BPS], {"from": co_reviewer})  # disagrees: a counter-proposal
    assert "Awarded" not in tx.events
    assert bounty.awardProposal(contest)["proposedBy"] == CO_REVIEWER
    tx = bounty.award(contest, [workers[1]], [BPS], {"from": requester})
    assert tx.events["Awarded"]["worker"] == workers[1]


def test_a_reviewer_who_changes_their_mind_withdraws_their_first_proposal(
    bounty, contest, requester, co_reviewer, workers
):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    bounty.award(contest, [workers[1]], [BPS], {"from": requester})
    # confirming the first proposal no longer executes it: it is now the co-reviewer's own proposal
    tx = bounty.award(contest, [workers[0]], [BPS], {"from": co_reviewer})
    assert "Awarded" not in tx.events
    assert bounty.task(contest)["status"] == OPEN


def test_a_proposal_is_checked_like_an_award(bounty, contest, requester, workers):
    with brownie.reverts(reason("WinnerNotRevealed", workers[2].address)):
        bounty.award(contest, [workers[2]], [BPS], {"from": requester})


def test_a_silent_co_reviewer_cannot_stop_the_default_split(bounty, contest, requester, workers):
    bounty.award(contest, [workers[0]], [BPS], {"from": requester})
    pass_review(bounty, contest)
    bounty.splitByDefault(contest, {"from": workers[1]})
    assert bounty.withdrawable(contest, workers[0]) == bounty.withdrawable(contest, workers[1]) > 0


def test_an_approval_needs_both_reviewers(bounty, micro, requester, co_reviewer, workers):
    tx = bounty.approve(micro, 0, {"from": requester})
    proposed = tx.events["PlaceDecisionProposed"]
    assert (proposed["proposer"], proposed["placeIndex"], proposed["approve"]) == (requester, 0, True)
    place = bounty.placeOf(micro, 0)
    assert (place["status"], place["proposedBy"], place["proposedApproval"]) == (
        PLACE_SUBMITTED,
        REQUESTER,
        True,
    )
    assert bounty.withdrawable(micro, workers[0]) == 0
    tx = bounty.approve(micro, 0, {"from": co_reviewer})
    assert tx.events["PlaceApproved"]["worker"] == workers[0]
    place = bounty.placeOf(micro, 0)
    assert (place["status"], place["proposedBy"]) == (PLACE_APPROVED, NO_ONE)


def test_a_rejection_needs_both_reviewers(bounty, micro, requester, co_reviewer):
    bounty.reject(micro, 1, {"from": co_reviewer})
    assert bounty.placeOf(micro, 1)["status"] == PLACE_SUBMITTED
    tx = bounty.reject(micro, 1, {"from": requester})
    assert "PlaceRejected" in tx.events
    assert bounty.placeOf(micro, 1)["status"] == PLACE_OPEN


def test_opposite_decisions_do_not_execute_either(bounty, micro, requester, co_reviewer):
    bounty.approve(micro, 0, {"from": requester})
    tx = bounty.reject(micro, 0, {"from": co_reviewer})  # a counter-proposal
    assert "PlaceRejected" not in tx.events
    place = bounty.placeOf(micro, 0)
    assert (place["status"], place["proposedBy"], place["proposedApproval"]) == (
        PLACE_SUBMITTED,
        CO_REVIEWER,
        False,
    )
    tx = bounty.approve(micro, 0, {"from": co_reviewer})  # the co-reviewer changes its mind
    assert "PlaceApproved" not in tx.events
    tx = bounty.approve(micro, 0, {"from": requester})
    assert "PlaceApproved" in tx.events


def test_proposals_are_kept_per_place(bounty, micro, requester, co_reviewer):
    bounty.approve(micro, 0, {"from": requester})
    bounty.approve(micro, 1, {"from": requester})
    bounty.approve(micro, 1, {"from": co_reviewer})
    bounty.approve(micro, 0, {"from": co_reviewer})
    assert bounty.placeOf(micro, 0)["status"] == bounty.placeOf(micro, 1)["status"] == PLACE_APPROVED


def test_a_rejected_places_proposal_does_not_carry_over_to_its_next_worker(
    bounty, micro, requester, co_reviewer, workers
):
    bounty.reject(micro, 0, {"from": requester})
    bounty.reject(micro, 0, {"from": co_reviewer})
    bounty.take(micro, 0, [], {"from": workers[2]})
    bounty.submitWork(micro, 0, b"\x02" * 32, {"from": workers[2]})
    place = bounty.placeOf(micro, 0)
    assert (place["worker"], place["proposedBy"]) == (workers[2], NO_ONE)
    tx = bounty.reject(micro, 0, {"from": requester})
    assert "PlaceRejected" not in tx.events


def test_a_silent_co_reviewer_cannot_stop_the_default_approval(bounty, micro, requester, workers):
    bounty.approve(micro, 0, {"from": requester})
    since = bounty.placeOf(micro, 0)["since"]
    mine_at(since + bounty.task(micro)["reviewPeriod"])
    tx = bounty.approveByDefault(micro, 0, {"from": workers[0]})
    assert tx.events["PlaceApproved"]["byDefault"] is True


def test_only_the_two_reviewers_decide(bounty, contest, micro, outsider, workers):
    with brownie.reverts(reason("NotAReviewer", outsider.address)):
        bounty.award(contest, [workers[0]], [BPS], {"from": outsider})
    with brownie.reverts(reason("NotAReviewer", outsider.address)):
        bounty.approve(micro, 0, {"from": outsider})
