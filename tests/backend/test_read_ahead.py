"""Reading ahead in worker processes, as a dense backfill from a JSON-RPC endpoint does (issue 8, speed): the
index it builds is the one a plain read builds, through a reorg and a provider that refuses wide ranges, on
both stores. Here every range is handed to the workers, however sparse, and small ranges make many of them."""

from brownie import chain, web3

from crowdledger.chain.rpc import Rpc
from crowdledger.indexer import sync
from crowdledger.indexer.ranges import ReadAhead
from tests.backend.conftest import make_indexer, rpc_url, simulate
from tests.backend.rpcproxy import Call, Refusal, RpcProxy
from tests.backend.test_indexer import assert_index_matches_chain, dump, index_from_scratch, launch_plain


def read_ahead_in_workers(monkeypatch) -> list[tuple[int, int]]:
    """From now on every range is read ahead in worker processes; returns the ranges handed to them."""
    monkeypatch.setattr(sync, "PROCESS_READ_AHEAD_EVENTS", 0)
    handed: list[tuple[int, int]] = []
    in_process = ReadAhead._in_process

    def counted(self, first, last):
        handed.append((first, last))
        return in_process(self, first, last)

    monkeypatch.setattr(ReadAhead, "_in_process", counted)
    return handed


def test_workers_build_the_index_a_plain_read_builds(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    simulate(crowdfund, token, creator, backers)
    expected = index_from_scratch(crowdfund, tmp_path)
    handed = read_ahead_in_workers(monkeypatch)
    make_indexer(engine, crowdfund, batch_blocks=3).run(follow=False)
    assert len(handed) > 5
    assert dump(engine) == expected
    assert_index_matches_chain(engine, crowdfund, backers)


def test_a_reorg_while_workers_read_ahead_is_rolled_back(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    handed = read_ahead_in_workers(monkeypatch)
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund, batch_blocks=2)
    indexer.run(follow=False)
    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    dropped = launch_plain(crowdfund, backers[3], "ipfs://dropped")
    crowdfund.pledge(dropped, 0, 10**18, {"from": backers[4], "value": 10**18})
    for _ in range(4):
        chain.mine()
    indexer.run(follow=False)
    assert dump(engine)["campaigns"][-1][0] == dropped
    assert web3.provider.make_request("evm_revert", [fork])["result"] is True
    kept = launch_plain(crowdfund, creator, "ipfs://kept")
    for _ in range(8):
        chain.mine()
    assert kept == dropped  # the same id, now another campaign: only a rollback gets this right
    before = len(handed)
    indexer.run(follow=False)
    assert len(handed) > before  # the blocks after the reorg were read by the workers too
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


def test_a_refusal_in_a_worker_narrows_the_range(
    engine, crowdfund, token, creator, backers, tmp_path, monkeypatch
):
    simulate(crowdfund, token, creator, backers)
    expected = index_from_scratch(crowdfund, tmp_path)
    proxy = RpcProxy(rpc_url())
    try:

        def wide(call: Call) -> Refusal | None:
            if call.method != "eth_getLogs":
                return None
            query = call.params[0]
            if int(query["toBlock"], 16) - int(query["fromBlock"], 16) < 3:
                return None
            return Refusal(error="query exceeds the provider's block range")

        proxy.refuse = wide
        handed = read_ahead_in_workers(monkeypatch)
        rpc = Rpc(proxy.url, attempts=2, backoff=0.01)
        make_indexer(engine, crowdfund, rpc=rpc, batch_blocks=8).run(follow=False)
    finally:
        proxy.close()
    assert handed and proxy.refused  # the workers met the refusal, and the index went on narrower
    assert dump(engine) == expected
