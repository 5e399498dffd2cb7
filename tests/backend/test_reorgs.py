"""Reorgs at the worst moment, and what undoing one costs (issue 8, items 2 and 9), on both stores.

A JSON-RPC proxy in front of anvil reorganises the chain (anvil_reorg) right after the indexer has read the
hash of a block; the index must end equal to one built from scratch on the chain that won. Undoing goes
through the reorg journal, in proportion to the depth; deeper than the journal, the full rebuild; below
every block the index holds, a loud failure."""

import json
import os
import subprocess
import sys

import pytest
from brownie import Bounty, Crowdfund, accounts, chain, web3
from fastapi.testclient import TestClient
from sqlalchemy import select

from crowdledger.api.app import create_app
from crowdledger.chain.rpc import Rpc
from crowdledger.errors import ReorgTooDeep
from crowdledger.indexer import sync
from crowdledger.store.models import AwardProposal, Campaign, JournalEntry, SyncState, Task
from tests.backend.conftest import deployment_of, make_indexer, rpc_url, simulate
from tests.backend.rpcproxy import Call, RpcProxy
from tests.backend.test_bounty_index import awardable
from tests.backend.test_indexer import assert_index_matches_chain, dump, index_from_scratch, launch_plain
from tests.conftest import DAY, ETH


@pytest.fixture
def proxy():
    proxy = RpcProxy(rpc_url())
    yield proxy
    proxy.close()


def deploy_behind_brownies_back(owner, treasury):
    """Crowdfund deployed by web3 directly: after a raw evm_revert brownie's nonce bookkeeping would wait
    for a nonce the chain no longer has."""
    factory = web3.eth.contract(abi=Crowdfund.abi, bytecode=Crowdfund.bytecode)
    receipt = web3.eth.wait_for_transaction_receipt(
        factory.constructor(owner.address, treasury.address, 250).transact({"from": owner.address})
    )
    return web3.eth.contract(address=receipt.contractAddress, abi=Crowdfund.abi), receipt.blockNumber


def launch_behind_brownies_back(crowdfund, creator, uri: str) -> None:
    deadline = chain.time() + 5 * DAY
    params = (ETH, 10**18, 0, deadline, 2000, [], [], uri, b"\x01" * 32, deadline, 0, 0)
    web3.eth.wait_for_transaction_receipt(
        crowdfund.functions.launch(params).transact({"from": creator.address})
    )


def reorg(depth: int) -> None:
    """Replace the newest `depth` blocks with as many empty ones (the same height, other hashes)."""
    assert web3.provider.make_request("anvil_reorg", [depth, []]).get("error") is None
    # Transactions of the dropped blocks may wait in the pool with nonces later tests reuse: forget them.
    web3.provider.make_request("anvil_dropAllTransactions", [])


def test_a_reorg_right_after_the_hash_check_is_rolled_back(
    engine, crowdfund, token, creator, backers, proxy, tmp_path
):
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund, rpc=Rpc(proxy.url, attempts=2, backoff=0.01))
    indexer.run(follow=False)
    # A campaign with a pledge, indexed; then two more blocks, so that the indexer has a range to read.
    dropped = launch_plain(crowdfund, backers[3], "ipfs://dropped")
    crowdfund.pledge(dropped, 0, 10**18, {"from": backers[4], "value": 10**18})
    indexer.run(follow=False)
    assert dump(engine)["campaigns"][-1][0] == dropped
    chain.mine(2)

    # The first block hash the indexer reads from now on, the chain reorganises 4 blocks deep: the campaign
    # and its pledge are gone, at the same height.
    def reorg_once(call: Call, answer: object) -> None:
        if call.method == "eth_getBlockByNumber" and not reorged:
            reorged.append(call)
            reorg(4)

    reorged: list[Call] = []
    proxy.after = reorg_once
    indexer.run(follow=False)
    assert reorged
    chain.mine(1)
    indexer.run(follow=False)
    assert crowdfund.campaignCount() == dropped - 1
    assert_index_matches_chain(engine, crowdfund, backers)
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_a_reorg_within_the_finality_depth_is_undone_from_the_journal(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund, finality_depth=8)
    indexer.run(follow=False)
    dropped = launch_plain(crowdfund, backers[3], "ipfs://dropped")
    crowdfund.pledge(dropped, 0, 10**17, {"from": backers[4], "value": 10**17})  # and ETH's totals change
    indexer.run(follow=False)

    def no_rebuild(conn) -> None:
        raise AssertionError("a reorg within the journal rebuilt the derived tables")

    monkeypatch.setattr(sync, "rebuild", no_rebuild)
    reorg(3)
    chain.mine(1)
    indexer.run(follow=False)
    assert_index_matches_chain(engine, crowdfund, backers)
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_a_reorg_deeper_than_the_journal_rebuilds(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund, finality_depth=2)
    indexer.run(follow=False)
    launch_plain(crowdfund, backers[3], "ipfs://dropped")
    chain.mine(3)
    indexer.run(follow=False)
    rebuilds = []
    real_rebuild = sync.rebuild
    monkeypatch.setattr(sync, "rebuild", lambda conn: rebuilds.append(1) or real_rebuild(conn))
    reorg(5)
    chain.mine(1)
    indexer.run(follow=False)
    assert rebuilds == [1]
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_backfill_far_from_the_head_journals_nothing(engine, crowdfund, token, creator, backers):
    """Only ranges ending within the finality depth of the head are journaled (ranges here: 4 blocks)."""
    simulate(crowdfund, token, creator, backers)
    make_indexer(engine, crowdfund, finality_depth=3, batch_blocks=4).run(follow=False)
    final = web3.eth.block_number - 3
    with engine.connect() as conn:
        tags = set(conn.execute(select(JournalEntry.block_number)).scalars())
        floor = conn.execute(select(SyncState.journal_floor)).scalar_one()
    assert tags and min(tags) > final  # journaled: the ranges that reach past the final block
    assert final - 4 < floor <= final  # everything up to the floor was written with the journal off


def test_a_reorg_below_the_deployment_is_a_loud_failure(engine, owner, treasury, creator, tmp_path):
    """The block the deployment starts after is replaced: nothing the index holds is on the chain any more.
    `crowdledger index` exits non-zero with one line, and /status shows the failure."""
    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    chain.mine(1)  # the anchor: the block before the deployment's first
    first = Crowdfund.deploy(owner, treasury, 250, {"from": owner})
    launch_plain(first, creator, "ipfs://first")
    record = deployment_of(first)
    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(
        json.dumps(
            {
                "network": "development",
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {"Crowdfund": {"address": first.address, "abi": first.abi}},
            }
        )
    )
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CROWDLEDGER_RPC_URL": rpc_url(),
        "CROWDLEDGER_DEPLOYMENT": str(deployment_file),
    }
    command = [sys.executable, "-m", "crowdledger.cli", "index"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    assert web3.provider.make_request("evm_revert", [fork])["result"] is True
    chain.sleep(7)
    chain.mine(1)  # another anchor block
    second, deployed_at = deploy_behind_brownies_back(owner, treasury)
    assert second.address == first.address and deployed_at == record.start_block
    launch_behind_brownies_back(second, creator, "ipfs://second")
    chain.mine(2)
    failed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    message = failed.stderr.splitlines()[-1]  # after the log lines, the one-line message
    assert message.startswith("crowdledger: The chain reorganised below block"), failed.stderr
    assert "Traceback" not in failed.stderr
    status = TestClient(create_app(engine)).get("/status").json()
    assert status["indexer"] == "failed" and "reorganised below block" in status["last_error"]
    assert status["ready"] is False
    with engine.connect() as conn:  # and nothing of the other chain was written
        assert conn.execute(select(Campaign.metadata_uri)).scalars().all() == ["ipfs://first"]


def test_a_reorg_below_every_held_block_raises_in_process(engine, owner, treasury, creator):
    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    chain.mine(1)
    first = Crowdfund.deploy(owner, treasury, 250, {"from": owner})
    indexer = make_indexer(engine, first)
    indexer.run(follow=False)
    web3.provider.make_request("evm_revert", [fork])
    chain.sleep(7)
    chain.mine(1)
    deploy_behind_brownies_back(owner, treasury)
    chain.mine(1)
    with pytest.raises(ReorgTooDeep):
        indexer.run(follow=False)


@pytest.fixture
def contest(crowdfund, owner, treasury):
    """(bounty, a co-reviewed contest with an arbiter whose entries are revealed, the requester). Bounty
    without a reputation ledger: this module's Crowdfund stays unwired for the tests that share it."""
    bounty = Bounty.deploy(owner, treasury, 250, ETH, {"from": owner})
    requester, workers = accounts[1], list(accounts[2:6])
    return bounty, awardable(bounty, requester, workers, accounts[6], accounts[8]), requester


def proposals(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AwardProposal.task_id, AwardProposal.objected))]


def test_a_reorg_that_drops_the_proposals_block_drops_the_proposal(engine, crowdfund, contest, monkeypatch):
    bounty, task_id, requester = contest
    indexer = make_indexer(engine, crowdfund, others=[bounty], finality_depth=8)
    indexer.run(follow=False)
    bounty.award(task_id, [accounts[2]], [10_000], {"from": requester})
    chain.mine(1)
    indexer.run(follow=False)
    assert proposals(engine) == [(task_id, False)]

    monkeypatch.setattr(sync, "rebuild", lambda conn: pytest.fail("undone by a rebuild, not the journal"))
    reorg(2)
    chain.mine(1)
    indexer.run(follow=False)
    assert proposals(engine) == []
    assert bounty.awardProposal(task_id)["proposedAt"] == 0  # the chain agrees


def test_a_reorg_that_drops_the_arbiters_award_brings_the_objected_proposal_back(
    engine, crowdfund, contest, monkeypatch
):
    bounty, task_id, requester = contest
    indexer = make_indexer(engine, crowdfund, others=[bounty], finality_depth=8)
    bounty.award(task_id, [accounts[2]], [10_000], {"from": requester})
    bounty.objectToAward(task_id, {"from": accounts[6]})
    indexer.run(follow=False)
    bounty.arbitrateAward(task_id, [accounts[3]], [10_000], {"from": accounts[8]})
    chain.mine(1)
    indexer.run(follow=False)
    assert proposals(engine) == []

    monkeypatch.setattr(sync, "rebuild", lambda conn: pytest.fail("undone by a rebuild, not the journal"))
    reorg(2)
    chain.mine(1)
    indexer.run(follow=False)
    assert proposals(engine) == [(task_id, True)]
    with engine.connect() as conn:
        assert conn.execute(select(Task.status).where(Task.id == task_id)).scalar_one() == "open"
