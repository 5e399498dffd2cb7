"""Crowdsourcing indexed from events alone equals the Bounty contract: tasks, entries, earnings, places; and
the tasks API serves them, on both stores."""

from brownie import Bounty, accounts, web3
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import select

from crowdledger.api.app import create_app
from crowdledger.store.models import Entry, Place, Task
from tests.backend.conftest import make_indexer

ETH = "0x" + "00" * 20
DAY = 86400
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
        "taken",
    ]
    for bad in ("/tasks/0", "/tasks?kind=gig", "/tasks?before=-1", "/tasks?requester=0x12"):
        assert client.get(bad).status_code == 422, bad
    assert client.get("/tasks/999").json()["error"]["code"] == "not_found"
