"""What Bounty reports to the reputation ledger, read back from the MockReputation (which records it): every
paid winner and approved place is a deal between worker and requester at its gross value; a co-reviewer who
confirmed or an arbiter who decided a payout earns Reviewer value; defaults and rejections report nothing; a
ledger that refuses or swallows its gas never blocks a decision, and a caller cannot starve it; ratings are
consumed once per pair, priced at what the worker was paid."""

import brownie
import pytest
from brownie import Bounty

from tests.contracts.bounty.conftest import (
    APPEAL_WINDOW,
    ARBITRATION_WINDOW,
    BPS,
    ETH,
    FEE_BPS,
    LEDGER_BURNS_GAS,
    LEDGER_REFUSES,
    REWARD,
    ROLE_REQUESTER,
    ROLE_REVIEWER,
    ROLE_WORKER,
    ZERO,
    mine_at,
    net_of,
    pass_deadline,
    pass_review,
    reason,
    review_end_of,
    task_params,
)

PAY = 10**17
WORKER_POINTS = REQUESTER_POINTS = 10 * 10**18
REVIEWER_POINTS = 5 * 10**18
RECORD_GAS = 200_000


def tag(text: str) -> str:
    return "0x" + text.encode().ljust(32, b"\x00").hex()


def deals(tx) -> list[tuple]:
    """(payee, payer, amount, reason) of each DealRecorded, checking the fields every deal shares."""
    found = []
    for event in tx.events:
        if event.name == "DealRecorded":
            assert (event["payeeRole"], event["payeePoints"]) == (ROLE_WORKER, WORKER_POINTS)
            assert (event["payerRole"], event["payerPoints"]) == (ROLE_REQUESTER, REQUESTER_POINTS)
            found.append((event["payee"], event["payer"], event["amount"], event["reason"]))
    return found


def values(tx) -> list[tuple]:
    """(subject, valueBefore, valueAfter, reason) of each ValueRecorded, checking role and points."""
    found = []
    for event in tx.events:
        if event.name == "ValueRecorded":
            assert (event["role"], event["basePoints"]) == (ROLE_REVIEWER, REVIEWER_POINTS)
            found.append((event["subject"], event["valueBefore"], event["valueAfter"], event["reason"]))
    return found


def reports(tx) -> int:
    return len(deals(tx)) + len(values(tx))


@pytest.fixture
def co_reviewed(bounty, post_contest, enter, reveal, workers, co_reviewer, arbiter) -> int:
    """A contest with a co-reviewer and an arbiter, three revealed entries, in its review period."""
    task_id = post_contest(co_reviewer=co_reviewer.address, arbiter=arbiter.address)
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    return task_id


def submitted_places(bounty, task_id, workers, count=2):
    for index in range(count):
        bounty.take(task_id, index, [], {"from": workers[index]})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": workers[index]})


# ---------------------------------------------------------------------- what is reported


def test_an_award_reports_one_deal_per_winner_at_their_gross_share(
    bounty, reputation, revealed_contest, requester, workers
):
    tx = bounty.award(revealed_contest, workers[:2], [2500, 7500], {"from": requester})
    award = tag("bounty.award")
    assert deals(tx) == [
        (workers[0], requester, REWARD // 4, award),
        (workers[1], requester, REWARD - REWARD // 4, award),
    ]
    assert values(tx) == []
    recorded = [event for event in tx.events if event.name == "DealRecorded"]
    assert {(e["module"], e["token"], e["ref"]) for e in recorded} == {
        (bounty.address, ETH, revealed_contest)
    }


def test_a_token_award_reports_the_token(bounty, usd, requester, workers, enter, reveal):
    task_id = bounty.postContest(task_params(token=usd.address), REWARD, {"from": requester}).return_value
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    tx = bounty.award(task_id, [workers[0]], [BPS], {"from": requester})
    assert tx.events["DealRecorded"]["token"] == usd


def test_a_confirmed_award_gives_the_co_reviewer_reviewer_value_on_the_reward(
    bounty, co_reviewed, requester, co_reviewer, workers
):
    bounty.award(co_reviewed, [workers[0]], [BPS], {"from": requester})
    tx = bounty.confirmAward(co_reviewed, [workers[0]], [BPS], {"from": co_reviewer})
    assert deals(tx) == [(workers[0], requester, REWARD, tag("bounty.award"))]
    assert values(tx) == [(co_reviewer, 0, REWARD, tag("bounty.reviewed"))]


def test_an_arbiters_award_gives_the_arbiter_reviewer_value_on_the_reward(
    bounty, co_reviewed, requester, arbiter, workers
):
    mine_at(review_end_of(bounty, co_reviewed))
    tx = bounty.arbitrateAward(co_reviewed, [workers[2]], [BPS], {"from": arbiter})
    assert deals(tx) == [(workers[2], requester, REWARD, tag("bounty.award"))]
    assert values(tx) == [(arbiter, 0, REWARD, tag("bounty.arbitrated"))]


def test_an_award_that_stood_reports_the_deals_and_no_reviewer(
    bounty, co_reviewed, requester, co_reviewer, workers, outsider
):
    proposed_at = bounty.award(co_reviewed, [workers[1]], [BPS], {"from": requester}).timestamp
    bounty.objectToAward(co_reviewed, {"from": co_reviewer})
    mine_at(proposed_at + 10 * 86400)
    tx = bounty.finalizeAward(co_reviewed, [workers[1]], [BPS], {"from": outsider})
    assert deals(tx) == [(workers[1], requester, REWARD, tag("bounty.award"))]
    assert values(tx) == []


def test_an_approval_reports_a_deal_at_the_places_pay(bounty, post_micro, requester, workers):
    task_id = post_micro(pay=PAY, places=4)
    submitted_places(bounty, task_id, workers, 1)
    tx = bounty.approve(task_id, 0, {"from": requester})
    assert deals(tx) == [(workers[0], requester, PAY, tag("bounty.place"))]
    assert values(tx) == []


def test_a_co_reviewers_value_adds_up_over_the_places_they_confirmed(
    bounty, post_micro, requester, co_reviewer, workers
):
    task_id = post_micro(pay=PAY, places=3, co_reviewer=co_reviewer.address)
    submitted_places(bounty, task_id, workers, 2)
    for index in (0, 1):
        bounty.approve(task_id, index, {"from": requester})
    first = bounty.confirmPlace(task_id, 1, True, {"from": co_reviewer})
    second = bounty.confirmPlace(task_id, 0, True, {"from": co_reviewer})
    assert values(first) == [(co_reviewer, 0, PAY, tag("bounty.reviewed"))]
    assert values(second) == [(co_reviewer, PAY, 2 * PAY, tag("bounty.reviewed"))]
    assert bounty.task(task_id)["placesConfirmed"] == 2


def test_an_arbiter_approving_an_appeal_earns_reviewer_value(bounty, post_micro, requester, arbiter, workers):
    task_id = post_micro(pay=PAY, places=2, arbiter=arbiter.address)
    submitted_places(bounty, task_id, workers, 1)
    assert reports(bounty.reject(task_id, 0, {"from": requester})) == 0
    bounty.appeal(task_id, 0, {"from": workers[0]})
    tx = bounty.arbitratePlace(task_id, 0, True, {"from": arbiter})
    assert deals(tx) == [(workers[0], requester, PAY, tag("bounty.place"))]
    assert values(tx) == [(arbiter, 0, PAY, tag("bounty.arbitrated"))]
    assert bounty.task(task_id)["placesArbitrated"] == 1


def test_rejections_and_defaults_report_nothing(
    bounty, post_micro, revealed_contest, requester, arbiter, workers, outsider
):
    task_id = post_micro(pay=PAY, places=2, arbiter=arbiter.address)
    submitted_places(bounty, task_id, workers, 2)
    rejection = bounty.reject(task_id, 0, {"from": requester})
    assert reports(rejection) == 0
    rejected_at = rejection.timestamp
    mine_at(
        max(rejected_at + APPEAL_WINDOW, bounty.placeOf(task_id, 1)["since"] + 3 * 86400 + ARBITRATION_WINDOW)
    )
    assert reports(bounty.finalizePlace(task_id, 0, {"from": outsider})) == 0
    assert reports(bounty.approveByDefault(task_id, 1, {"from": outsider})) == 0
    pass_review(bounty, revealed_contest)
    assert reports(bounty.splitByDefault(revealed_contest, {"from": outsider})) == 0
    assert reports(bounty.withdraw(revealed_contest, workers[0], {"from": workers[0]})) == 0


def test_an_arbiter_upholding_a_rejection_earns_nothing(bounty, post_micro, requester, arbiter, workers):
    task_id = post_micro(pay=PAY, places=1, arbiter=arbiter.address)
    submitted_places(bounty, task_id, workers, 1)
    bounty.reject(task_id, 0, {"from": requester})
    bounty.appeal(task_id, 0, {"from": workers[0]})
    assert reports(bounty.arbitratePlace(task_id, 0, False, {"from": arbiter})) == 0


# ---------------------------------------------------------------------- a ledger cannot block a decision


@pytest.mark.parametrize("mode", [LEDGER_REFUSES, LEDGER_BURNS_GAS])
def test_a_ledger_that_fails_never_blocks_an_award(
    bounty, reputation, revealed_contest, requester, workers, mode
):
    reputation.setMode(mode)
    tx = bounty.award(revealed_contest, workers[:2], [5000, 5000], {"from": requester})
    assert [e["worker"] for e in tx.events["Awarded"]] == list(workers[:2])
    assert reports(tx) == 0
    assert bounty.withdrawable(revealed_contest, workers[1]) == net_of(REWARD - REWARD // 2)


@pytest.mark.parametrize("mode", [LEDGER_REFUSES, LEDGER_BURNS_GAS])
def test_a_ledger_that_fails_never_blocks_an_approval_or_a_rejection(
    bounty, reputation, post_micro, requester, workers, mode
):
    task_id = post_micro(pay=PAY, places=2)
    submitted_places(bounty, task_id, workers, 2)
    reputation.setMode(mode)
    assert "PlaceApproved" in bounty.approve(task_id, 0, {"from": requester}).events
    assert "PlaceRejected" in bounty.reject(task_id, 1, {"from": requester}).events


def test_a_ledger_swallowing_its_gas_costs_the_caller_at_most_its_budget(
    bounty, reputation, revealed_contest, requester, workers
):
    reputation.setMode(LEDGER_BURNS_GAS)
    tx = bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    assert RECORD_GAS < tx.gas_used < 80_000 + RECORD_GAS


def test_a_caller_cannot_starve_the_ledger_of_its_gas(bounty, revealed_contest, requester, workers):
    with pytest.raises(brownie.exceptions.VirtualMachineError) as refused:
        bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester, "gas_limit": RECORD_GAS})
    assert refused.value.revert_msg.startswith("NotEnoughGasToRecord: ")
    assert refused.value.revert_msg.endswith(f", {RECORD_GAS}")
    assert bounty.withdrawable(revealed_contest, workers[0]) == 0


def test_without_a_ledger_the_bounty_pays_and_reports_nothing(owner, treasury, requester, workers):
    bare = Bounty.deploy(owner, treasury, FEE_BPS, ZERO, {"from": owner})
    task_id = bare.postContest(task_params(), REWARD, {"from": requester, "value": REWARD}).return_value
    salt = b"\x01" * 32
    bare.submit(task_id, bare.commitmentOf(b"\x02" * 32, workers[0], salt), [], {"from": workers[0]})
    pass_deadline(bare, task_id)
    assert (
        bare.reveal(task_id, b"\x02" * 32, "x", salt, {"from": workers[0]}).events["EntryRevealed"][
            "verified"
        ]
        is False
    )
    tx = bare.award(task_id, [workers[0]], [BPS], {"from": requester})
    assert reports(tx) == 0
    assert bare.withdraw(task_id, workers[0], {"from": workers[0]}).events["Withdrawn"]["amount"] == net_of(
        REWARD
    )


# ---------------------------------------------------------------------- ratings


def test_requester_and_a_paid_worker_rate_each_other_once_at_what_the_worker_was_paid(
    bounty, reputation, revealed_contest, requester, workers
):
    reward_share = REWARD * 4000 // BPS
    bounty.award(revealed_contest, workers[:2], [4000, 6000], {"from": requester})
    consumed = reputation.rate(bounty, revealed_contest, workers[0], {"from": requester}).events[
        "RatingConsumed"
    ]
    assert (consumed["subjectRole"], consumed["token"], consumed["value"]) == (ROLE_WORKER, ETH, reward_share)
    consumed = reputation.rate(bounty, revealed_contest, requester, {"from": workers[1]}).events[
        "RatingConsumed"
    ]
    assert (consumed["subjectRole"], consumed["value"]) == (ROLE_REQUESTER, REWARD - reward_share)
    assert bounty.entryOf(revealed_contest, workers[0])["ratedByRequester"] is True
    assert bounty.entryOf(revealed_contest, workers[1])["ratedRequester"] is True
    with brownie.reverts(reason("AlreadyRated", requester.address, workers[0].address)):
        reputation.rate(bounty, revealed_contest, workers[0], {"from": requester})
    with brownie.reverts(reason("AlreadyRated", workers[1].address, requester.address)):
        reputation.rate(bounty, revealed_contest, requester, {"from": workers[1]})
    # each direction is its own: the requester still rates the second winner, the first still rates back
    reputation.rate(bounty, revealed_contest, workers[1], {"from": requester})
    reputation.rate(bounty, revealed_contest, requester, {"from": workers[0]})


def test_only_paid_counterparties_rate(bounty, reputation, revealed_contest, requester, workers, outsider):
    with brownie.reverts(reason("NotACounterparty", requester.address, workers[0].address)):
        reputation.rate(bounty, revealed_contest, workers[0], {"from": requester})  # nothing paid yet
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    for rater, subject in (
        (outsider, requester),  # a stranger
        (workers[2], requester),  # revealed, not paid
        (requester, workers[2]),
        (workers[0], workers[1]),  # two workers are not counterparties
    ):
        with brownie.reverts(reason("NotACounterparty", rater.address, subject.address)):
            reputation.rate(bounty, revealed_contest, subject, {"from": rater})
    with brownie.reverts(reason("TaskNotFound", 99)):
        reputation.rate(bounty, 99, workers[0], {"from": requester})


def test_only_the_ledger_consumes_ratings(bounty, revealed_contest, requester, workers):
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("NotTheLedger", requester.address)):
        bounty.consumeRating(revealed_contest, requester, workers[0], {"from": requester})


def test_a_micro_task_rating_is_priced_at_the_places_approved(
    bounty, reputation, post_micro, requester, workers
):
    task_id = post_micro(pay=PAY, places=3)
    for index in (0, 1):
        bounty.take(task_id, index, [], {"from": workers[0]})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": workers[0]})
        bounty.approve(task_id, index, {"from": requester})
    assert bounty.grossPaid(task_id, workers[0]) == 2 * PAY
    consumed = reputation.rate(bounty, task_id, workers[0], {"from": requester}).events["RatingConsumed"]
    assert (consumed["subjectRole"], consumed["value"]) == (ROLE_WORKER, 2 * PAY)


def test_a_default_split_worker_rates_once_they_collected(
    bounty, reputation, revealed_contest, requester, workers
):
    pass_review(bounty, revealed_contest)
    bounty.splitByDefault(revealed_contest, {"from": workers[0]})
    with brownie.reverts(reason("NotACounterparty", workers[1].address, requester.address)):
        reputation.rate(bounty, revealed_contest, requester, {"from": workers[1]})
    bounty.withdraw(revealed_contest, workers[1], {"from": workers[1]})
    consumed = reputation.rate(bounty, revealed_contest, requester, {"from": workers[1]}).events[
        "RatingConsumed"
    ]
    assert consumed["value"] == REWARD - 2 * (REWARD // 3)  # the first collector's share, with the remainder
