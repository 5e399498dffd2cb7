"""Watch mode: held >= owed re-checked as blocks arrive; it stops with status 5 at the first shortfall, or
with a webhook posts the shortfall (and later the recovery) and keeps watching."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from brownie import chain, web3

from crowdledger.audit.follow import SHORTFALL_EXIT, follow
from crowdledger.audit.money import owed_per_asset
from crowdledger.audit.run import Auditor, audited_block
from crowdledger.chain.rpc import Rpc
from crowdledger.errors import RetryableError
from tests.backend.audit.conftest import E
from tests.backend.conftest import launch_campaign, rpc_url
from tests.backend.rpcproxy import Call, Refusal, RpcProxy


def set_balance(address: str, wei: int) -> None:
    web3.provider.make_request("anvil_setBalance", [address, hex(wei)])
    chain.mine()


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class Watch:
    """follow() in a thread, with what it saw."""

    def __init__(self, deployment, webhook: str | None = None) -> None:
        self.blocks: list[tuple[int, list]] = []
        self.status: int | None = None
        self.stop = threading.Event()

        def run() -> None:
            self.status = follow(
                Rpc(rpc_url(), attempts=2, backoff=0.01),
                deployment,
                poll_seconds=0.05,
                webhook=webhook,
                on_block=lambda block, short: self.blocks.append((block, short)),
                should_stop=self.stop.is_set,
            )

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self) -> int | None:
        self.stop.set()
        self.thread.join(30)
        return self.status


def test_follow_stops_with_status_5_at_the_first_block_where_a_contract_holds_less_than_it_owes(
    deployment, crowdfund, creator, backers
):
    campaign = launch_campaign(crowdfund, creator, goal=5 * E)
    crowdfund.pledge(campaign, 0, 2 * E, {"from": backers[0], "value": 2 * E})
    watch = Watch(deployment)
    wait_for(lambda: watch.blocks)
    assert watch.blocks[-1][1] == [], "nothing is short before the balance is touched"
    set_balance(crowdfund.address, 2 * E - 1)
    watch.thread.join(30)
    assert watch.status == SHORTFALL_EXIT
    block, [short] = watch.blocks[-1]
    assert (block, short.contract, short.owed, short.held) == (
        web3.eth.block_number,
        "Crowdfund",
        2 * E,
        2 * E - 1,
    )


def test_follow_with_a_webhook_posts_the_shortfall_then_the_recovery_and_keeps_watching(
    deployment, crowdfund, creator, backers
):
    posts: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        campaign = launch_campaign(crowdfund, creator, goal=5 * E)
        crowdfund.pledge(campaign, 0, 2 * E, {"from": backers[0], "value": 2 * E})
        watch = Watch(deployment, webhook=f"http://127.0.0.1:{server.server_port}/alerts")
        wait_for(lambda: watch.blocks)
        set_balance(crowdfund.address, E)
        wait_for(lambda: len(posts) == 1)
        set_balance(crowdfund.address, 2 * E)
        wait_for(lambda: len(posts) == 2)
        assert watch.finish() == 0
    finally:
        server.shutdown()
    shortfall, recovered = posts
    assert shortfall["event"] == "shortfall"
    assert shortfall["shortfalls"] == [
        {
            "contract": "Crowdfund",
            "asset": "0x" + "00" * 20,
            "owed": str(2 * E),
            "held": str(E),
            "short": str(E),
        }
    ]
    assert (recovered["event"], recovered["shortfalls"]) == ("recovered", [])


def test_a_read_that_fails_midway_is_resumed_without_applying_any_event_twice(
    deployment, crowdfund, creator, backers
):
    """follow() retries a failed advance; the ranges read before the failure must not be applied again (a
    pledge counted twice doubles what the contract owes, and a reclaim counted twice hides a shortfall)."""
    campaign = launch_campaign(crowdfund, creator, goal=5 * E)
    crowdfund.pledge(campaign, 0, 2 * E, {"from": backers[0], "value": 2 * E})
    for _ in range(5):
        chain.mine()
    crowdfund.pledge(campaign, 0, E, {"from": backers[1], "value": E})
    head = web3.eth.block_number
    block = audited_block(Rpc(rpc_url()), head)
    proxy = RpcProxy(rpc_url())
    try:
        down = [True]  # the provider refuses every log query past the first range until it comes back

        def past_the_first_range(call: Call) -> Refusal | None:
            first = int(call.params[0]["fromBlock"], 16) if call.method == "eth_getLogs" else 0
            return Refusal(status=503) if down[0] and first > deployment.start_block + 1 else None

        proxy.refuse = past_the_first_range
        resumed = Auditor(Rpc(proxy.url, attempts=1), deployment, False, funding_window=0, max_span=2)
        with pytest.raises(RetryableError):
            resumed.advance(head)
        down[0] = False
        resumed.advance(head)  # as follow() does after its pause
    finally:
        proxy.close()
    assert proxy.refused
    straight = Auditor(Rpc(rpc_url()), deployment, transfers=False, funding_window=0, max_span=2)
    straight.advance(head)
    assert owed_per_asset(resumed.obligations(block)) == owed_per_asset(straight.obligations(block))
    assert resumed.events == straight.events
