"""Crowdsourcing indexed from events alone equals the Bounty contract: tasks, entries, earnings, places; and
the tasks API serves them, on both stores."""

import re

import brownie
import pytest
from brownie import Bounty, accounts, web3
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import select

from crowdledger.api import queries as api_queries
from crowdledger.api.app import create_app
from crowdledger.store.models import AwardProposal, Entry, Place, RawEvent, ReputationScore, Task
from crowdledger.web.pages import tasks as task_pages
from tests.backend.conftest import accepts, launch_campaign, make_indexer, upgrade_from, wallet_client

ETH = "0x" + "00" * 20
DAY = 86400
HOUR = 3600
E = 10**18


def now() -> int:
    return web3.eth.get_block("latest").timestamp


def mine_at(timestamp: int) -> None:
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    web3.provider.make_request("evm_mine", [])


def params(deadline: int, arbiter: str = ETH) -> tuple:
    return (ETH, deadline, 2 * DAY, ETH, arbiter, 0, 0, b"\0" * 32, 0, "ipfs://task", b"\x42" * 32)


def work(worker) -> tuple[bytes, bytes, bytes]:
    """(deliverable hash, salt, commitment) for a worker's entry."""
    deliverable, salt = keccak(text=f"work {worker}"), keccak(text=f"salt {worker}")
    return (
        deliverable,
        salt,
        keccak(encode(["bytes32", "address", "bytes32"], [deliverable, str(worker), salt])),
    )


def crowdsource(bounty, requester, workers, arbiter) -> dict[str, int]:
    """A contest with three revealed entries and one winner; a micro-task with an arbiter and approved,
    rejected (held for an appeal), taken and open places; withdrawals."""
    deadline = now() + 3 * DAY
    contest = bounty.postContest(params(deadline), E, {"from": requester, "value": E}).return_value
    micro = bounty.postMicroTask(
        params(deadline, arbiter.address), E // 10, 4, DAY, {"from": requester, "value": 4 * E // 10}
    )
    micro = micro.return_value
    for worker in workers[:3]:
        bounty.submit(contest, work(worker)[2], [], {"from": worker})
    for index, worker in enumerate(workers[:3]):
        bounty.take(micro, index, [], {"from": worker})
    for worker in workers[:2]:
        bounty.submitWork(micro, workers.index(worker), work(worker)[0], {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    bounty.reject(micro, 1, {"from": requester})
    mine_at(deadline)
    for worker in workers[:3]:
        deliverable, salt, _ = work(worker)
        bounty.reveal(contest, deliverable, f"ipfs://entry-{worker}", salt, {"from": worker})
    bounty.award(contest, [workers[1]], [10_000], {"from": requester})
    bounty.withdraw(contest, workers[1], {"from": workers[1]})
    return {"contest": contest, "micro": micro}


def test_tasks_entries_and_places_match_the_chain(engine, crowdfund, reputation, owner, treasury):
    requester, workers = accounts[1], list(accounts[2:6])
    bounty = Bounty.deploy(owner, treasury, 250, reputation, {"from": owner})
    reputation.setModule(bounty, True, {"from": owner})
    ids = crowdsource(bounty, requester, workers, accounts[8])
    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)

    with engine.connect() as conn:
        tasks = {t.id: t for t in conn.execute(select(Task))}
        entries = {(e.task_id, e.worker): e for e in conn.execute(select(Entry))}
        places = {(p.task_id, p.place_index): p for p in conn.execute(select(Place))}
    contest, micro = tasks[ids["contest"]], tasks[ids["micro"]]
    assert (contest.kind, contest.status, contest.entry_count, contest.revealed_count) == (
        "contest",
        "awarded",
        3,
        3,
    )
    assert (micro.kind, micro.places, micro.places_approved, micro.pay) == ("micro-task", 4, 1, E // 10)
    for task_id in ids.values():
        for worker in workers:
            on_chain = bounty.entryOf(task_id, worker)
            row = entries.get((task_id, worker.address.lower()))
            owed = row.earned - row.withdrawn if row else 0
            assert owed == on_chain["owed"] == bounty.withdrawable(task_id, worker)
            assert (row.share_bps if row else 0) == on_chain["shareBps"]
    statuses = ("open", "taken", "submitted", "approved", "rejected", "appealed")
    for index in range(4):
        on_chain = bounty.placeOf(ids["micro"], index)
        row = places.get((ids["micro"], index))
        assert (row.status if row else "open") == statuses[on_chain["status"]]
        assert (row.worker if row else None) == (on_chain["worker"].lower() if on_chain["status"] else None)
    assert contest.paid == E and micro.paid == E // 10  # what left the escrow, fees included

    client = TestClient(create_app(engine), raise_server_exceptions=False)
    listed = client.get("/tasks", params={"kind": "contest"}).json()["items"]
    assert [t["id"] for t in listed] == [ids["contest"]]
    detail = client.get(f"/tasks/{ids['contest']}").json()
    winner = next(e for e in detail["entries"] if e["worker"] == workers[1].address.lower())
    assert (winner["share_bps"], winner["earned"], winner["withdrawn"]) == (
        10_000,
        str(E - E * 250 // 10_000),
        str(E - E * 250 // 10_000),
    )
    assert [p["status"] for p in client.get(f"/tasks/{ids['micro']}").json()["places_detail"]] == [
        "approved",
        "rejected",
        "closed",  # taken, and past the deadline without work
    ]
    for bad in ("/tasks/0", "/tasks?kind=gig", "/tasks?before=-1", "/tasks?requester=0x12"):
        assert client.get(bad).status_code == 422, bad
    assert client.get("/tasks/999").json()["error"]["code"] == "not_found"


# ----------------------------------------------------------------- reviews: four eyes, arbiter, appeals

CO_REVIEW, ARBITRATION = 3 * DAY, 7 * DAY  # BountyCore's CO_REVIEW_WINDOW and ARBITRATION_WINDOW
PLACE_STATUSES = ("open", "taken", "submitted", "approved", "rejected", "appealed")


def reviewed_params(deadline: int, co_reviewer, arbiter=None) -> tuple:
    arbiter_address = arbiter.address if arbiter is not None else ETH
    return (
        ETH,
        deadline,
        2 * DAY,
        co_reviewer.address,
        arbiter_address,
        0,
        0,
        b"\0" * 32,
        0,
        "ipfs://reviewed",
        b"\x42" * 32,
    )


def review(bounty, requester, workers, co_reviewer, arbiter) -> dict[str, int]:
    """A micro-task with a co-reviewer and an arbiter whose seven places end every way a review can end, a
    contest whose award the co-reviewer objects to and the arbiter overrides, and one without an arbiter whose
    objected award stands when the co-review window ends."""
    start = now()
    deadline = start + 3 * DAY
    micro = bounty.postMicroTask(
        reviewed_params(deadline, co_reviewer, arbiter),
        E // 10,
        7,
        DAY,
        {"from": requester, "value": 7 * E // 10},
    ).return_value
    overruled = bounty.postContest(
        reviewed_params(deadline, co_reviewer, arbiter), E, {"from": requester, "value": E}
    ).return_value
    witnessed = bounty.postContest(reviewed_params(deadline, co_reviewer), E, {"from": requester, "value": E})
    witnessed = witnessed.return_value
    holders = [workers[i % len(workers)] for i in range(7)]  # workers 0 to 2 hold two places each
    for index, worker in enumerate(holders):
        bounty.take(micro, index, [], {"from": worker})
        bounty.submitWork(micro, index, keccak(text=f"place {index}"), {"from": worker})
    for contest in (overruled, witnessed):
        for worker in workers[:3]:
            bounty.submit(contest, work(worker)[2], [], {"from": worker})

    # The requester decides every place; each decision waits for the co-reviewer (PlaceDecisionProposed).
    for index, verdict in enumerate((True, False, False, False, True, False, True)):
        (bounty.approve if verdict else bounty.reject)(micro, index, {"from": requester})
    bounty.confirmPlace(micro, 0, True, {"from": co_reviewer})  # 0: approved by both reviewers
    bounty.objectToPlace(micro, 1, {"from": co_reviewer})  # 1: objected, the arbiter approves
    bounty.arbitratePlace(micro, 1, True, {"from": arbiter})
    for index in (2, 3, 5):  # confirmed rejections are held for the worker's appeal
        bounty.confirmPlace(micro, index, False, {"from": co_reviewer})
    bounty.appeal(micro, 2, {"from": holders[2]})  # 2: appealed, the arbiter approves
    bounty.arbitratePlace(micro, 2, True, {"from": arbiter})
    bounty.appeal(micro, 3, {"from": holders[3]})  # 3: appealed, the arbiter stays silent
    # 4: the requester's approval still waits for the co-reviewer; 5: rejected, never appealed;
    # 6: the requester's approval stands at the window's end (finalized below)

    mine_at(deadline)
    for contest in (overruled, witnessed):
        for worker in workers[:3]:
            deliverable, salt, _ = work(worker)
            bounty.reveal(contest, deliverable, f"ipfs://entry-{worker}", salt, {"from": worker})
        bounty.award(contest, [workers[0]], [10_000], {"from": requester})  # AwardProposed
        bounty.objectToAward(contest, {"from": co_reviewer})  # AwardObjected
    bounty.arbitrateAward(overruled, [workers[1], workers[2]], [6_000, 4_000], {"from": arbiter})
    mine_at(deadline + CO_REVIEW + HOUR)  # the co-review windows of the places and the awards are over
    bounty.finalizePlace(micro, 6, {"from": workers[3]})
    bounty.finalizeAward(witnessed, [workers[0]], [10_000], {"from": workers[3]})  # the witness is no veto
    mine_at(start + ARBITRATION + HOUR)
    bounty.finalizePlace(micro, 3, {"from": workers[3]})  # the arbiter's silence upholds: PlaceReopened
    bounty.withdraw(micro, workers[1], {"from": workers[1]})
    bounty.withdraw(overruled, workers[2], {"from": workers[2]})
    return {"micro": micro, "overruled": overruled, "witnessed": witnessed}


def test_co_reviews_arbitration_and_appeals_are_indexed_as_the_chain_holds_them(
    engine, crowdfund, reputation, owner, treasury
):
    requester, workers, co_reviewer, arbiter = accounts[1], list(accounts[2:6]), accounts[6], accounts[8]
    bounty = Bounty.deploy(owner, treasury, 250, reputation, {"from": owner})
    reputation.setModule(bounty, True, {"from": owner})
    ids = review(bounty, requester, workers, co_reviewer, arbiter)
    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)

    with engine.connect() as conn:
        tasks = {t.id: t for t in conn.execute(select(Task))}
        entries = {(e.task_id, e.worker): e for e in conn.execute(select(Entry))}
        places = {(p.task_id, p.place_index): p for p in conn.execute(select(Place))}
        scores = {(s.account, s.role): s.value for s in conn.execute(select(ReputationScore))}
        raw = conn.execute(select(RawEvent.contract, RawEvent.name)).all()
    statuses = [statuses_of(places, bounty, ids["micro"], index) for index in range(7)]
    assert statuses == [
        ("approved", "approved"),
        ("approved", "approved"),
        ("approved", "approved"),
        ("open", "open"),
        ("submitted", "submitted"),
        ("rejected", "rejected"),
        ("approved", "approved"),
    ]
    for index in range(7):
        on_chain = bounty.placeOf(ids["micro"], index)
        row = places.get((ids["micro"], index))
        assert (row.worker if row else None) == (on_chain["worker"].lower() if on_chain["status"] else None)
    assert tasks[ids["micro"]].places_approved == 4 and tasks[ids["micro"]].paid == 4 * E // 10
    assert (tasks[ids["overruled"]].status, tasks[ids["witnessed"]].status) == ("awarded", "awarded")
    for task_id in ids.values():
        for worker in workers:
            on_chain = bounty.entryOf(task_id, worker)
            row = entries.get((task_id, worker.address.lower()))
            assert (row.earned - row.withdrawn if row else 0) == on_chain["owed"]
            assert (row.share_bps if row else 0) == on_chain["shareBps"]
    assert entries[(ids["overruled"], workers[1].address.lower())].share_bps == 6_000
    assert (ids["overruled"], workers[0].address.lower()) not in entries or not entries[
        (ids["overruled"], workers[0].address.lower())
    ].earned

    # every log of the three contracts is stored as it was emitted, the review events included
    addresses = [crowdfund.address, reputation.address, bounty.address]
    logs = web3.eth.get_logs(
        {"fromBlock": crowdfund.tx.block_number, "toBlock": "latest", "address": addresses}
    )
    assert len(raw) == len(logs)
    names = {name for contract, name in raw if contract == "Bounty"}
    assert {
        "AwardProposed",
        "AwardObjected",
        "PlaceDecisionProposed",
        "PlaceObjected",
        "PlaceAppealed",
        "PlaceReopened",
    } <= names
    assert {"DealRecorded", "ValueRecorded"} <= {name for contract, name in raw if contract == "Reputation"}
    # the reviewers', requesters' and workers' scores the reviews priced equal the ledger's
    assert scores
    for (account, role), value in scores.items():
        assert value == reputation.score(account, role)[0]


def statuses_of(places, bounty, task_id: int, index: int) -> tuple[str, str]:
    """(indexed status, the chain's status) of one place; a place never indexed is open."""
    row = places.get((task_id, index))
    return (row.status if row else "open", PLACE_STATUSES[bounty.placeOf(task_id, index)["status"]])


def awardable(bounty, requester, workers, co_reviewer, arbiter=None) -> int:
    """A contest with a co-reviewer (and an arbiter, if given) whose three entries are revealed: its award
    now waits for the co-reviewer."""
    deadline = now() + 3 * DAY
    contest = bounty.postContest(
        reviewed_params(deadline, co_reviewer, arbiter), E, {"from": requester, "value": E}
    ).return_value
    for worker in workers[:3]:
        bounty.submit(contest, work(worker)[2], [], {"from": worker})
    mine_at(deadline)
    for worker in workers[:3]:
        deliverable, salt, _ = work(worker)
        bounty.reveal(contest, deliverable, f"ipfs://entry-{worker}", salt, {"from": worker})
    return contest


@pytest.fixture
def reviewed(engine, crowdfund, reputation, owner, treasury):
    """(bounty, an indexer of it, an API client) on a fresh Bounty wired to the ledger."""
    bounty = Bounty.deploy(owner, treasury, 250, reputation, {"from": owner})
    reputation.setModule(bounty, True, {"from": owner})
    indexer = make_indexer(engine, crowdfund, others=[bounty])
    with wallet_client(engine, indexer) as client:
        yield bounty, indexer, client


def offered_places(reviewed, task_id: int, flow: str, worker=None) -> list[int]:
    """The places the task page's `flow` form offers, once indexed ([] when the page has no such form); to
    `worker` alone if given (the appeal form marks each place with its worker, and offers each their own)."""
    _, indexer, client = reviewed
    indexer.run(follow=False)
    page = client.get(f"/t/{task_id}?lang=en").text
    form = re.search(rf'<form data-flow="{flow}".*?</form>', page, re.S)
    options = (
        re.findall(r'<option value="(\d+)"(?: data-worker="(0x[0-9a-f]+)")?', form.group(0)) if form else []
    )
    return [int(i) for i, of in options if worker is None or of == worker.address.lower()]


def indexed_proposal(engine, indexer, task_id: int):
    indexer.run(follow=False)
    with engine.connect() as conn:
        return conn.execute(select(AwardProposal).where(AwardProposal.task_id == task_id)).first()


def test_a_tasks_arbiter_is_indexed_and_served_from_its_column(reviewed):
    bounty, indexer, client = reviewed
    requester, workers, co_reviewer, arbiter = accounts[1], list(accounts[2:6]), accounts[6], accounts[8]
    with_arbiter = awardable(bounty, requester, workers, co_reviewer, arbiter)
    without = awardable(bounty, requester, workers, co_reviewer)
    indexer.run(follow=False)

    assert client.get(f"/tasks/{with_arbiter}").json()["arbiter"] == arbiter.address.lower()
    assert client.get(f"/tasks/{without}").json()["arbiter"] is None
    with indexer.engine.connect() as conn:
        arbiters = dict(conn.execute(select(Task.id, Task.arbiter)).all())
    assert arbiters == {with_arbiter: arbiter.address.lower(), without: None}


def test_a_proposed_award_is_indexed_objected_to_and_gone_once_the_arbiter_decides(engine, reviewed):
    bounty, indexer, client = reviewed
    requester, workers, co_reviewer, arbiter = accounts[1], list(accounts[2:6]), accounts[6], accounts[8]
    contest = awardable(bounty, requester, workers, co_reviewer, arbiter)
    tx = bounty.award(contest, [workers[0], workers[1]], [7_000, 3_000], {"from": requester})
    proposed_at = web3.eth.get_block(tx.block_number).timestamp

    row = indexed_proposal(engine, indexer, contest)
    assert (row.proposer, row.winners, row.shares_bps, row.proposed_at, row.objected) == (
        requester.address.lower(),
        [workers[0].address.lower(), workers[1].address.lower()],
        [7_000, 3_000],
        proposed_at,
        False,
    )
    assert client.get(f"/tasks/{contest}").json()["proposal"] == {
        "winners": [workers[0].address.lower(), workers[1].address.lower()],
        "shares_bps": [7_000, 3_000],
        "proposer": requester.address.lower(),
        "proposed_at": proposed_at,
        "stands_at": proposed_at + CO_REVIEW,
        "objected": False,
    }

    bounty.objectToAward(contest, {"from": co_reviewer})
    row = indexed_proposal(engine, indexer, contest)
    # the arbiter decides until then, and the contract refuses to finalize before (NotFinalYet)
    assert (row.objected, row.stands_at) == (True, proposed_at + CO_REVIEW + ARBITRATION)
    proposal = client.get(f"/tasks/{contest}").json()["proposal"]
    assert (proposal["objected"], proposal["stands_at"]) == (True, proposed_at + CO_REVIEW + ARBITRATION)

    bounty.arbitrateAward(contest, [workers[2]], [10_000], {"from": arbiter})
    assert indexed_proposal(engine, indexer, contest) is None
    detail = client.get(f"/tasks/{contest}").json()
    assert (detail["status"], detail["proposal"]) == ("awarded", None)


def test_a_proposed_award_confirmed_by_the_co_reviewer_is_no_longer_pending(engine, reviewed):
    bounty, indexer, client = reviewed
    requester, workers, co_reviewer = accounts[1], list(accounts[2:6]), accounts[6]
    contest = awardable(bounty, requester, workers, co_reviewer)
    bounty.award(contest, [workers[0]], [10_000], {"from": requester})
    assert indexed_proposal(engine, indexer, contest) is not None

    bounty.confirmAward(contest, [workers[0]], [10_000], {"from": co_reviewer})
    assert indexed_proposal(engine, indexer, contest) is None
    assert client.get(f"/tasks/{contest}").json()["proposal"] is None


def test_a_place_decision_waiting_for_the_co_reviewer_is_served_until_carried_out(engine, reviewed):
    """PlaceDecisionProposed and PlaceObjected had no handler: the co-reviewer could not see what the
    requester decided, nor anyone when it would stand."""
    bounty, indexer, client = reviewed
    requester, worker, co_reviewer, arbiter = accounts[1], accounts[2], accounts[6], accounts[8]
    micro = bounty.postMicroTask(
        reviewed_params(now() + 3 * DAY, co_reviewer, arbiter),
        E // 10,
        2,
        DAY,
        {"from": requester, "value": E // 5},
    ).return_value
    for index in (0, 1):
        bounty.take(micro, index, [], {"from": worker})
        bounty.submitWork(micro, index, keccak(text=f"place {index}"), {"from": worker})
    approved_at = web3.eth.get_block(bounty.approve(micro, 0, {"from": requester}).block_number).timestamp
    bounty.reject(micro, 1, {"from": requester})

    def decisions():
        indexer.run(follow=False)
        places = client.get(f"/tasks/{micro}").json()["places_detail"]
        return [(p["status"], p["decision"], p["decision_stands_at"], p["decision_objected"]) for p in places]

    [first, second] = decisions()
    assert first == ("submitted", "approve", approved_at + CO_REVIEW, False)
    assert second[:2] == ("submitted", "reject")
    page = client.get(f"/t/{micro}?lang=en").text
    assert "the requester proposes approval" in page and "the requester proposes rejection" in page

    bounty.objectToPlace(micro, 0, {"from": co_reviewer})  # the arbiter decides, until the end of its window
    confirmed = bounty.confirmPlace(micro, 1, False, {"from": co_reviewer})
    held_until = confirmed.events["PlaceRejected"]["appealableUntil"]  # held for the appeal until then
    assert decisions() == [
        ("submitted", "approve", approved_at + CO_REVIEW + ARBITRATION, True),
        ("rejected", "reject", held_until, False),
    ]
    bounty.arbitratePlace(micro, 0, True, {"from": arbiter})
    assert decisions()[0] == ("approved", None, None, False)


def test_a_place_decision_stands_when_the_index_says_though_co_reviewer_and_arbiter_stay_silent(
    engine, reviewed
):
    """The silent counterparties: the co-reviewer objects, then neither they nor the arbiter act. The
    served decision_stands_at is exactly when the contract first lets anyone carry the decision out."""
    bounty, indexer, client = reviewed
    requester, worker, co_reviewer, arbiter = accounts[1], accounts[2], accounts[6], accounts[8]
    micro = bounty.postMicroTask(
        reviewed_params(now() + 3 * DAY, co_reviewer, arbiter),
        E // 10,
        1,
        DAY,
        {"from": requester, "value": E // 10},
    ).return_value
    bounty.take(micro, 0, [], {"from": worker})
    bounty.submitWork(micro, 0, keccak(text="place 0"), {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    bounty.objectToPlace(micro, 0, {"from": co_reviewer})
    indexer.run(follow=False)
    stands_at = client.get(f"/tasks/{micro}").json()["places_detail"][0]["decision_stands_at"]

    mine_at(stands_at - 60)
    with brownie.reverts():  # NotFinalYet, a minute before
        bounty.finalizePlace(micro, 0, {"from": accounts[3]})
    mine_at(stands_at)
    bounty.finalizePlace(micro, 0, {"from": accounts[3]})  # anyone, the worker's pay released
    indexer.run(follow=False)
    assert client.get(f"/tasks/{micro}").json()["places_detail"][0]["status"] == "approved"


def test_from_the_deadline_places_without_submitted_work_show_closed_as_the_contract_holds_them(reviewed):
    """After the deadline (and after the requester reclaimed their pay) the task page still called such
    places open and offered them to take, while the contract takes no place any more. The API said "taken"
    after the page said "closed"."""
    bounty, indexer, client = reviewed
    requester, worker = accounts[1], accounts[2]
    deadline = now() + 3 * DAY
    micro = bounty.postMicroTask(params(deadline), E // 10, 3, DAY, {"from": requester, "value": 3 * E // 10})
    micro = micro.return_value
    bounty.take(micro, 0, [], {"from": worker})
    bounty.submitWork(micro, 0, keccak(text="place 0"), {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    bounty.take(micro, 1, [], {"from": worker})  # taken, never submitted; place 2 never taken

    def places_shown() -> tuple[list[str], bool]:
        indexer.run(follow=False)
        page = client.get(f"/t/{micro}?lang=en").text
        cells = re.findall(r'<td>(\d+)</td><td><span class="badge (\w+)">', page)
        served = client.get(f"/tasks/{micro}").json()["places_detail"]  # the places someone took
        assert [p["status"] for p in served] == [status for _, status in cells[:2]]
        return [status for _, status in cells], 'data-flow="take"' in page

    assert places_shown() == (["approved", "taken", "open"], True)
    mine_at(deadline)
    with brownie.reverts():
        bounty.take(micro, 2, [], {"from": worker})
    assert places_shown() == (["approved", "closed", "closed"], False)
    reclaimed = bounty.reclaim(micro, requester, {"from": requester}).events["RewardReclaimed"]
    assert reclaimed["placesReclaimed"] == 2  # the places shown closed, and no other
    assert places_shown() == (["approved", "closed", "closed"], False)
    assert "closed: its pay goes back to the requester" in client.get(f"/t/{micro}?lang=en").text


def test_the_reclaim_form_offers_exactly_what_the_contract_would_give_back(reviewed):
    """No page offered reclaim: a requester was told a closed place's pay goes back to them, and had to use
    the CLI. The form is the requester's, shown with the amount while the contract would pay it."""
    bounty, indexer, client = reviewed
    requester, worker = accounts[1], accounts[2]
    deadline = now() + 3 * DAY
    micro = bounty.postMicroTask(params(deadline), E // 10, 4, DAY, {"from": requester, "value": 4 * E // 10})
    micro = micro.return_value
    contest = bounty.postContest(params(deadline), E, {"from": requester, "value": E}).return_value
    for index in (0, 2):  # 2 taken, never submitted
        bounty.take(micro, index, [], {"from": worker})
    bounty.submitWork(micro, 0, keccak(text="place 0"), {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    mine_at(deadline - 2 * HOUR)  # place 1's work is under review past the deadline
    bounty.take(micro, 1, [], {"from": worker})
    bounty.submitWork(micro, 1, keccak(text="place 1"), {"from": worker})

    def offered(task_id: int) -> str | None:
        indexer.run(follow=False)
        page = client.get(f"/t/{task_id}?lang=en").text
        form = re.search(r'<form data-flow="reclaim" data-only-for="(0x[0-9a-f]+)".*?</form>', page, re.S)
        if form is None:
            return None
        assert form.group(1) == requester.address.lower()
        return re.search(r'data-testid="reclaimable">([^<]+)<', form.group(0)).group(1)

    def accepted(task_id: int) -> bool:
        return accepts(bounty.reclaim.call, task_id, requester, {"from": requester})

    assert offered(micro) is offered(contest) is None
    assert not accepted(micro) and not accepted(contest)  # TooEarlyToReclaim
    mine_at(deadline)
    assert offered(micro) == "0.2 ETH" and offered(contest) == "1 ETH"  # places 2 and 3; nobody entered
    assert accepted(micro) and accepted(contest)
    reclaimed = bounty.reclaim(micro, requester, {"from": requester}).events["RewardReclaimed"]
    assert reclaimed["amount"] == 2 * E // 10
    bounty.reclaim(contest, requester, {"from": requester})
    assert offered(micro) is offered(contest) is None
    assert not accepted(micro) and not accepted(contest)  # NothingToReclaim, NotOpen
    bounty.reject(micro, 1, {"from": requester})  # no arbiter: the place reopens, its pay is reclaimable
    assert offered(micro) == "0.1 ETH" and accepted(micro)


def test_the_take_appeal_and_arbitrate_forms_offer_exactly_the_places_the_contract_would_accept(reviewed):
    """The take form offered places still held by their worker; the arbiter's form rejected places not
    appealed, work still under the requester's review, and places whose arbitration window was over; the
    appeal form rejections past their appeal window: each refused by the contract. A held or appealed
    rejection is served with the time it stands, when the contract lets anyone reopen the place."""
    bounty, indexer, client = reviewed
    requester, arbiter, workers = (
        accounts[1],
        accounts[8],
        [accounts[2], accounts[3], accounts[4], None, accounts[6]],
    )
    start = now()
    micro = bounty.postMicroTask(
        params(start + 5 * DAY, arbiter.address), E // 10, 5, DAY, {"from": requester, "value": E // 2}
    ).return_value
    for index in (0, 1, 2, 4):
        bounty.take(micro, index, [], {"from": workers[index]})
    for index in (1, 2, 4):
        bounty.submitWork(micro, index, keccak(text=f"place {index}"), {"from": workers[index]})
    for index in (2, 4):  # held for the worker's appeal
        bounty.reject(micro, index, {"from": requester})
    rejected_at = now()

    def offered(flow: str) -> list[int]:
        return offered_places(reviewed, micro, flow)

    def accepted(call, sender) -> list[int]:
        return [index for index in range(5) if accepts(call, micro, index, {"from": sender})]

    newcomer = accounts[5]
    take = lambda task, index, tx: bounty.take.call(task, index, [], tx)  # noqa: E731
    arbitrate = lambda task, index, tx: bounty.arbitratePlace.call(task, index, True, tx)  # noqa: E731
    appeal = lambda task, index, tx: bounty.appeal.call(task, index, tx)  # noqa: E731
    assert offered("take") == accepted(take, newcomer) == [3]
    assert offered("arbitrate-place") == accepted(arbitrate, arbiter) == []
    assert offered("appeal-place") == [2, 4]  # the rejected places' workers see the form, each their own
    for index in (2, 4):
        mine = offered_places(reviewed, micro, "appeal-place", workers[index])
        assert mine == accepted(appeal, workers[index]) == [index]
    appealed_at = web3.eth.get_block(bounty.appeal(micro, 2, {"from": workers[2]}).block_number).timestamp
    for index, stands_at in ((2, appealed_at + 7 * DAY), (4, rejected_at + 3 * DAY)):
        with brownie.reverts(f"NotFinalYet: {stands_at}"):  # the time the index serves (below)
            bounty.finalizePlace.call(micro, index, {"from": newcomer})
    mine_at(start + DAY + HOUR)  # place 0's work window is over: anyone may take it
    assert offered("take") == accepted(take, newcomer) == [0, 3]
    assert offered("arbitrate-place") == accepted(arbitrate, arbiter) == [2]
    mine_at(start + 3 * DAY + HOUR)  # place 1's review is over, undecided; place 4's appeal window too
    assert offered("arbitrate-place") == accepted(arbitrate, arbiter) == [1, 2]
    assert offered("appeal-place") == accepted(appeal, workers[4]) == []
    mine_at(start + 8 * DAY)  # the arbiter's window for the appeal is over; for place 1 it runs to day 9
    assert offered("arbitrate-place") == accepted(arbitrate, arbiter) == [1]
    places = {p["place_index"]: p for p in client.get(f"/tasks/{micro}").json()["places_detail"]}
    assert (places[2]["decision"], places[2]["decision_stands_at"]) == ("reject", appealed_at + 7 * DAY)
    assert (places[4]["decision"], places[4]["decision_stands_at"]) == ("reject", rejected_at + 3 * DAY)
    for index in (2, 4):  # the contract lets anyone reopen them from then: they were due already
        bounty.finalizePlace(micro, index, {"from": newcomer})
    mine_at(start + 10 * DAY)
    assert offered("arbitrate-place") == accepted(arbitrate, arbiter) == []


def test_what_reviewers_leave_to_the_clock_is_offered_to_anyone_exactly_when_the_contract_takes_it(reviewed):
    """No page offered approveByDefault, finalizePlace or splitByDefault: a worker whose requester went
    silent, or whose place's decision stood, could settle it only from the CLI. The forms are anyone's, and
    offer what the contract would accept, with a co-reviewer and an arbiter and without. The review and
    co-review forms offered every submitted place, past their windows and after an objection."""
    bounty, indexer, client = reviewed
    requester, co_reviewer, arbiter, newcomer = accounts[1], accounts[6], accounts[8], accounts[5]
    workers = [accounts[2], accounts[3], accounts[4]]
    start = now()
    reviewed_micro = bounty.postMicroTask(
        reviewed_params(start + 5 * DAY, co_reviewer, arbiter),
        E // 10,
        5,
        DAY,
        {"from": requester, "value": E // 2},
    ).return_value
    plain_micro = bounty.postMicroTask(
        params(start + 5 * DAY), E // 10, 1, DAY, {"from": requester, "value": E // 10}
    ).return_value
    for index in range(5):
        bounty.take(reviewed_micro, index, [], {"from": workers[index % 3]})
        bounty.submitWork(reviewed_micro, index, keccak(text=f"place {index}"), {"from": workers[index % 3]})
    bounty.take(plain_micro, 0, [], {"from": workers[0]})
    bounty.submitWork(plain_micro, 0, keccak(text="plain"), {"from": workers[0]})
    # 0: left undecided; 1: an approval the co-reviewer leaves; 2: a confirmed rejection nobody appeals;
    # 3: one appealed to a silent arbiter; 4: an approval both reviewers made
    for index, verdict in ((1, True), (2, False), (3, False), (4, True)):
        (bounty.approve if verdict else bounty.reject)(reviewed_micro, index, {"from": requester})
    for index, verdict in ((2, False), (3, False), (4, True)):
        bounty.confirmPlace(reviewed_micro, index, verdict, {"from": co_reviewer})
    bounty.appeal(reviewed_micro, 3, {"from": workers[0]})
    contests = {  # no arbiter; an arbiter; a co-reviewer with the requester's award to confirm
        "plain": params(start + DAY),
        "arbitrated": params(start + DAY, arbiter.address),
        "proposed": reviewed_params(start + DAY, co_reviewer),
    }
    for name, task_params in contests.items():
        contests[name] = bounty.postContest(task_params, E, {"from": requester, "value": E}).return_value
        for worker in workers[:2]:
            bounty.submit(contests[name], work(worker)[2], [], {"from": worker})

    def places_offered_and_accepted() -> dict[str, tuple[list[int], list[int]]]:
        seen = {}
        for task_id, flow, call, sender in (
            (reviewed_micro, "approve-by-default", bounty.approveByDefault.call, newcomer),
            (reviewed_micro, "finalize-place", bounty.finalizePlace.call, newcomer),
            (plain_micro, "approve-by-default", bounty.approveByDefault.call, newcomer),
            (reviewed_micro, "review-place", bounty.approve.call, requester),
            (reviewed_micro, "co-review-place", bounty.objectToPlace.call, co_reviewer),
        ):
            accepted = [i for i in range(5) if accepts(call, task_id, i, {"from": sender})]
            seen[f"{task_id} {flow}"] = (offered_places(reviewed, task_id, flow), accepted)
        return seen

    def splits_offered_and_accepted() -> dict[str, tuple[bool, bool]]:
        indexer.run(follow=False)
        return {
            name: (
                'data-flow="split-by-default"' in client.get(f"/t/{task_id}?lang=en").text,
                accepts(bounty.splitByDefault.call, task_id, {"from": newcomer}),
            )
            for name, task_id in contests.items()
        }

    def offered(expected_places: dict[str, list[int]], expected_splits: set[str]) -> None:
        for flow, (shown, accepted) in places_offered_and_accepted().items():
            assert shown == accepted == expected_places[flow], flow
        for name, (shown, accepted) in splits_offered_and_accepted().items():
            assert shown is accepted is (name in expected_splits), name

    by_default, finalize = f"{reviewed_micro} approve-by-default", f"{reviewed_micro} finalize-place"
    plain, review, co_review = (
        f"{plain_micro} approve-by-default",
        f"{reviewed_micro} review-place",
        f"{reviewed_micro} co-review-place",
    )
    offered({by_default: [], finalize: [], plain: [], review: [0, 1], co_review: [1]}, set())
    mine_at(start + DAY)  # the contests' deadline: entries revealed, an award proposed to the co-reviewer
    for contest in contests.values():
        for worker in workers[:2]:
            deliverable, salt, _ = work(worker)
            bounty.reveal(contest, deliverable, f"ipfs://entry-{worker}", salt, {"from": worker})
    bounty.award(contests["proposed"], [workers[0]], [10_000], {"from": requester})
    mine_at(start + 3 * DAY + HOUR)  # reviews over; the co-review and appeal windows too
    offered({by_default: [], finalize: [1, 2], plain: [0], review: [], co_review: []}, {"plain"})
    mine_at(start + 10 * DAY + HOUR)  # the arbiter's windows are over as well
    offered(
        {by_default: [0], finalize: [1, 2, 3], plain: [0], review: [], co_review: []}, {"plain", "arbitrated"}
    )

    bounty.approveByDefault(reviewed_micro, 0, {"from": newcomer})
    for index in (1, 2, 3):
        bounty.finalizePlace(reviewed_micro, index, {"from": newcomer})
    bounty.approveByDefault(plain_micro, 0, {"from": newcomer})
    for name in ("plain", "arbitrated"):
        bounty.splitByDefault(contests[name], {"from": newcomer})
    offered({by_default: [], finalize: [], plain: [], review: [], co_review: []}, set())
    statuses = [statuses_of({}, bounty, reviewed_micro, index)[1] for index in range(5)]
    assert statuses == ["approved", "approved", "open", "open", "approved"]


def test_the_award_forms_are_offered_exactly_while_the_contract_would_take_them(reviewed):
    """The co-review and finalize forms were on every co-reviewed contest with a revealed entry, before any
    proposal and after the windows, and the award and arbiter's forms after theirs: each sent a transaction
    the contract refused. Each form now shows while its party's call would go through."""
    bounty, indexer, client = reviewed
    requester, co_reviewer, arbiter, newcomer = accounts[1], accounts[6], accounts[8], accounts[5]
    winner = accounts[2]
    deadline = now() + 3 * DAY
    contests = {  # co-reviewer and arbiter; co-reviewer alone; arbiter alone
        "objected": reviewed_params(deadline, co_reviewer, arbiter),
        "confirmable": reviewed_params(deadline, co_reviewer),
        "unreviewed": params(deadline, arbiter.address),
    }
    for name, task_params in contests.items():
        contests[name] = bounty.postContest(task_params, E, {"from": requester, "value": E}).return_value
        bounty.submit(contests[name], work(winner)[2], [], {"from": winner})
    mine_at(deadline)
    for task_id in contests.values():
        deliverable, salt, _ = work(winner)
        bounty.reveal(task_id, deliverable, "ipfs://entry", salt, {"from": winner})
    award = ([winner], [10_000])

    def forms() -> dict[str, list[str]]:
        indexer.run(follow=False)
        return {
            name: re.findall(
                r'<form data-flow="((?:award|co-review-award|arbitrate-award|finalize-award))"',
                client.get(f"/t/{task_id}?lang=en").text,
            )
            for name, task_id in contests.items()
        }

    def calls() -> dict[str, list[str]]:
        accepted = {}
        for name, task_id in contests.items():
            proposal = bounty.awardProposal(task_id)
            proposed = award if proposal["proposedAt"] else ([winner], [5_000])  # none waits: any refused
            accepted[name] = [
                flow
                for flow, call, sender, given in (
                    ("award", bounty.award.call, requester, award),
                    ("co-review-award", bounty.confirmAward.call, co_reviewer, proposed),
                    ("arbitrate-award", bounty.arbitrateAward.call, arbiter, award),
                    ("finalize-award", bounty.finalizeAward.call, newcomer, proposed),
                )
                if accepts(call, task_id, *given, {"from": sender})
            ]
        return accepted

    def offered(expected: dict[str, list[str]]) -> None:
        assert forms() == calls() == expected

    offered({"objected": ["award"], "confirmable": ["award"], "unreviewed": ["award"]})
    for name in ("objected", "confirmable"):
        bounty.award(contests[name], *award, {"from": requester})
    proposed_at = now()
    offered(
        {
            "objected": ["award", "co-review-award"],
            "confirmable": ["award", "co-review-award"],
            "unreviewed": ["award"],
        }
    )
    bounty.objectToAward(contests["objected"], {"from": co_reviewer})
    offered(
        {
            "objected": ["arbitrate-award"],
            "confirmable": ["award", "co-review-award"],
            "unreviewed": ["award"],
        }
    )
    mine_at(proposed_at + CO_REVIEW + HOUR)  # the reviews and the co-review window are over
    offered(
        {
            "objected": ["arbitrate-award"],
            "confirmable": ["finalize-award"],
            "unreviewed": ["arbitrate-award"],
        }
    )
    mine_at(proposed_at + CO_REVIEW + ARBITRATION + HOUR)  # the arbiter's windows too
    offered({"objected": ["finalize-award"], "confirmable": ["finalize-award"], "unreviewed": []})
    for name in ("objected", "confirmable"):
        bounty.finalizeAward(contests[name], *award, {"from": newcomer})
    offered({"objected": [], "confirmable": [], "unreviewed": []})


def test_entering_and_revealing_are_offered_exactly_while_the_contract_takes_them(reviewed):
    """The entry and reveal forms were on every contest page, awarded ones included: entering after the
    deadline (DeadlinePassed), revealing before it (RevealNotOpenYet) or after the review
    (ReviewPeriodOver)."""
    bounty, indexer, client = reviewed
    requester, worker, newcomer = accounts[1], accounts[2], accounts[3]
    deadline = now() + 3 * DAY
    contest = bounty.postContest(params(deadline), E, {"from": requester, "value": E}).return_value
    bounty.submit(contest, work(worker)[2], [], {"from": worker})
    deliverable, salt, _ = work(worker)

    def offered() -> set[str]:
        indexer.run(follow=False)
        return set(
            re.findall(r'<form data-flow="(commit-entry|reveal-entry)"', client.get(f"/t/{contest}").text)
        )

    def accepted() -> set[str]:
        calls = {
            "commit-entry": accepts(bounty.submit.call, contest, work(newcomer)[2], [], {"from": newcomer}),
            "reveal-entry": accepts(
                bounty.reveal.call, contest, deliverable, "ipfs://e", salt, {"from": worker}
            ),
        }
        return {flow for flow, yes in calls.items() if yes}

    assert offered() == accepted() == {"commit-entry"}
    mine_at(deadline)
    assert offered() == accepted() == {"reveal-entry"}
    mine_at(deadline + 2 * DAY)  # the review period is over
    assert offered() == accepted() == set()


def test_an_invite_only_task_asks_invited_workers_for_the_list_their_proof_is_built_from(reviewed):
    """The take and entry forms sent no Merkle proof: on an invite-only task an invited worker was told they
    were not on the invite list (NotInvited). Their forms now take the invite list, from which the browser
    builds the proof (lib/invites.js, checked against the CLI's tree in test_invites_js.py); a public task's
    forms ask for no list."""
    bounty, indexer, client = reviewed
    requester, invited, other = accounts[1], accounts[2], accounts[3]
    leaf, sibling = (keccak(keccak(encode(["address"], [a.address]))) for a in (invited, other))
    invite_only = list(params(now() + 3 * DAY))
    invite_only[5], invite_only[7] = 2, keccak(b"".join(sorted((leaf, sibling))))  # ACCESS_INVITED, the root
    micro = bounty.postMicroTask(invite_only, E // 10, 1, DAY, {"from": requester, "value": E // 10})
    contest = bounty.postContest(invite_only, E, {"from": requester, "value": E})
    public = bounty.postMicroTask(
        params(now() + 3 * DAY), E // 10, 1, DAY, {"from": requester, "value": E // 10}
    )
    indexer.run(follow=False)
    for task_id, flow in ((micro.return_value, "take"), (contest.return_value, "commit-entry")):
        page = client.get(f"/t/{task_id}?lang=en").text
        form = page[page.index(f'data-flow="{flow}"') :].split("</form>")[0]
        assert 'name="invites"' in form and "required" in form
    public_page = client.get(f"/t/{public.return_value}?lang=en").text
    assert 'data-flow="take"' in public_page and 'name="invites"' not in public_page
    assert not accepts(bounty.take.call, micro.return_value, 0, [], {"from": invited})  # no proof: refused
    assert accepts(bounty.take.call, micro.return_value, 0, [sibling], {"from": invited})  # the list's proof


def test_a_contest_split_by_default_shows_which_entries_share_it(engine, reviewed, reputation, owner):
    """EntryRevealed's `verified` was not indexed: with one verified entry of two, the split is the verified
    one's alone (the other's withdraw is refused), yet both looked owed a share."""
    bounty, indexer, client = reviewed
    requester, verified, unverified = accounts[1], accounts[2], accounts[3]
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(verified, 1, now() + 365 * DAY, {"from": owner})
    deadline = now() + 3 * DAY
    contest = bounty.postContest(params(deadline), E, {"from": requester, "value": E}).return_value
    for worker in (verified, unverified):
        bounty.submit(contest, work(worker)[2], [], {"from": worker})
    mine_at(deadline)
    for worker in (verified, unverified):
        deliverable, salt, _ = work(worker)
        bounty.reveal(contest, deliverable, f"ipfs://entry-{worker}", salt, {"from": worker})
    mine_at(deadline + 2 * DAY + HOUR)  # the review period is over, nobody awarded
    bounty.splitByDefault(contest, {"from": unverified})
    indexer.run(follow=False)

    detail = client.get(f"/tasks/{contest}").json()
    assert (detail["status"], detail["verified_count"]) == ("split", 1)
    assert {e["worker"]: e["verified"] for e in detail["entries"]} == {
        verified.address.lower(): True,
        unverified.address.lower(): False,
    }
    page = client.get(f"/t/{contest}?lang=en").text
    assert page.count("an equal share") == 1  # the verified entry's row alone


def test_a_new_proposal_replaces_the_one_waiting_and_is_gone_once_finalized(engine, reviewed):
    bounty, indexer, client = reviewed
    requester, workers, co_reviewer = accounts[1], list(accounts[2:6]), accounts[6]
    contest = awardable(bounty, requester, workers, co_reviewer)
    bounty.award(contest, [workers[0]], [10_000], {"from": requester})
    indexer.run(follow=False)
    bounty.award(contest, [workers[1], workers[2]], [5_000, 5_000], {"from": requester})
    row = indexed_proposal(engine, indexer, contest)
    assert (row.winners, row.shares_bps) == (
        [workers[1].address.lower(), workers[2].address.lower()],
        [5_000, 5_000],
    )

    mine_at(now() + CO_REVIEW + HOUR)
    bounty.finalizeAward(contest, [workers[1], workers[2]], [5_000, 5_000], {"from": workers[3]})
    assert indexed_proposal(engine, indexer, contest) is None
    assert client.get(f"/tasks/{contest}").json()["proposal"] is None


def test_the_migration_has_the_indexer_fill_arbiters_proposals_and_failures_indexed_before_it(
    engine, reviewed, crowdfund, creator, backers
):
    """Revision 0009 adds tasks.arbiter, award_proposals and campaigns.failure_recorded to an index that
    already holds rows; the indexer's next start fills them from the raw events."""
    bounty, indexer, client = reviewed
    requester, workers, co_reviewer, arbiter = accounts[1], list(accounts[2:6]), accounts[6], accounts[8]
    contest = awardable(bounty, requester, workers, co_reviewer, arbiter)
    bounty.award(contest, [workers[0]], [10_000], {"from": requester})
    failed = launch_campaign(crowdfund, creator, goal=10 * E, days=2)
    crowdfund.pledge(failed, 0, E, {"from": backers[0], "value": E})
    mine_at(now() + 3 * DAY)
    crowdfund.recordFailure(failed, {"from": backers[1]})
    indexer.run(follow=False)
    upgrade_from(engine, "0008")
    with engine.connect() as conn:
        assert conn.execute(select(Task.arbiter).where(Task.id == contest)).scalar_one() is None
        assert conn.execute(select(AwardProposal)).first() is None

    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)
    detail = client.get(f"/tasks/{contest}").json()
    assert detail["arbiter"] == arbiter.address.lower()
    assert detail["proposal"]["winners"] == [workers[0].address.lower()]
    assert client.get(f"/campaigns/{failed}").json()["failure_recorded"] is True


def test_the_migration_has_the_indexer_fill_place_decisions_and_verified_entries_indexed_before_it(
    engine, reviewed, reputation, owner
):
    """Revision 0011 adds places' pending decisions and entries' `verified` to an index that already holds
    rows; the indexer's next start fills them from the raw events."""
    bounty, indexer, client = reviewed
    requester, worker, co_reviewer = accounts[1], accounts[2], accounts[6]
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(worker, 1, now() + 365 * DAY, {"from": owner})
    micro = bounty.postMicroTask(
        reviewed_params(now() + 3 * DAY, co_reviewer), E // 10, 1, DAY, {"from": requester, "value": E // 10}
    ).return_value
    bounty.take(micro, 0, [], {"from": worker})
    bounty.submitWork(micro, 0, keccak(text="place 0"), {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    contest = awardable(bounty, requester, [worker, accounts[3], accounts[4]], co_reviewer)
    indexer.run(follow=False)
    upgrade_from(engine, "0010")
    with engine.connect() as conn:
        assert conn.execute(select(Place.decision)).scalar_one() is None

    indexer.run(follow=False)
    assert client.get(f"/tasks/{micro}").json()["places_detail"][0]["decision"] == "approve"
    entries = client.get(f"/tasks/{contest}").json()["entries"]
    assert {e["worker"]: e["verified"] for e in entries}[worker.address.lower()] is True


def test_the_migration_has_the_indexer_fill_when_held_rejections_stand(engine, reviewed):
    """Revision 0012 asks for a rebuild, which gives a rejection held for an appeal, indexed before it without
    a time, the time it stands."""
    bounty, indexer, client = reviewed
    requester, worker, arbiter = accounts[1], accounts[2], accounts[8]
    micro = bounty.postMicroTask(
        params(now() + 3 * DAY, arbiter.address), E // 10, 1, DAY, {"from": requester, "value": E // 10}
    ).return_value
    bounty.take(micro, 0, [], {"from": worker})
    bounty.submitWork(micro, 0, keccak(text="place 0"), {"from": worker})
    rejected = bounty.reject(micro, 0, {"from": requester})
    indexer.run(follow=False)
    with engine.begin() as conn:  # as the indexer before 0012 left it
        conn.execute(Place.__table__.update().values(decision=None, decision_stands_at=None))
    upgrade_from(engine, "0011")

    indexer.run(follow=False)
    [place] = client.get(f"/tasks/{micro}").json()["places_detail"]
    assert (place["status"], place["decision"]) == ("rejected", "reject")
    assert place["decision_stands_at"] == rejected.events["PlaceRejected"]["appealableUntil"]


def test_places_beyond_the_listed_ones_are_offered_while_awaiting_a_decision_or_free(reviewed, monkeypatch):
    """The page listed and offered only a micro-task's first 500 places (three here): work submitted on place
    700 could not be reviewed from it, and once the first 500 were taken no free place was offered. The page
    is served as `crowdledger serve` serves it (wallet_client: a read-only engine, autocommit on PostgreSQL,
    where the first search for free places, a streamed query, failed with HTTP 500)."""
    monkeypatch.setattr(task_pages, "SHOWN_PLACES", 3)
    bounty, indexer, client = reviewed
    requester, worker, other = accounts[1], accounts[2], accounts[3]
    deadline = now() + 5 * DAY
    micro = bounty.postMicroTask(
        params(deadline), E // 100, 9, DAY, {"from": requester, "value": 9 * E // 100}
    )
    task_id = micro.return_value
    bounty.take(task_id, 6, [], {"from": worker})
    bounty.submitWork(task_id, 6, keccak(text="place 6"), {"from": worker})
    bounty.take(task_id, 1, [], {"from": other})
    assert offered_places(reviewed, task_id, "take") == [0, 2]
    assert offered_places(reviewed, task_id, "review-place") == [6]  # beyond the first three, under way
    assert accepts(bounty.approve.call, task_id, 6, {"from": requester})
    page = client.get(f"/t/{task_id}?lang=en").text
    assert "Listed: 4 of 9 places" in page
    monkeypatch.setattr(api_queries, "FIRST_PLACES", 1)  # the API lists the first rows, then those under way
    bounty.take(task_id, 8, [], {"from": other})
    bounty.submitWork(task_id, 8, keccak(text="place 8"), {"from": other})
    bounty.approve(task_id, 8, {"from": requester})  # settled: not under way
    indexer.run(follow=False)
    listed = client.get(f"/tasks/{task_id}").json()["places_detail"]
    assert [p["place_index"] for p in listed] == [1, 6]
    monkeypatch.undo()
    monkeypatch.setattr(task_pages, "SHOWN_PLACES", 3)

    for index in (0, 2):
        bounty.take(task_id, index, [], {"from": other})
    bounty.take(task_id, 3, [], {"from": worker})  # a place beyond the first three, taken
    assert offered_places(reviewed, task_id, "take") == [4, 5, 7]  # the first are all taken: the free ones
    assert all(accepts(bounty.take.call, task_id, i, [], {"from": other}) for i in (4, 5, 7))
    monkeypatch.setattr(task_pages, "FREE_OFFERED", 2)
    assert offered_places(reviewed, task_id, "take") == [4, 5]
    brownie.chain.sleep(DAY + 1)  # the work windows end: the places held without work are free again
    brownie.chain.mine()
    assert offered_places(reviewed, task_id, "take") == [0, 1, 2, 3]
    assert accepts(bounty.take.call, task_id, 3, [], {"from": other})


def test_a_one_wei_micro_task_with_the_most_places_is_listed_in_part_and_its_last_place_reviewed(reviewed):
    """The extremes postMicroTask admits: pay 1 wei, 2**32 - 1 places (escrow 4.29 gwei), work submitted on
    the very last place. The page lists the first 500 and that place, offers it for review, and says how
    much it left out; nothing walks the four billion places."""
    bounty, indexer, client = reviewed
    requester, worker = accounts[1], accounts[2]
    most = 2**32 - 1
    task_id = bounty.postMicroTask(params(now() + 3 * DAY), 1, most, DAY, {"from": requester, "value": most})
    task_id = task_id.return_value
    last = most - 1
    bounty.take(task_id, last, [], {"from": worker})
    bounty.submitWork(task_id, last, keccak(text="the last place"), {"from": worker})
    assert offered_places(reviewed, task_id, "review-place") == [last]
    assert offered_places(reviewed, task_id, "take") == list(range(500))
    page = client.get(f"/t/{task_id}?lang=en")
    assert page.status_code == 200 and f"Listed: 501 of {most} places" in page.text
    assert [p["place_index"] for p in client.get(f"/tasks/{task_id}").json()["places_detail"]] == [last]
