"""Worlds for the audit's tests: the three contracts deployed and wired on brownie's anvil, a history in them,
and one call that audits them from the chain alone (no brownie on the audit's side)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from brownie import Bounty, accounts, chain
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from crowdledger.audit.report import Audit
from crowdledger.audit.run import Options, audit
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from tests.backend.conftest import deployment_of, launch_campaign, rpc_url
from tests.conftest import DAY, ETH
from tests.contracts.bounty.conftest import task_params as bounty_task_params

E = 10**18
REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def bounty(crowdfund, reputation, owner, treasury):
    """Bounty wired to the same ledger as `crowdfund`, deployed after it (the record starts at crowdfund)."""
    deployed = Bounty.deploy(owner, treasury, 250, reputation, {"from": owner})
    reputation.setModule(deployed, True, {"from": owner})
    return deployed


@pytest.fixture(scope="module")
def deployment(crowdfund, reputation, bounty) -> Deployment:
    return deployment_of(crowdfund, bounty)


def run_audit(deployment: Deployment, **options) -> Audit:
    """Audit the chain as an auditor would: an RPC URL, the deployment record, this checkout's sources."""
    options.setdefault("bytecode", False)
    return audit(Rpc(rpc_url(), attempts=2, backoff=0.01), deployment, Options(source=REPOSITORY, **options))


def check(result: Audit, name: str) -> dict:
    return next(c for c in result.report["checks"] if c["name"] == name)


def fresh_account(funder, value: int = 20 * E):
    """A new account with no history, funded by a plain ETH transfer from `funder`."""
    account = accounts.add()
    funder.transfer(account, value)
    return account


def task_params(deadline: int, co_reviewer: str = ETH, arbiter: str = ETH) -> tuple:
    """An ETH task with a two-day review period (the TaskParams tuple of tests/contracts/bounty)."""
    return bounty_task_params(review=2 * DAY, co_reviewer=co_reviewer, arbiter=arbiter, deadline=deadline)


def entry(worker) -> tuple[bytes, bytes, bytes]:
    """(deliverable hash, salt, commitment) for a worker's contest entry."""
    deliverable, salt = keccak(text=f"work {worker}"), keccak(text=f"salt {worker}")
    commitment = keccak(encode(["bytes32", "address", "bytes32"], [deliverable, str(worker), salt]))
    return deliverable, salt, commitment


def contest(bounty, requester, workers, reward: int = E, winner_index: int = 0) -> int:
    """A contest entered and revealed by `workers` and awarded to one of them; returns its id."""
    deadline = chain.time() + 2 * DAY
    task_id = bounty.postContest(
        task_params(deadline), reward, {"from": requester, "value": reward}
    ).return_value
    for worker in workers:
        bounty.submit(task_id, entry(worker)[2], [], {"from": worker})
    chain.sleep(2 * DAY + 60)
    chain.mine()
    for worker in workers:
        deliverable, salt, _ = entry(worker)
        bounty.reveal(task_id, deliverable, f"ipfs://{worker.address[:8]}", salt, {"from": worker})
    bounty.award(task_id, [workers[winner_index]], [10_000], {"from": requester})
    return task_id


@dataclass
class World:
    campaigns: dict[str, int]
    tasks: dict[str, int]


@pytest.fixture
def honest_world(crowdfund, reputation, bounty, token, owner, creator, backers) -> World:
    """Campaigns in every state (tests.backend.conftest.simulate, with deliveries confirmed and denied), a
    creator rated by a backer who confirmed delivery, an awarded contest, a micro-task partly approved, partly
    pending, with earnings left to withdraw, and an attestation given and revoked, and a campaign still
    funding."""
    from tests.backend.conftest import simulate

    campaigns = simulate(crowdfund, token, creator, backers)
    reputation.rate(crowdfund, campaigns["funded"], creator, 5, {"from": backers[2]})
    requester, workers = backers[5], backers[:3]
    tasks = {"contest": contest(bounty, requester, workers, reward=2 * E, winner_index=1)}
    deadline = chain.time() + 3 * DAY
    micro = bounty.postMicroTask(
        task_params(deadline), E // 10, 4, DAY, {"from": requester, "value": 4 * E // 10}
    )
    tasks["micro"] = micro.return_value
    for place, worker in enumerate(workers):
        bounty.take(tasks["micro"], place, [], {"from": worker})
        bounty.submitWork(tasks["micro"], place, keccak(text=f"page {place}"), {"from": worker})
    bounty.approve(tasks["micro"], 0, {"from": requester})
    bounty.reject(tasks["micro"], 1, {"from": requester})
    reputation.rate(bounty, tasks["contest"], workers[1], 4, {"from": requester})
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(backers[0], 2, chain.time() + 30 * DAY, {"from": owner})
    reputation.attest(backers[1], 1, chain.time() + 30 * DAY, {"from": owner})
    reputation.revoke(backers[1], {"from": owner})
    campaigns["funding"] = launch_campaign(crowdfund, creator, goal=5 * E, days=20, title="Still funding")
    crowdfund.pledge(campaigns["funding"], 0, E, {"from": backers[2], "value": E})
    return World(campaigns, tasks)
