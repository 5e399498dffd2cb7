"""Micro-tasks: N places at a fixed pay; a worker takes a place, submits within the work window, and is paid
on approval; a rejected or abandoned place reopens (a task without an arbiter: at once); unused places' pay
goes back after the deadline."""

import brownie
import pytest

from tests.contracts.bounty.conftest import (
    BY_DEFAULT,
    BY_REQUESTER,
    DAY,
    ETH,
    HOUR,
    PLACE_APPROVED,
    PLACE_OPEN,
    PLACE_SUBMITTED,
    PLACE_TAKEN,
    WORK_WINDOW,
    deadline_of,
    fee_of,
    mine_at,
    net_of,
    next_block_at,
    now,
    pass_deadline,
    plain,
    reason,
    task_params,
)

PAY = 10**17
WORK = b"\x33" * 32


@pytest.fixture
def micro(post_micro) -> int:
    """An ETH micro-task: 3 places at PAY, a one-day work window, a 7-day deadline, 3-day reviews."""
    return post_micro(pay=PAY, places=3)


def take(bounty, task_id, worker, index=0):
    return bounty.take(task_id, index, [], {"from": worker})


def submit_work(bounty, task_id, worker, index=0, work=WORK):
    return bounty.submitWork(task_id, index, work, {"from": worker})


def submitted(bounty, task_id, worker, index=0):
    take(bounty, task_id, worker, index)
    return submit_work(bounty, task_id, worker, index)


def review_end_of_place(bounty, task_id, index):
    return bounty.placeOf(task_id, index)["since"] + bounty.task(task_id)["reviewPeriod"]


# ---------------------------------------------------------------------- taking places


def test_taking_a_place_holds_it_for_the_work_window(bounty, micro, workers):
    tx = take(bounty, micro, workers[0], 2)
    taken = tx.events["PlaceTaken"]
    assert (taken["taskId"], taken["worker"], taken["placeIndex"]) == (micro, workers[0], 2)
    assert taken["expiresAt"] == tx.timestamp + WORK_WINDOW
    place = bounty.placeOf(micro, 2)
    assert (place["worker"], place["since"], place["status"]) == (workers[0], tx.timestamp, PLACE_TAKEN)
    assert bounty.isPlaceFree(micro, 2) is False
    assert bounty.isPlaceFree(micro, 1) is True


def test_a_held_place_cannot_be_taken(bounty, micro, workers):
    tx = take(bounty, micro, workers[0])
    with brownie.reverts(reason("PlaceHeldUntil", 0, workers[0].address, tx.timestamp + WORK_WINDOW)):
        take(bounty, micro, workers[1])


def test_a_place_not_submitted_in_its_work_window_reopens(bounty, micro, workers):
    tx = take(bounty, micro, workers[0])
    expires_at = tx.timestamp + WORK_WINDOW
    next_block_at(expires_at - 1)
    with brownie.reverts(reason("PlaceHeldUntil", 0, workers[0].address, expires_at)):
        take(bounty, micro, workers[1])
    mine_at(expires_at)
    assert bounty.isPlaceFree(micro, 0) is True
    take(bounty, micro, workers[1])
    assert bounty.placeOf(micro, 0)["worker"] == workers[1]
    with brownie.reverts(reason("NotPlaceHolder", 0, workers[0].address, workers[1].address)):
        submit_work(bounty, micro, workers[0])


def test_a_worker_may_hold_several_places(bounty, micro, workers):
    take(bounty, micro, workers[0], 0)
    take(bounty, micro, workers[0], 1)
    assert bounty.placeOf(micro, 1)["worker"] == workers[0]


def test_a_place_beyond_the_task_does_not_exist(bounty, micro, workers):
    with brownie.reverts(reason("PlaceNotFound", 3, 3)):
        take(bounty, micro, workers[0], 3)
    assert bounty.isPlaceFree(micro, 3) is False


def test_places_close_at_the_deadline(bounty, micro, workers):
    deadline = deadline_of(bounty, micro)
    next_block_at(deadline - 1)
    take(bounty, micro, workers[0], 0)
    next_block_at(deadline)
    with brownie.reverts(reason("DeadlinePassed", deadline)):
        take(bounty, micro, workers[1], 1)
    assert bounty.isPlaceFree(micro, 1) is False


def test_submitted_and_approved_places_are_not_free(bounty, micro, requester, workers):
    submitted(bounty, micro, workers[0])
    with brownie.reverts(reason("PlaceNotFree", 0, PLACE_SUBMITTED)):
        take(bounty, micro, workers[1])
    bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("PlaceNotFree", 0, PLACE_APPROVED)):
        take(bounty, micro, workers[1])


def test_a_contest_has_no_places(bounty, post_contest, workers):
    task_id = post_contest()
    with brownie.reverts(reason("NotAMicroTask", task_id)):
        take(bounty, task_id, workers[0])
    assert bounty.isPlaceFree(task_id, 0) is False


def test_taking_a_place_in_a_task_that_does_not_exist_is_refused(bounty, workers):
    with brownie.reverts(reason("TaskNotFound", 5)):
        take(bounty, 5, workers[0])


def test_the_reviewers_cannot_take_places(bounty, post_micro, requester, co_reviewer):
    task_id = post_micro(co_reviewer=co_reviewer.address)
    for reviewer in (requester, co_reviewer):
        with brownie.reverts(reason("ReviewersCannotWork", reviewer.address)):
            take(bounty, task_id, reviewer)


# ---------------------------------------------------------------------- submitting work


def test_submitting_work_records_its_hash_and_starts_the_review(bounty, micro, workers):
    take(bounty, micro, workers[0], 1)
    tx = submit_work(bounty, micro, workers[0], 1)
    event = tx.events["WorkSubmitted"]
    assert (event["worker"], event["placeIndex"], event["deliverableHash"]) == (
        workers[0],
        1,
        "0x" + WORK.hex(),
    )
    assert event["reviewEndsAt"] == tx.timestamp + 3 * DAY
    place = bounty.placeOf(micro, 1)
    assert (place["status"], place["since"]) == (PLACE_SUBMITTED, tx.timestamp)
    assert bounty.microTask(micro)["pending"] == 1


def test_work_is_submitted_within_the_work_window(bounty, micro, workers):
    tx = take(bounty, micro, workers[0])
    expires_at = tx.timestamp + WORK_WINDOW
    next_block_at(expires_at)
    with brownie.reverts(reason("WorkWindowOver", expires_at)):
        submit_work(bounty, micro, workers[0])


def test_the_last_second_of_the_work_window_takes_a_submission(bounty, micro, workers):
    tx = take(bounty, micro, workers[0])
    next_block_at(tx.timestamp + WORK_WINDOW - 1)
    submit_work(bounty, micro, workers[0])


def test_work_is_submitted_before_the_deadline(bounty, micro, workers):
    deadline = deadline_of(bounty, micro)
    next_block_at(deadline - HOUR)
    take(bounty, micro, workers[0])  # its work window runs past the deadline
    next_block_at(deadline)
    with brownie.reverts(reason("DeadlinePassed", deadline)):
        submit_work(bounty, micro, workers[0])


def test_only_the_holder_submits(bounty, micro, workers):
    take(bounty, micro, workers[0])
    with brownie.reverts(reason("NotPlaceHolder", 0, workers[1].address, workers[0].address)):
        submit_work(bounty, micro, workers[1])


def test_an_untaken_place_takes_no_work(bounty, micro, workers):
    with brownie.reverts(reason("PlaceNotTaken", 0, PLACE_OPEN)):
        submit_work(bounty, micro, workers[0])


def test_work_is_submitted_once(bounty, micro, workers):
    submitted(bounty, micro, workers[0])
    with brownie.reverts(reason("PlaceNotTaken", 0, PLACE_SUBMITTED)):
        submit_work(bounty, micro, workers[0])
    assert bounty.microTask(micro)["pending"] == 1


def test_an_empty_deliverable_hash_is_refused(bounty, micro, workers):
    take(bounty, micro, workers[0])
    with brownie.reverts(reason("EmptyHash")):
        submit_work(bounty, micro, workers[0], work=b"\x00" * 32)


def test_submitting_work_to_a_contest_is_refused(bounty, post_contest, workers):
    task_id = post_contest()
    with brownie.reverts(reason("NotAMicroTask", task_id)):
        submit_work(bounty, task_id, workers[0])


# ---------------------------------------------------------------------- approving and rejecting


def test_approving_a_place_credits_its_pay_less_the_fee(bounty, micro, requester, workers):
    submitted(bounty, micro, workers[0], 0)
    tx = bounty.approve(micro, 0, {"from": requester})
    approved = tx.events["PlaceApproved"]
    assert (approved["worker"], approved["placeIndex"], approved["decidedBy"]) == (
        workers[0],
        0,
        BY_REQUESTER,
    )
    assert (approved["amount"], approved["fee"]) == (net_of(PAY), fee_of(PAY))
    assert bounty.placeOf(micro, 0)["status"] == PLACE_APPROVED
    assert plain(bounty.microTask(micro))[3:] == (0, 1)  # pending, settled
    entry = bounty.entryOf(micro, workers[0])
    assert (entry["owed"], entry["placesApproved"]) == (net_of(PAY), 1)
    assert bounty.feesAccrued(ETH) == fee_of(PAY)


def test_a_worker_paid_for_several_places_withdraws_them_together(bounty, micro, requester, workers):
    for index in (0, 2):
        submitted(bounty, micro, workers[0], index)
        bounty.approve(micro, index, {"from": requester})
    before = workers[0].balance()
    tx = bounty.withdraw(micro, workers[0], {"from": workers[0]})
    assert workers[0].balance() - before == 2 * net_of(PAY)
    assert tx.events["Withdrawn"]["amount"] == 2 * net_of(PAY)
    assert bounty.balance() == PAY + 2 * fee_of(PAY)  # one place still open, plus the fees


def test_only_the_requester_approves_or_rejects(bounty, micro, requester, workers, outsider):
    submitted(bounty, micro, workers[0])
    with brownie.reverts(reason("NotRequester", outsider.address, requester.address)):
        bounty.approve(micro, 0, {"from": outsider})
    with brownie.reverts(reason("NotRequester", workers[0].address, requester.address)):
        bounty.reject(micro, 0, {"from": workers[0]})


def test_only_submitted_work_is_approved_or_rejected(bounty, micro, requester, workers):
    with brownie.reverts(reason("PlaceNotSubmitted", 0, PLACE_OPEN)):
        bounty.approve(micro, 0, {"from": requester})
    take(bounty, micro, workers[0])
    with brownie.reverts(reason("PlaceNotSubmitted", 0, PLACE_TAKEN)):
        bounty.reject(micro, 0, {"from": requester})
    submit_work(bounty, micro, workers[0])
    bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("PlaceNotSubmitted", 0, PLACE_APPROVED)):
        bounty.approve(micro, 0, {"from": requester})
    with brownie.reverts(reason("PlaceNotSubmitted", 0, PLACE_APPROVED)):
        bounty.approveByDefault(micro, 0, {"from": requester})


def test_a_rejected_place_reopens_for_anyone(bounty, micro, requester, workers):
    submitted(bounty, micro, workers[0])
    tx = bounty.reject(micro, 0, {"from": requester})
    assert tx.events["PlaceRejected"]["worker"] == workers[0]
    assert plain(bounty.placeOf(micro, 0))[1:] == (0, PLACE_OPEN, 0, 0, 0)  # since, status, decision, ...
    assert bounty.microTask(micro)["pending"] == 0
    assert bounty.isPlaceFree(micro, 0) is True
    submitted(bounty, micro, workers[1])
    bounty.approve(micro, 0, {"from": requester})
    assert bounty.withdrawable(micro, workers[0]) == 0
    assert bounty.withdrawable(micro, workers[1]) == net_of(PAY)


def test_a_rejection_comes_within_the_review_period(bounty, micro, requester, workers):
    tx = submitted(bounty, micro, workers[0])
    end = tx.timestamp + 3 * DAY
    next_block_at(end)
    with brownie.reverts(reason("ReviewPeriodOver", end)):
        bounty.reject(micro, 0, {"from": requester})


def test_the_requester_approves_within_the_review_period(bounty, micro, requester, workers):
    tx = submitted(bounty, micro, workers[0])
    end = tx.timestamp + 3 * DAY
    next_block_at(end - 1)
    bounty.approve(micro, 0, {"from": requester})
    submitted(bounty, micro, workers[1], 1)
    end = bounty.placeOf(micro, 1)["since"] + 3 * DAY
    next_block_at(end)
    with brownie.reverts(reason("ReviewPeriodOver", end)):
        bounty.approve(micro, 1, {"from": requester})


def test_approving_a_contest_place_is_refused(bounty, post_contest, requester):
    task_id = post_contest()
    with brownie.reverts(reason("NotAMicroTask", task_id)):
        bounty.approve(task_id, 0, {"from": requester})


# ---------------------------------------------------------------------- the default approval


def test_without_a_decision_anyone_approves_submitted_work(bounty, micro, workers, outsider):
    tx = submitted(bounty, micro, workers[0])
    end = tx.timestamp + 3 * DAY
    next_block_at(end - 1)
    with brownie.reverts(reason("ReviewStillRunning", end)):
        bounty.approveByDefault(micro, 0, {"from": outsider})
    next_block_at(end)
    approved = bounty.approveByDefault(micro, 0, {"from": outsider}).events["PlaceApproved"]
    assert (approved["worker"], approved["amount"], approved["decidedBy"]) == (
        workers[0],
        net_of(PAY),
        BY_DEFAULT,
    )
    assert bounty.withdrawable(micro, workers[0]) == net_of(PAY)


def test_submitted_work_is_approved_by_default_even_after_the_deadline(bounty, micro, requester, workers):
    submitted(bounty, micro, workers[0])
    pass_deadline(bounty, micro)
    mine_at(review_end_of_place(bounty, micro, 0))
    bounty.approveByDefault(micro, 0, {"from": workers[0]})
    bounty.withdraw(micro, workers[0], {"from": workers[0]})
    # the other two places were never used: their pay is the requester's
    tx = bounty.reclaim(micro, requester, {"from": requester})
    assert tx.events["RewardReclaimed"]["amount"] == 2 * PAY
    assert bounty.balance() == fee_of(PAY)


# ---------------------------------------------------------------------- reclaiming unused places


def test_unused_places_pay_goes_back_after_the_deadline(bounty, post_micro, requester, workers, outsider):
    micro = post_micro(pay=PAY, places=3, duration=DAY)  # the deadline comes before the reviews end
    submitted(bounty, micro, workers[0], 0)
    bounty.approve(micro, 0, {"from": requester})
    submitted(bounty, micro, workers[1], 1)  # pending review: not reclaimable
    take(bounty, micro, workers[2], 2)  # taken but never submitted: reclaimable after the deadline
    deadline = deadline_of(bounty, micro)
    next_block_at(deadline - 1)
    with brownie.reverts(reason("TooEarlyToReclaim", deadline)):
        bounty.reclaim(micro, requester, {"from": requester})
    next_block_at(deadline)
    before = outsider.balance()
    tx = bounty.reclaim(micro, outsider, {"from": requester})
    reclaimed = tx.events["RewardReclaimed"]
    assert (reclaimed["amount"], reclaimed["placesReclaimed"]) == (PAY, 1)
    assert outsider.balance() - before == PAY
    assert plain(bounty.microTask(micro))[3:] == (1, 2)  # pending, settled
    with brownie.reverts(reason("NothingToReclaim")):
        bounty.reclaim(micro, requester, {"from": requester})
    # a rejection after the deadline frees the place's pay for the requester
    bounty.reject(micro, 1, {"from": requester})
    assert bounty.isPlaceFree(micro, 1) is False  # past the deadline nobody can take it again
    assert bounty.reclaim(micro, requester, {"from": requester}).events["RewardReclaimed"]["amount"] == PAY
    assert bounty.balance() == net_of(PAY) + fee_of(PAY)  # the approved worker's credit and the fee


def test_a_micro_task_with_every_place_used_has_nothing_to_reclaim(bounty, post_micro, requester, workers):
    task_id = post_micro(places=1)
    submitted(bounty, task_id, workers[0])
    bounty.approve(task_id, 0, {"from": requester})
    pass_deadline(bounty, task_id)
    with brownie.reverts(reason("NothingToReclaim")):
        bounty.reclaim(task_id, requester, {"from": requester})


def test_only_the_requester_reclaims_places(bounty, micro, requester, outsider):
    pass_deadline(bounty, micro)
    with brownie.reverts(reason("NotRequester", outsider.address, requester.address)):
        bounty.reclaim(micro, outsider, {"from": outsider})


def test_a_token_micro_task_pays_in_the_token(bounty, usd, requester, workers):
    task_id = bounty.postMicroTask(
        task_params(token=usd.address), PAY, 2, WORK_WINDOW, {"from": requester}
    ).return_value
    submitted(bounty, task_id, workers[0])
    bounty.approve(task_id, 0, {"from": requester})
    bounty.withdraw(task_id, workers[0], {"from": workers[0]})
    assert usd.balanceOf(workers[0]) == net_of(PAY)
    mine_at(now() + 8 * DAY)
    bounty.reclaim(task_id, requester, {"from": requester})
    assert usd.balanceOf(bounty) == bounty.feesAccrued(usd) == fee_of(PAY)
