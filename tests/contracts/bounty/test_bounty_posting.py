"""Posting a task: the reward is escrowed at posting, the fee in force is fixed into the task, and every
malformed task is refused with the rule it breaks."""

import brownie
import pytest
from brownie import Bounty, FalseReturningToken, FeeOnTransferToken, MockToken

from tests.contracts.bounty.conftest import (
    ACCESS_INVITED,
    ACCESS_MIN_SCORE,
    ACCESS_VERIFIED,
    CONTEST,
    DAY,
    ETH,
    FEE_BPS,
    HOUR,
    METADATA_HASH,
    METADATA_URI,
    MICRO,
    OPEN,
    REVIEW,
    REWARD,
    WORK_WINDOW,
    ZERO,
    next_block_at,
    now,
    plain,
    reason,
    task_params,
)


def test_posting_an_eth_contest_escrows_the_reward_and_records_its_terms(bounty, requester):
    params = task_params()
    tx = bounty.postContest(params, REWARD, {"from": requester, "value": REWARD})
    task_id = tx.return_value
    assert task_id == 1 == bounty.taskCount()
    assert bounty.balance() == REWARD
    posted = tx.events["TaskPosted"]
    assert posted["taskId"] == task_id
    assert posted["requester"] == requester
    assert posted["token"] == ETH
    assert posted["kind"] == CONTEST
    assert posted["reward"] == REWARD
    assert posted["deadline"] == params[1]
    assert posted["reviewPeriod"] == REVIEW
    assert posted["feeBps"] == FEE_BPS
    assert posted["coReviewer"] == ZERO
    assert posted["arbiter"] == ZERO
    assert posted["metadataURI"] == METADATA_URI
    assert posted["metadataHash"] == "0x" + METADATA_HASH.hex()
    assert "TaskRestricted" not in tx.events
    t = bounty.task(task_id)
    assert (t["requester"], t["deadline"], t["kind"], t["status"]) == (requester, params[1], CONTEST, OPEN)
    assert (t["token"], t["feeBps"], t["coReviewer"], t["arbiter"], t["reviewers"]) == (
        ETH,
        FEE_BPS,
        ZERO,
        ZERO,
        0,
    )
    assert plain(bounty.contest(task_id)) == (REWARD, 0, 0, 0, 0)


def test_posting_a_token_contest_pulls_the_reward(bounty, requester, usd):
    before = usd.balanceOf(requester)
    task_id = bounty.postContest(task_params(token=usd.address), 5 * REWARD, {"from": requester}).return_value
    assert usd.balanceOf(bounty) == 5 * REWARD
    assert before - usd.balanceOf(requester) == 5 * REWARD
    assert bounty.task(task_id)["token"] == usd


def test_posting_a_micro_task_escrows_pay_times_places(bounty, requester):
    tx = bounty.postMicroTask(task_params(), 10**17, 4, WORK_WINDOW, {"from": requester, "value": 4 * 10**17})
    task_id = tx.return_value
    assert bounty.balance() == 4 * 10**17
    assert tx.events["TaskPosted"]["kind"] == MICRO
    assert tx.events["TaskPosted"]["reward"] == 4 * 10**17
    offered = tx.events["PlacesOffered"]
    assert (offered["pay"], offered["places"], offered["workWindow"]) == (10**17, 4, WORK_WINDOW)
    assert plain(bounty.microTask(task_id)) == (10**17, 4, WORK_WINDOW, 0, 0)


def test_a_restricted_task_records_only_the_rules_it_uses(bounty, requester):
    root = b"\x07" * 32
    params = task_params(rules=ACCESS_INVITED | ACCESS_VERIFIED, min_score=5, invite_root=root, min_level=2)
    tx = bounty.postContest(params, REWARD, {"from": requester, "value": REWARD})
    restricted = tx.events["TaskRestricted"]
    assert restricted["accessRules"] == ACCESS_INVITED | ACCESS_VERIFIED
    assert restricted["minWorkerScore"] == 0  # the score rule is off, so its threshold is not stored
    assert restricted["inviteRoot"] == "0x" + root.hex()
    assert restricted["minVerifiedLevel"] == 2
    access = bounty.accessOf(tx.return_value)
    assert (access["minWorkerScore"], access["inviteRoot"], access["minVerifiedLevel"]) == (
        0,
        "0x" + root.hex(),
        2,
    )


def test_a_task_keeps_the_fee_in_force_when_it_was_posted(bounty, owner, requester, post_contest):
    first = post_contest()
    bounty.setFee(1000, {"from": owner})
    second = post_contest()
    assert bounty.task(first)["feeBps"] == FEE_BPS
    assert bounty.task(second)["feeBps"] == 1000


def test_a_co_reviewer_and_an_arbiter_are_stored_and_announced(bounty, requester, co_reviewer, arbiter):
    params = task_params(co_reviewer=co_reviewer.address, arbiter=arbiter.address)
    tx = bounty.postContest(params, REWARD, {"from": requester, "value": REWARD})
    assert (tx.events["TaskPosted"]["coReviewer"], tx.events["TaskPosted"]["arbiter"]) == (
        co_reviewer,
        arbiter,
    )
    t = bounty.task(tx.return_value)
    assert (t["coReviewer"], t["arbiter"], t["reviewers"]) == (co_reviewer, arbiter, 3)


def test_a_task_may_name_an_arbiter_without_a_co_reviewer(bounty, post_micro, arbiter):
    task_id = post_micro(arbiter=arbiter.address)
    t = bounty.task(task_id)
    assert (t["coReviewer"], t["arbiter"], t["reviewers"]) == (ZERO, arbiter, 2)


# ---------------------------------------------------------------------- refusals


def test_a_contest_without_reward_is_refused(bounty, requester):
    with brownie.reverts(reason("RewardIsZero")):
        bounty.postContest(task_params(), 0, {"from": requester})


def test_a_micro_task_without_pay_is_refused(bounty, requester):
    with brownie.reverts(reason("RewardIsZero")):
        bounty.postMicroTask(task_params(), 0, 3, WORK_WINDOW, {"from": requester})


def test_a_micro_task_without_places_is_refused(bounty, requester):
    with brownie.reverts(reason("NoPlaces")):
        bounty.postMicroTask(task_params(), 10**17, 0, WORK_WINDOW, {"from": requester})


@pytest.mark.parametrize("window", [HOUR - 1, 30 * DAY + 1])
def test_a_work_window_out_of_range_is_refused(bounty, requester, window):
    with brownie.reverts(reason("WorkWindowOutOfRange", window, HOUR, 30 * DAY)):
        bounty.postMicroTask(task_params(), 10**17, 3, window, {"from": requester, "value": 3 * 10**17})


def test_a_micro_task_whose_escrow_overflows_128_bits_is_refused(bounty, requester):
    pay = 2**127
    with brownie.reverts(reason("SafeCastOverflowedUintDowncast", 128, pay * 2)):
        bounty.postMicroTask(task_params(), pay, 2, WORK_WINDOW, {"from": requester})


@pytest.mark.parametrize("sent", [REWARD - 1, REWARD + 1, 0])
def test_an_eth_contest_needs_exactly_the_reward_sent(bounty, requester, sent):
    with brownie.reverts(reason("WrongEthAmount", sent, REWARD)):
        bounty.postContest(task_params(), REWARD, {"from": requester, "value": sent})


def test_a_token_contest_refuses_eth(bounty, requester, usd):
    with brownie.reverts(reason("WrongEthAmount", 1, 0)):
        bounty.postContest(task_params(token=usd.address), REWARD, {"from": requester, "value": 1})


def test_a_token_that_is_not_a_contract_is_refused(bounty, requester, outsider):
    with brownie.reverts(reason("TokenNotAContract", outsider.address)):
        bounty.postContest(task_params(token=outsider.address), REWARD, {"from": requester})


@pytest.mark.parametrize("duration", [HOUR - 1, 365 * DAY + 1])
def test_a_deadline_out_of_range_is_refused(bounty, requester, duration):
    posted_at = now() + 5
    next_block_at(posted_at)
    with brownie.reverts(reason("DurationOutOfRange", duration, HOUR, 365 * DAY)):
        bounty.postContest(
            task_params(deadline=posted_at + duration), REWARD, {"from": requester, "value": REWARD}
        )


@pytest.mark.parametrize("before", [0, 1])
def test_a_deadline_not_in_the_future_is_refused(bounty, requester, before):
    posted_at = now() + 5
    next_block_at(posted_at)
    with brownie.reverts(reason("DurationOutOfRange", 0, HOUR, 365 * DAY)):
        bounty.postContest(
            task_params(deadline=posted_at - before), REWARD, {"from": requester, "value": REWARD}
        )


def test_the_shortest_and_longest_durations_are_accepted(bounty, requester):
    for duration in (HOUR, 365 * DAY):
        posted_at = now() + 5
        next_block_at(posted_at)
        tx = bounty.postContest(
            task_params(deadline=posted_at + duration), 1, {"from": requester, "value": 1}
        )
        assert tx.events["TaskPosted"]["deadline"] == posted_at + duration


@pytest.mark.parametrize("review", [DAY - 1, 90 * DAY + 1])
def test_a_review_period_out_of_range_is_refused(bounty, requester, review):
    with brownie.reverts(reason("ReviewPeriodOutOfRange", review, DAY, 90 * DAY)):
        bounty.postContest(task_params(review=review), REWARD, {"from": requester, "value": REWARD})


def test_the_requester_cannot_be_their_own_co_reviewer(bounty, requester):
    with brownie.reverts(reason("CoReviewerIsRequester")):
        bounty.postContest(
            task_params(co_reviewer=requester.address), REWARD, {"from": requester, "value": REWARD}
        )


def test_the_requester_cannot_be_the_arbiter(bounty, requester):
    with brownie.reverts(reason("ArbiterIsRequester")):
        bounty.postContest(
            task_params(arbiter=requester.address), REWARD, {"from": requester, "value": REWARD}
        )


def test_the_co_reviewer_cannot_be_the_arbiter(bounty, requester, co_reviewer):
    params = task_params(co_reviewer=co_reviewer.address, arbiter=co_reviewer.address)
    with brownie.reverts(reason("ArbiterIsCoReviewer")):
        bounty.postMicroTask(params, 10**17, 3, WORK_WINDOW, {"from": requester, "value": 3 * 10**17})


def test_unknown_access_rules_are_refused(bounty, requester):
    with brownie.reverts(reason("UnknownAccessRules", 8)):
        bounty.postContest(task_params(rules=8), REWARD, {"from": requester, "value": REWARD})


def test_an_invite_only_task_needs_an_invite_list(bounty, requester):
    with brownie.reverts(reason("InviteListIsEmpty")):
        bounty.postContest(task_params(rules=ACCESS_INVITED), REWARD, {"from": requester, "value": REWARD})


@pytest.mark.parametrize("rules", [ACCESS_MIN_SCORE, ACCESS_VERIFIED])
def test_score_and_verification_rules_need_a_reputation(owner, treasury, requester, rules):
    bare = Bounty.deploy(owner, treasury, FEE_BPS, ZERO, {"from": owner})
    with brownie.reverts(reason("AccessNeedsReputation", rules)):
        bare.postContest(task_params(rules=rules), REWARD, {"from": requester, "value": REWARD})


def test_a_ledger_without_code_is_refused(owner, treasury, outsider):
    with brownie.reverts(reason("LedgerHasNoCode", outsider.address)):
        Bounty.deploy(owner, treasury, FEE_BPS, outsider, {"from": owner})


def test_a_fee_on_transfer_token_is_refused(bounty, owner, requester):
    token = FeeOnTransferToken.deploy({"from": owner})
    token.mint(requester, 10 * REWARD, {"from": owner})
    token.approve(bounty, 2**256 - 1, {"from": requester})
    with brownie.reverts(reason("TokenDeliveredLess", REWARD - REWARD // 100, REWARD)):
        bounty.postContest(task_params(token=token.address), REWARD, {"from": requester})
    with brownie.reverts(reason("TokenDeliveredLess", 3 * (REWARD - REWARD // 100), 3 * REWARD)):
        bounty.postMicroTask(task_params(token=token.address), REWARD, 3, WORK_WINDOW, {"from": requester})


def test_a_token_that_returns_false_is_refused(bounty, owner, requester):
    token = FalseReturningToken.deploy({"from": owner})
    token.mint(requester, 10 * REWARD, {"from": owner})
    token.approve(bounty, 2**256 - 1, {"from": requester})
    with brownie.reverts(reason("SafeERC20FailedOperation", token.address)):
        bounty.postContest(task_params(token=token.address), REWARD, {"from": requester})
    assert bounty.taskCount() == 0


def test_a_token_contest_without_allowance_is_refused(bounty, owner, requester):
    token = MockToken.deploy("T", "T", 18, {"from": owner})
    token.mint(requester, REWARD, {"from": owner})
    with brownie.reverts(reason("ERC20InsufficientAllowance", bounty.address, 0, REWARD)):
        bounty.postContest(task_params(token=token.address), REWARD, {"from": requester})
