"""Log queries over wide block ranges that the provider refuses, whatever the refusal looks like, shrink;
after successes they grow again (issue 8, item 5)."""

import pytest
from sqlalchemy import select

from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import RpcRefused
from crowdledger.indexer.sync import Indexer
from crowdledger.store.models import SyncState
from tests.backend.conftest import make_indexer, rpc_url, simulate
from tests.backend.rpcproxy import Call, Refusal, RpcProxy
from tests.backend.test_indexer import dump, index_from_scratch
from tests.backend.test_values import CONTRACTS, SimulatedChain

LIMIT = 5  # blocks the proxy accepts in one log query
TIMEOUT = 0.5

REFUSALS = {
    "an error in words never seen before": Refusal(error="the hamster powering this node is tired"),
    "HTTP 503": Refusal(status=503, body=b"<html>Service Unavailable</html>"),
    "a time-out": Refusal(delay=TIMEOUT * 3, error="too late anyway"),
}


def span_of(call: Call) -> int:
    query = call.params[0]
    return int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1


@pytest.mark.parametrize("refusal", REFUSALS, ids=list(REFUSALS))
def test_a_refused_wide_log_query_shrinks_whatever_the_refusal(
    engine, crowdfund, token, creator, backers, tmp_path, refusal
):
    simulate(crowdfund, token, creator, backers)
    proxy = RpcProxy(rpc_url())
    proxy.refuse = lambda call: (
        REFUSALS[refusal] if call.method == "eth_getLogs" and span_of(call) > LIMIT else None
    )
    try:
        rpc = Rpc(proxy.url, timeout=TIMEOUT, attempts=3, backoff=0.01)
        make_indexer(engine, crowdfund, rpc=rpc, batch_blocks=1000).run(follow=False, poll_seconds=0.05)
    finally:
        proxy.close()
    assert proxy.refused, "the proxy never refused: the test proves nothing"
    assert all(span_of(call) > LIMIT for call in proxy.refused)
    assert dump(engine) == index_from_scratch(crowdfund, tmp_path)


class RefusingChain(SimulatedChain):
    """A chain of empty blocks whose node refuses log queries over more than `limit` blocks while
    `refusing`."""

    def __init__(self, blocks: int, limit: int) -> None:
        super().__init__(1337)
        self.blocks += [[] for _ in range(blocks)]
        self.limit = limit
        self.refusing = True
        self.spans: list[tuple[int, bool]] = []

    def logs(self, first: int, last: int, addresses: list[str], attempts: int | None = None) -> list[dict]:
        refused = self.refusing and last - first + 1 > self.limit
        self.spans.append((last - first + 1, refused))
        if refused:
            raise RpcRefused("block range too wide")
        return super().logs(first, last, addresses, attempts)


def test_ranges_grow_back_once_the_refusals_stop(engine):
    node = RefusingChain(blocks=30_000, limit=40)
    indexer = Indexer(engine, node, Deployment("t", 1337, 1, CONTRACTS), batch_blocks=2000)  # type: ignore[arg-type]
    indexer.check_chain()
    while not any(refused for _, refused in node.spans) or len(node.spans) < 40:
        indexer.step()
    assert max(span for span, refused in node.spans if not refused) <= 40  # it shrank and kept under
    node.refusing = False
    seen = len(node.spans)
    indexer.run(follow=False)
    assert max(span for span, _ in node.spans[seen:]) == 2000  # and grew back to the largest range
    with engine.connect() as conn:
        assert conn.execute(select(SyncState.next_block)).scalar_one() == node.head() + 1
