"""Contracts that re-enter Bounty when they receive ETH: every payout (a winner's, a default share, an
approved place, a requester's reclaim, the treasury's fees) is still made exactly once, and the lock also
holds for the calls Bounty delegates to BountyReviews."""

import brownie
import pytest
from brownie import HostileReceiver

from tests.contracts.bounty.conftest import (
    BPS,
    CO_REVIEW_WINDOW,
    ETH,
    REWARD,
    fee_of,
    mine_at,
    net_of,
    pass_deadline,
    pass_review,
    reason,
    task_params,
)

ACCEPT, REFUSE, REENTER = 0, 1, 2
DELIVERABLE = b"\x0d" * 32
SALT = b"\x5a" * 32
PAY = 10**17


@pytest.fixture
def attacker(owner):
    return HostileReceiver.deploy({"from": owner})


def act(attacker, bounty, data, value=0):
    """Call Bounty from the attacker contract (so msg.sender is the attacker)."""
    return attacker.act(bounty, value, data, {"from": attacker.tx.sender, "value": value})


def reenter_on_receive(attacker, bounty, data):
    attacker.setOnReceive(REENTER, bounty, data, {"from": attacker.tx.sender})


@pytest.fixture
def bystander(post_contest, outsider):
    """Another task holding 10 ETH, so that a payout made twice would find the ETH to pay it."""
    return post_contest(reward=10 * REWARD, sender=outsider)


def attacker_enters(bounty, attacker, task_id):
    commitment = bounty.commitmentOf(DELIVERABLE, attacker, SALT)
    act(attacker, bounty, bounty.submit.encode_input(task_id, commitment, []))


def attacker_reveals(bounty, attacker, task_id):
    act(attacker, bounty, bounty.reveal.encode_input(task_id, DELIVERABLE, "ipfs://a", SALT))


@pytest.fixture
def won_by_attacker(bounty, post_contest, attacker, requester, bystander):
    """A contest the attacker won outright."""
    task_id = post_contest()
    attacker_enters(bounty, attacker, task_id)
    pass_deadline(bounty, task_id)
    attacker_reveals(bounty, attacker, task_id)
    bounty.award(task_id, [attacker], [BPS], {"from": requester})
    return task_id


def test_a_winner_re_entering_withdraw_is_paid_once(bounty, attacker, won_by_attacker):
    withdraw = bounty.withdraw.encode_input(won_by_attacker, attacker)
    reenter_on_receive(attacker, bounty, withdraw)
    act(attacker, bounty, withdraw)
    assert attacker.reentered() is False
    assert attacker.balance() == net_of(REWARD)
    assert bounty.balance() == 10 * REWARD + fee_of(REWARD)
    assert bounty.withdrawable(won_by_attacker, attacker) == 0


def test_a_withdrawal_re_entering_another_tasks_withdrawal_is_blocked(
    bounty, post_contest, attacker, requester, won_by_attacker
):
    # the second withdrawal would be legitimate on its own: only the re-entrancy guard stops it
    second = post_contest(reward=2 * REWARD)
    attacker_enters(bounty, attacker, second)
    pass_deadline(bounty, second)
    attacker_reveals(bounty, attacker, second)
    bounty.award(second, [attacker], [BPS], {"from": requester})
    reenter_on_receive(attacker, bounty, bounty.withdraw.encode_input(second, attacker))
    act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, attacker))
    assert attacker.reentered() is False
    assert attacker.balance() == net_of(REWARD)
    assert bounty.withdrawable(second, attacker) == net_of(2 * REWARD)


def test_a_default_share_re_entering_withdraw_is_paid_once(
    bounty, post_contest, enter, reveal, attacker, workers, bystander
):
    task_id = post_contest()
    attacker_enters(bounty, attacker, task_id)
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    attacker_reveals(bounty, attacker, task_id)
    reveal(task_id, workers[0])
    pass_review(bounty, task_id)
    bounty.splitByDefault(task_id, {"from": workers[0]})
    withdraw = bounty.withdraw.encode_input(task_id, attacker)
    reenter_on_receive(attacker, bounty, withdraw)
    act(attacker, bounty, withdraw)
    assert attacker.reentered() is False
    assert attacker.balance() == net_of(REWARD // 2)
    assert bounty.contest(task_id)["sharesCollected"] == 1
    tx = bounty.withdraw(task_id, workers[0], {"from": workers[0]})
    assert tx.events["Withdrawn"]["amount"] == net_of(REWARD - REWARD // 2)


def test_an_approved_worker_re_entering_withdraw_is_paid_once(
    bounty, post_micro, attacker, requester, bystander
):
    task_id = post_micro(pay=PAY, places=2)
    for index in (0, 1):
        act(attacker, bounty, bounty.take.encode_input(task_id, index, []))
        act(attacker, bounty, bounty.submitWork.encode_input(task_id, index, DELIVERABLE))
    bounty.approve(task_id, 0, {"from": requester})
    bounty.approve(task_id, 1, {"from": requester})
    withdraw = bounty.withdraw.encode_input(task_id, attacker)
    reenter_on_receive(attacker, bounty, withdraw)
    act(attacker, bounty, withdraw)
    assert attacker.reentered() is False
    assert attacker.balance() == 2 * net_of(PAY)
    assert bounty.withdrawable(task_id, attacker) == 0
    assert bounty.balance() == 10 * REWARD + 2 * fee_of(PAY)


def test_a_requester_re_entering_reclaim_is_paid_once(bounty, attacker, bystander):
    params = task_params()
    act(attacker, bounty, bounty.postContest.encode_input(params, REWARD), value=REWARD)
    task_id = bounty.taskCount()
    assert bounty.task(task_id)["requester"] == attacker
    pass_deadline(bounty, task_id)
    reclaim = bounty.reclaim.encode_input(task_id, attacker)
    reenter_on_receive(attacker, bounty, reclaim)
    act(attacker, bounty, reclaim)
    assert attacker.reentered() is False
    assert attacker.balance() == REWARD
    assert bounty.balance() == 10 * REWARD


def test_a_requester_re_entering_a_micro_reclaim_is_paid_once(bounty, attacker, workers, bystander):
    act(attacker, bounty, bounty.postMicroTask.encode_input(task_params(), PAY, 3, 86400), value=3 * PAY)
    task_id = bounty.taskCount()
    bounty.take(task_id, 0, [], {"from": workers[0]})
    bounty.submitWork(task_id, 0, DELIVERABLE, {"from": workers[0]})
    pass_deadline(bounty, task_id)
    reclaim = bounty.reclaim.encode_input(task_id, attacker)
    reenter_on_receive(attacker, bounty, reclaim)
    act(attacker, bounty, reclaim)
    assert attacker.reentered() is False
    assert attacker.balance() == 2 * PAY
    assert bounty.balance() == 10 * REWARD + PAY  # the place awaiting review


def test_a_treasury_re_entering_withdraw_fees_is_paid_once(bounty, owner, attacker, won_by_attacker, workers):
    bounty.setTreasury(attacker, {"from": owner})
    act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, workers[0]))
    reenter_on_receive(attacker, bounty, bounty.withdrawFees.encode_input(ETH))
    bounty.withdrawFees(ETH, {"from": workers[1]})
    assert attacker.reentered() is False
    assert attacker.balance() == fee_of(REWARD)
    assert bounty.feesAccrued(ETH) == 0
    assert bounty.balance() == 10 * REWARD


def test_a_withdrawal_re_entering_a_delegated_review_call_is_blocked(
    bounty, post_micro, attacker, won_by_attacker, requester, co_reviewer, workers
):
    # a place whose approval stands: finalizing it is legitimate, but not from inside a payout
    micro = post_micro(pay=PAY, places=1, co_reviewer=co_reviewer.address)
    bounty.take(micro, 0, [], {"from": workers[0]})
    bounty.submitWork(micro, 0, DELIVERABLE, {"from": workers[0]})
    decided_at = bounty.approve(micro, 0, {"from": requester}).timestamp
    mine_at(decided_at + CO_REVIEW_WINDOW)
    reenter_on_receive(attacker, bounty, bounty.finalizePlace.encode_input(micro, 0))
    act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, attacker))
    assert attacker.reentered() is False
    assert bounty.placeOf(micro, 0)["status"] == 2  # still Submitted
    bounty.finalizePlace(micro, 0, {"from": workers[1]})
    assert bounty.withdrawable(micro, workers[0]) == net_of(PAY)


def test_a_recipient_refusing_eth_leaves_the_credit_in_place(bounty, attacker, won_by_attacker, workers):
    attacker.setOnReceive(REFUSE, ETH, b"", {"from": attacker.tx.sender})
    with brownie.reverts(reason("EthTransferFailed", attacker.address, net_of(REWARD))):
        act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, attacker))
    assert bounty.withdrawable(won_by_attacker, attacker) == net_of(REWARD)
    before = workers[3].balance()
    act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, workers[3]))
    assert workers[3].balance() - before == net_of(REWARD)


def test_the_attacker_does_record_a_re_entry_that_succeeds(bounty, attacker, won_by_attacker):
    # the harness check: re-entering a view is harmless and succeeds, so `reentered() is False` above means
    # the re-entered payouts really failed
    reenter_on_receive(attacker, bounty, bounty.withdrawable.encode_input(won_by_attacker, attacker))
    act(attacker, bounty, bounty.withdraw.encode_input(won_by_attacker, attacker))
    assert attacker.reentered() is True
    assert attacker.balance() == net_of(REWARD)
