"""Reputation: reviewers' decisions earn points (winners and approved workers as Workers, the requester as
a Requester when paying, the co-reviewer as a Reviewer); defaults pay but earn none; the requester and paid
workers rate each other through the real Reputation, weighted by the worker's paid share."""

import brownie
import pytest
from brownie import Bounty

from tests.contracts.bounty.conftest import (
    BPS,
    FEE_BPS,
    REWARD,
    ROLE_REQUESTER,
    ROLE_REVIEWER,
    ROLE_WORKER,
    WAD,
    ZERO,
    mine_at,
    net_of,
    pass_deadline,
    pass_review,
    plain,
    reason,
    task_params,
)


def points_recorded(tx) -> dict[tuple[str, int], int]:
    """{(subject, role): points} from the Reputation's ScoreChanged events in a receipt."""
    recorded: dict[tuple[str, int], int] = {}
    for event in tx.events:
        if event.name == "ScoreChanged":
            key = (event["subject"], event["role"])
            recorded[key] = recorded.get(key, 0) + event["points"]
    return recorded


def tag(text: str) -> str:
    return "0x" + text.encode().ljust(32, b"\x00").hex()


@pytest.fixture
def co_reviewed_contest(bounty, post_contest, enter, reveal, workers, co_reviewer) -> int:
    task_id = post_contest(co_reviewer=co_reviewer.address)
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    return task_id


def test_an_award_records_points_for_winners_requester_and_co_reviewer(
    bounty, reputation, co_reviewed_contest, requester, co_reviewer, workers
):
    bounty.award(co_reviewed_contest, workers[:2], [2500, 7500], {"from": requester})
    tx = bounty.award(co_reviewed_contest, workers[:2], [2500, 7500], {"from": co_reviewer})
    assert points_recorded(tx) == {
        (workers[0], ROLE_WORKER): WAD // 4,
        (workers[1], ROLE_WORKER): 3 * WAD // 4,
        (requester, ROLE_REQUESTER): WAD,
        (co_reviewer, ROLE_REVIEWER): WAD,
    }
    changes = [event for event in tx.events if event.name == "ScoreChanged"]
    assert {event["module"] for event in changes} == {bounty.address}
    assert {event["ref"] for event in changes} == {co_reviewed_contest}
    assert changes[0]["reason"] == tag("bounty.work-accepted")
    assert changes[2]["reason"] == tag("bounty.paid")
    assert changes[3]["reason"] == tag("bounty.reviewed")
    assert reputation.scoreOf(workers[1], ROLE_WORKER) > 0


def test_an_approval_records_a_places_share_of_the_points(bounty, post_micro, requester, workers):
    task_id = post_micro(places=4)
    bounty.take(task_id, 0, [], {"from": workers[0]})
    bounty.submitWork(task_id, 0, b"\x01" * 32, {"from": workers[0]})
    tx = bounty.approve(task_id, 0, {"from": requester})
    assert points_recorded(tx) == {(workers[0], ROLE_WORKER): WAD // 4, (requester, ROLE_REQUESTER): WAD // 4}


def test_a_co_reviewed_approval_gives_the_co_reviewer_points(
    bounty, post_micro, requester, co_reviewer, workers
):
    task_id = post_micro(places=2, co_reviewer=co_reviewer.address)
    bounty.take(task_id, 1, [], {"from": workers[0]})
    bounty.submitWork(task_id, 1, b"\x01" * 32, {"from": workers[0]})
    assert points_recorded(bounty.approve(task_id, 1, {"from": co_reviewer})) == {}
    tx = bounty.approve(task_id, 1, {"from": requester})
    assert points_recorded(tx)[(co_reviewer, ROLE_REVIEWER)] == WAD // 2


def test_rejections_and_defaults_record_no_points(bounty, post_micro, revealed_contest, requester, workers):
    task_id = post_micro(places=2)
    for index in (0, 1):
        bounty.take(task_id, index, [], {"from": workers[index]})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": workers[index]})
    assert points_recorded(bounty.reject(task_id, 0, {"from": requester})) == {}
    mine_at(bounty.placeOf(task_id, 1)["since"] + bounty.task(task_id)["reviewPeriod"])
    assert points_recorded(bounty.approveByDefault(task_id, 1, {"from": workers[1]})) == {}
    pass_review(bounty, revealed_contest)
    assert points_recorded(bounty.splitByDefault(revealed_contest, {"from": workers[0]})) == {}
    assert points_recorded(bounty.withdraw(revealed_contest, workers[0], {"from": workers[0]})) == {}


def test_without_a_reputation_the_bounty_pays_and_records_nothing(owner, treasury, requester, workers):
    bare = Bounty.deploy(owner, treasury, FEE_BPS, ZERO, {"from": owner})
    task_id = bare.postContest(task_params(), REWARD, {"from": requester, "value": REWARD}).return_value
    salt = b"\x01" * 32
    bare.submit(task_id, bare.commitmentOf(b"\x02" * 32, workers[0], salt), [], {"from": workers[0]})
    pass_deadline(bare, task_id)
    bare.reveal(task_id, b"\x02" * 32, "x", salt, {"from": workers[0]})
    tx = bare.award(task_id, [workers[0]], [BPS], {"from": requester})
    assert points_recorded(tx) == {}
    assert bare.withdraw(task_id, workers[0], {"from": workers[0]}).events["Withdrawn"]["amount"] == net_of(
        REWARD
    )


def test_a_bounty_the_reputation_no_longer_accepts_still_pays_by_default(
    bounty, reputation, owner, revealed_contest, requester, workers
):
    reputation.setModule(bounty, False, {"from": owner})
    with brownie.reverts(reason("NotAModule", bounty.address)):
        bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    pass_review(bounty, revealed_contest)
    bounty.splitByDefault(revealed_contest, {"from": workers[0]})
    assert (
        bounty.withdraw(revealed_contest, workers[0], {"from": workers[0]}).events["Withdrawn"]["amount"] > 0
    )


# ---------------------------------------------------------------------- rating weights


def test_nobody_is_a_counterparty_before_a_payout(bounty, revealed_contest, requester, workers):
    assert plain(bounty.ratingWeight(revealed_contest, requester, workers[0])) == (ROLE_WORKER, 0)
    assert plain(bounty.ratingWeight(revealed_contest, workers[0], requester)) == (ROLE_REQUESTER, 0)
    assert plain(bounty.ratingWeight(99, requester, workers[0])) == (ROLE_WORKER, 0)


def test_an_award_weighs_each_winners_share(bounty, revealed_contest, requester, workers, outsider):
    bounty.award(revealed_contest, workers[:2], [3000, 7000], {"from": requester})
    assert plain(bounty.ratingWeight(revealed_contest, requester, workers[0])) == (ROLE_WORKER, 3000)
    assert plain(bounty.ratingWeight(revealed_contest, workers[1], requester)) == (ROLE_REQUESTER, 7000)
    assert plain(bounty.ratingWeight(revealed_contest, requester, workers[2])) == (
        ROLE_WORKER,
        0,
    )  # revealed, not paid
    assert plain(bounty.ratingWeight(revealed_contest, outsider, workers[0])) == (ROLE_WORKER, 0)
    assert plain(bounty.ratingWeight(revealed_contest, workers[0], workers[1])) == (ROLE_WORKER, 0)


def test_a_default_split_weighs_an_equal_share(bounty, revealed_contest, requester, workers):
    pass_review(bounty, revealed_contest)
    bounty.splitByDefault(revealed_contest, {"from": workers[0]})
    for worker in workers[:3]:
        assert plain(bounty.ratingWeight(revealed_contest, requester, worker)) == (ROLE_WORKER, BPS // 3)
    assert bounty.paidShareBps(revealed_contest, workers[3]) == 0


def test_a_micro_task_weighs_approved_places_over_all_places(bounty, post_micro, requester, workers):
    task_id = post_micro(places=3)
    for index in (0, 1):
        bounty.take(task_id, index, [], {"from": workers[0]})
        bounty.submitWork(task_id, index, b"\x01" * 32, {"from": workers[0]})
        bounty.approve(task_id, index, {"from": requester})
    assert plain(bounty.ratingWeight(task_id, requester, workers[0])) == (ROLE_WORKER, 2 * BPS // 3)
    assert plain(bounty.ratingWeight(task_id, workers[0], requester)) == (ROLE_REQUESTER, 2 * BPS // 3)


def test_requester_and_winner_rate_each_other_once_through_the_reputation(
    bounty, reputation, revealed_contest, requester, workers, outsider
):
    bounty.award(revealed_contest, workers[:2], [4000, 6000], {"from": requester})
    tx = reputation.rate(bounty, revealed_contest, workers[0], 5, {"from": requester})
    assert tx.events["Rated"]["weightBps"] == 4000
    assert tx.events["ScoreChanged"]["role"] == ROLE_WORKER
    assert tx.events["ScoreChanged"]["points"] == 2 * 10 * WAD * 4000 // BPS
    tx = reputation.rate(bounty, revealed_contest, requester, 1, {"from": workers[1]})
    assert tx.events["Rated"]["weightBps"] == 6000
    assert tx.events["ScoreChanged"]["role"] == ROLE_REQUESTER
    assert tx.events["ScoreChanged"]["points"] == -2 * 10 * WAD * 6000 // BPS
    with brownie.reverts():
        reputation.rate(bounty, revealed_contest, workers[0], 5, {"from": requester})
    with brownie.reverts(
        reason("NotACounterparty", bounty.address, revealed_contest, outsider.address, requester.address)
    ):
        reputation.rate(bounty, revealed_contest, requester, 5, {"from": outsider})
    with brownie.reverts(
        reason("NotACounterparty", bounty.address, revealed_contest, workers[2].address, requester.address)
    ):
        reputation.rate(bounty, revealed_contest, requester, 5, {"from": workers[2]})
