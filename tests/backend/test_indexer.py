"""The indexer against a real anvil, on both stores: it ends with exactly the chain's state whatever happens
on the way (reorgs, crashes, a failing RPC endpoint, a provider that limits log queries)."""

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from brownie import chain, web3
from sqlalchemy import Engine, select

from crowdledger.chain.rpc import Rpc
from crowdledger.errors import DeploymentError, RpcRefused, RpcUnavailable
from crowdledger.indexer import sync
from crowdledger.indexer.metadata import resolve_pending
from crowdledger.store.db import make_engine, migrate
from crowdledger.store.models import Base, Campaign, Pledge, RawEvent, SyncState, Tier
from tests.backend.conftest import deployment_of, launch_campaign, make_indexer, rpc_url, simulate
from tests.conftest import DAY, ETH

# Bookkeeping that depends on when the index was written, not on the chain: the reorg journal and its switch.
BOOKKEEPING = {"reorg_journal", "journal_block"}


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table but the cursor's wall-clock fields and the bookkeeping, in a stable order,
    once the campaign metadata is resolved (as the indexer's command does after each range). Left out too:
    metadata_documents, what the fetcher learned off chain (it keeps documents of campaigns a reorg removed,
    on purpose)."""
    resolve_pending(engine)
    tables = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING or table.name == "metadata_documents":
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            if table.name == "sync_state":
                rows = [(r.chain_id, r.next_block, r.indexed_timestamp) for r in rows]
            tables[table.name] = [tuple(r) for r in rows]
    return tables


def assert_index_matches_chain(engine: Engine, crowdfund, accounts) -> None:
    with engine.connect() as conn:
        campaigns = {c.id: c for c in conn.execute(select(Campaign)).all()}
        tiers = {(t.campaign_id, t.tier_id): t for t in conn.execute(select(Tier)).all()}
        pledges = {(p.campaign_id, p.backer): p.amount for p in conn.execute(select(Pledge)).all()}
        next_block = conn.execute(select(SyncState.next_block)).scalar_one()
    assert next_block == web3.eth.block_number + 1
    assert sorted(campaigns) == list(range(1, crowdfund.campaignCount() + 1))
    for campaign_id, row in campaigns.items():
        on_chain = crowdfund.campaign(campaign_id)
        assert (row.raised, row.released, row.goal) == (
            on_chain["raised"],
            on_chain["released"],
            on_chain["goal"],
        )
        assert row.creator == on_chain["creator"].lower() and row.token == on_chain["token"].lower()
        assert row.milestones_approved == on_chain["milestonesApproved"]
        assert row.cancelled == (on_chain["storedState"] == 4)
        assert row.rejected == (on_chain["storedState"] == 5)
        assert row.refund_pool == crowdfund.refundPools(campaign_id)[0]
        for tier_id in range(1, on_chain["tierCount"] + 1):
            price, supply, taken = crowdfund.tiers(campaign_id, tier_id)
            t = tiers[(campaign_id, tier_id)]
            assert (t.price, t.supply, t.taken) == (price, supply, taken)
        for account in accounts:
            indexed = pledges.get((campaign_id, account.address.lower()), 0)
            assert indexed == crowdfund.pledges(campaign_id, account)[0]
        open_backers = sum(1 for (cid, _), amount in pledges.items() if cid == campaign_id and amount)
        if not row.cancelled and not row.rejected and row.deadline > chain.time():
            assert row.backer_count == open_backers


def test_index_equals_chain_state(engine, crowdfund, token, creator, backers):
    simulate(crowdfund, token, creator, backers)
    make_indexer(engine, crowdfund).run(follow=False)
    assert_index_matches_chain(engine, crowdfund, backers)
    logs = web3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": crowdfund.address})
    assert len(dump(engine)["events"]) == len(logs)


def test_verified_metadata_is_stored_on_both_stores(engine, crowdfund, creator):
    """The fetcher's verdict reaches the campaign row: on SQLite its updates were once rolled back when their
    connection closed, and every campaign stayed pending (the index-from-scratch comparisons, SQLite on both
    sides, could not see it)."""
    campaign_id = launch_campaign(crowdfund, creator, title="Seen")
    make_indexer(engine, crowdfund).run(follow=False)
    resolve_pending(engine)
    with engine.connect() as conn:
        row = conn.execute(select(Campaign).where(Campaign.id == campaign_id)).one()
    assert (row.metadata_status, row.title, row.description) == ("verified", "Seen", "about Seen")


def test_indexing_again_changes_nothing(engine, crowdfund, token, creator, backers):
    simulate(crowdfund, token, creator, backers)
    make_indexer(engine, crowdfund, batch_blocks=7).run(follow=False)
    before = dump(engine)
    make_indexer(engine, crowdfund).run(follow=False)
    assert dump(engine) == before


def index_from_scratch(crowdfund, tmp_path) -> dict[str, list[tuple]]:
    """What an index built in one go on the current chain holds (SQLite: dumps compare across stores)."""
    fresh = make_engine(f"sqlite:///{tmp_path}/fresh.db")
    migrate(fresh)
    make_indexer(fresh, crowdfund).run(follow=False)
    return dump(fresh)


def launch_plain(crowdfund, sender, uri: str) -> int:
    deadline = chain.time() + 5 * DAY
    params = (ETH, 10**18, 0, deadline, 2000, [], [], uri, b"\x01" * 32, deadline, 0, 0)
    return crowdfund.launch(params, {"from": sender}).return_value


def test_a_reorg_mid_indexing_is_rolled_back(engine, crowdfund, token, creator, backers, tmp_path):
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund)
    indexer.run(follow=False)
    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    # A branch that will be dropped: a campaign with a pledge, indexed.
    dropped = launch_plain(crowdfund, backers[3], "ipfs://dropped")
    crowdfund.pledge(dropped, 0, 10**18, {"from": backers[4], "value": 10**18})
    indexer.run(follow=False)
    assert dump(engine)["campaigns"][-1][0] == dropped
    # The chain reorganises: the branch vanishes and a longer one with other blocks takes its place.
    assert web3.provider.make_request("evm_revert", [fork])["result"] is True
    kept = launch_plain(crowdfund, creator, "ipfs://kept")
    for _ in range(3):
        chain.mine()
    assert kept == dropped  # the same id, now another campaign: only a rollback gets this right
    indexer.run(follow=False)
    assert_index_matches_chain(engine, crowdfund, backers)
    with engine.connect() as conn:
        assert (
            conn.execute(select(Campaign.metadata_uri).where(Campaign.id == kept)).scalar_one()
            == "ipfs://kept"
        )
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_a_crash_inside_a_batch_leaves_no_trace(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    simulate(crowdfund, token, creator, backers)
    calls = {"n": 0}

    def crash_on_third_batch(conn, events, timestamps):
        real_apply(conn, events, timestamps)  # its writes are in the transaction when the crash comes
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed mid-batch")

    real_apply = sync.PROJECTIONS[0]
    monkeypatch.setattr(sync, "PROJECTIONS", [crash_on_third_batch])
    indexer = make_indexer(engine, crowdfund, batch_blocks=4)
    with pytest.raises(KeyboardInterrupt):
        indexer.run(follow=False)
    with engine.connect() as conn:
        next_block = conn.execute(select(SyncState.next_block)).scalar_one()
        assert conn.execute(select(RawEvent).where(RawEvent.block_number >= next_block)).first() is None
    monkeypatch.setattr(sync, "PROJECTIONS", [real_apply])
    make_indexer(engine, crowdfund, batch_blocks=4).run(follow=False)
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_indexing_keeps_the_cycle_collector_out_of_a_backfill_and_gives_its_pace_back(
    engine, crowdfund, token, creator, backers, monkeypatch
):
    """A backfill tunes Python's cycle collector for itself (sync._freeze_what_lives_on and
    _rare_young_collections): while a range is read and written, what existed before indexing is frozen and
    young collections are rarer; after each step, and after a failure, the process has the collector's pace
    back (the API may run beside it)."""
    simulate(crowdfund, token, creator, backers)
    gc.unfreeze()  # as in a process that froze nothing before it indexed
    threshold = gc.get_threshold()
    during = []
    real_apply = sync.PROJECTIONS[0]

    def watching(conn, events, timestamps):
        during.append((gc.get_threshold()[0], gc.get_freeze_count()))
        real_apply(conn, events, timestamps)
        if len(during) == 3:
            raise KeyboardInterrupt("killed mid-batch")

    monkeypatch.setattr(sync, "PROJECTIONS", [watching])
    with pytest.raises(KeyboardInterrupt):
        make_indexer(engine, crowdfund, batch_blocks=4).run(follow=False)
    assert gc.get_threshold() == threshold
    progress = []
    make_indexer(engine, crowdfund, batch_blocks=4).run(
        follow=False, on_progress=lambda p: progress.append(gc.get_threshold())
    )
    assert len(during) > 3
    assert all(young == sync._YOUNG_COLLECTION_EVERY and frozen > 0 for young, frozen in during)
    assert progress and all(between == threshold for between in progress)
    assert gc.get_threshold() == threshold


def test_killed_process_restarts_to_the_same_rows(engine, crowdfund, token, creator, backers, tmp_path):
    """SIGKILL a real `crowdledger index` process right after a commit, restart it, compare."""
    simulate(crowdfund, token, creator, backers)
    record = deployment_of(crowdfund)
    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(
        json.dumps(
            {
                "network": record.network,
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {"Crowdfund": {"address": crowdfund.address, "abi": crowdfund.abi}},
            }
        )
    )
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CROWDLEDGER_RPC_URL": rpc_url(),
        "CROWDLEDGER_DEPLOYMENT": str(deployment_file),
        "CROWDLEDGER_BATCH_BLOCKS": "1",
    }
    command = [sys.executable, "-m", "crowdledger.cli", "index"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    start = deployment_of(crowdfund).start_block
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            next_block = conn.execute(select(SyncState.next_block)).scalar()
        if next_block is not None and next_block > start + 3:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with engine.connect() as conn:
        assert conn.execute(select(SyncState.next_block)).scalar_one() <= web3.eth.block_number, (
            "killed too late"
        )
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


class FlakyProxy:
    """An HTTP JSON-RPC proxy in front of anvil that answers 503 while `down` is set."""

    def __init__(self, upstream: str) -> None:
        proxy = self
        self.down = True
        self.refused = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if proxy.down:
                    proxy.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                answer = httpx.post(upstream, content=body, headers={"content-type": "application/json"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_the_rpc_endpoint_failing_and_recovering(engine, crowdfund, token, creator, backers):
    simulate(crowdfund, token, creator, backers)
    proxy = FlakyProxy(rpc_url())
    try:
        rpc = Rpc(proxy.url, attempts=2, backoff=0.01)
        with pytest.raises(RpcUnavailable):
            rpc.head()
        indexer = make_indexer(engine, crowdfund, rpc=rpc)
        proxy.down = False
        indexer.check_chain()
        proxy.down = True
        threading.Timer(1.5, lambda: setattr(proxy, "down", False)).start()
        indexer.run(follow=False, poll_seconds=0.1)  # retries with backoff until the endpoint is back
        assert proxy.refused > 2
        assert_index_matches_chain(engine, crowdfund, backers)
    finally:
        proxy.close()


class LimitedRpc(Rpc):
    """A provider that refuses log queries over more than `limit` blocks, as hosted providers do."""

    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url)
        self.limit = limit
        self.refusals = 0

    def logs(self, first: int, last: int, addresses: list[str], attempts: int | None = None) -> list[dict]:
        if last - first + 1 > self.limit:
            self.refusals += 1
            raise RpcRefused("query returned more than 10000 results")
        return super().logs(first, last, addresses, attempts)


def test_log_ranges_shrink_to_what_the_provider_allows(engine, crowdfund, token, creator, backers, tmp_path):
    simulate(crowdfund, token, creator, backers)
    rpc = LimitedRpc(rpc_url(), limit=5)
    make_indexer(engine, crowdfund, rpc=rpc, batch_blocks=1000).run(follow=False)
    assert rpc.refusals > 0
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_a_deployment_for_another_chain_is_refused(engine, crowdfund):
    indexer = make_indexer(engine, crowdfund)
    indexer.deployment = replace(indexer.deployment, chain_id=1)
    with pytest.raises(DeploymentError, match="serves chain"):
        indexer.check_chain()
