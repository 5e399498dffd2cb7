"""Bounty wired to the real Reputation, ETH registered (unit 1 ETH, minimum 0.001 ETH), as deploy.py does:
reputation follows the value really settled. A contest of negligible value between two accounts of one person
earns nothing, however often repeated and whatever they rate each other, so it cannot open a task's minimum
Worker score; real paid work can. A ledger that refuses never blocks a payout, and the costliest deal the
ledger can price fits the gas Bounty gives it."""

import brownie
import pytest
from brownie import Bounty, Reputation, accounts

from tests.contracts.bounty.conftest import (
    ACCESS_MIN_SCORE,
    BPS,
    DAY,
    ETH,
    FEE_BPS,
    REWARD,
    ROLE_REQUESTER,
    ROLE_REVIEWER,
    ROLE_WORKER,
    WAD,
    commitment,
    deliverable,
    mine_at,
    net_of,
    now,
    pass_deadline,
    reason,
    salt_of,
    task_params,
)

ETH_MINIMUM = REWARD // 1000
GATE = 20 * WAD
WORKER_POINTS = 10 * WAD


@pytest.fixture(scope="module")
def ledger(owner):
    """The real reputation ledger, ETH registered; accounts[8] is an identity attester. Scores do not fade, so
    the tests compare exact values."""
    reputation = Reputation.deploy(owner, {"from": owner})
    reputation.setAsset(ETH, REWARD, ETH_MINIMUM, {"from": owner})
    reputation.setAttester(accounts[8], True, {"from": owner})
    reputation.setHalfLife(0, {"from": owner})
    return reputation


@pytest.fixture(scope="module")
def ranked(owner, treasury, ledger):
    """A Bounty registered as a module of the real ledger."""
    deployed = Bounty.deploy(owner, treasury, FEE_BPS, ledger, {"from": owner})
    ledger.setModule(deployed, True, {"from": owner})
    return deployed


def verify(ledger, account) -> None:
    ledger.attest(account, 1, now() + 365 * DAY, {"from": accounts[8]})


def won_contest(bounty, requester, worker, reward: int, **params) -> int:
    """A contest of `reward` posted by `requester`, entered by `worker` alone, awarded to them (the award is
    the last transaction)."""
    task_id = bounty.postContest(
        task_params(**params), reward, {"from": requester, "value": reward}
    ).return_value
    bounty.submit(task_id, commitment(deliverable(worker), worker, salt_of(worker)), [], {"from": worker})
    pass_deadline(bounty, task_id)
    bounty.reveal(task_id, deliverable(worker), "ipfs://w", salt_of(worker), {"from": worker})
    bounty.award(task_id, [worker], [BPS], {"from": requester})
    return task_id


def test_a_contest_of_negligible_value_between_fresh_accounts_earns_nothing(
    ranked, ledger, requester, workers
):
    worker = workers[0]
    task_id = won_contest(ranked, requester, worker, 1)
    assert ranked.withdrawable(task_id, worker) == 1  # the wei is paid: the fee rounds down to 0
    assert (ledger.scoreOf(worker, ROLE_WORKER), ledger.scoreOf(requester, ROLE_REQUESTER)) == (0, 0)
    assert ledger.dealsBetween(worker, requester) == 1


def test_one_wei_contests_and_ring_ratings_cannot_open_a_20_point_gate(ranked, ledger, requester, workers):
    """The issue's attack: two accounts of one person play 1-wei contests and rate each other 5 stars on each;
    before, one such contest gave the worker an award's points and a full-weight rating."""
    worker, honest_requester = workers[0], workers[3]
    verify(ledger, worker)
    verify(ledger, requester)
    for _ in range(3):
        task_id = won_contest(ranked, requester, worker, 1)
        ledger.rate(ranked, task_id, worker, 5, {"from": requester})
        ledger.rate(ranked, task_id, requester, 5, {"from": worker})
    assert ledger.scoreOf(worker, ROLE_WORKER) == 0
    gated = ranked.postContest(
        task_params(rules=ACCESS_MIN_SCORE, min_score=GATE),
        REWARD,
        {"from": honest_requester, "value": REWARD},
    ).return_value
    with brownie.reverts(reason("WorkerScoreTooLow", 0, GATE)):
        ranked.submit(gated, b"\x05" * 32, [], {"from": worker})


def test_real_paid_work_opens_the_gate(ranked, ledger, requester, workers):
    """The counterpart: a verified requester's 4 ETH award is worth 10 points × sqrt(4) = 20 to the worker."""
    worker = workers[1]
    verify(ledger, requester)
    won_contest(ranked, requester, worker, 4 * REWARD)
    assert ledger.scoreOf(worker, ROLE_WORKER) == 2 * WORKER_POINTS
    gated = ranked.postContest(
        task_params(rules=ACCESS_MIN_SCORE, min_score=GATE), REWARD, {"from": workers[3], "value": REWARD}
    ).return_value
    ranked.submit(gated, b"\x05" * 32, [], {"from": worker})


def test_a_repeat_pair_earns_less_each_time(ranked, ledger, requester, workers):
    worker = workers[2]
    verify(ledger, requester)
    gains = []
    for _ in range(3):
        before = ledger.scoreOf(worker, ROLE_WORKER)
        won_contest(ranked, requester, worker, REWARD)
        gains.append(ledger.scoreOf(worker, ROLE_WORKER) - before)
    assert gains == [WORKER_POINTS, WORKER_POINTS // 2, WORKER_POINTS // 3]


def test_a_confirming_co_reviewer_earns_reviewer_points_priced_by_the_reward(
    ranked, ledger, requester, co_reviewer, workers
):
    task_id = ranked.postContest(
        task_params(co_reviewer=co_reviewer.address), 4 * REWARD, {"from": requester, "value": 4 * REWARD}
    ).return_value
    worker = workers[0]
    ranked.submit(task_id, commitment(deliverable(worker), worker, salt_of(worker)), [], {"from": worker})
    pass_deadline(ranked, task_id)
    ranked.reveal(task_id, deliverable(worker), "ipfs://w", salt_of(worker), {"from": worker})
    ranked.award(task_id, [worker], [BPS], {"from": requester})
    ranked.confirmAward(task_id, [worker], [BPS], {"from": co_reviewer})
    assert ledger.scoreOf(co_reviewer, ROLE_REVIEWER) == 5 * WAD * 2  # REVIEWER_POINTS × sqrt(4)


def test_ratings_through_the_ledger_are_taken_once_per_pair(ranked, ledger, requester, workers):
    worker = workers[0]
    task_id = won_contest(ranked, requester, worker, REWARD)
    tx = ledger.rate(ranked, task_id, worker, 4, {"from": requester})
    assert (tx.events["Rated"]["valueFactor"], tx.events["Rated"]["source"]) == (WAD, ranked)
    with brownie.reverts(reason("AlreadyRated", requester.address, worker.address)):
        ledger.rate(ranked, task_id, worker, 5, {"from": requester})
    ledger.rate(ranked, task_id, requester, 4, {"from": worker})
    with brownie.reverts(reason("NotACounterparty", workers[1].address, requester.address)):
        ledger.rate(ranked, task_id, requester, 1, {"from": workers[1]})


def test_a_bounty_the_ledger_no_longer_accepts_still_pays(ranked, ledger, owner, requester, workers):
    """Before, a deregistered Bounty could not award at all: the ledger's refusal reverted the award."""
    ledger.setModule(ranked, False, {"from": owner})
    task_id = won_contest(ranked, requester, workers[0], REWARD)
    assert ranked.withdrawable(task_id, workers[0]) == net_of(REWARD)
    assert ledger.scoreOf(workers[0], ROLE_WORKER) == 0


def test_the_costliest_deal_the_ledger_prices_fits_the_gas_bounty_gives_it(
    ranked, ledger, owner, requester, workers
):
    """Both sides have scores stored in the ledger's first half-life period and the half-life changed the most
    times it can (16 periods), so pricing the deal fades each score across all of them."""
    worker, payer = workers[0], workers[3]
    won_contest(ranked, requester, worker, REWARD)  # a Worker score, stored in the first period
    won_contest(ranked, payer, workers[1], REWARD)  # a Requester score for the payer, in the first period
    for period in range(ledger.HALF_LIFE_PERIOD_LIMIT() - len(ledger.halfLifeSchedule())):
        mine_at(now() + DAY)
        ledger.setHalfLife(30 * DAY + period, {"from": owner})
    mine_at(now() + DAY)
    task_id = won_contest(ranked, payer, worker, REWARD)
    award = brownie.history[-1]
    assert award.fn_name == "award"
    changed = [event for event in award.events if event.name == "ScoreChanged"]
    assert {(event["subject"], event["role"]) for event in changed} == {
        (worker, ROLE_WORKER),
        (payer, ROLE_REQUESTER),
    }
    assert ranked.withdrawable(task_id, worker) == net_of(REWARD)
