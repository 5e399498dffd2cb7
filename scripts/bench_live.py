"""Live follow: how long after a block is mined does the API show it? Sends pledges to anvil at a steady rate
(each mined into its own block) while `crowdledger run` follows the chain and serves the API, polls /status,
and prints the block-to-API lag, p50 and p95.

    ./dev bench-live [RATE] [SECONDS] [POLL_SECONDS]   (defaults: 10 pledges/s for 30 s, polling every 0.2 s)

The lag of one block is the time from its pledge's receipt (anvil mines on receipt) to the first /status
answer whose indexed_block includes it; /status is asked every 10 ms, so figures are good to about 10 ms.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from brownie import Crowdfund, accounts, chain, web3

from scripts.bench_store import fresh_index

ETH = "0x" + "00" * 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(rate: str = "10", seconds: str = "30", poll: str = "0.2") -> None:
    owner = accounts[0]
    crowdfund = Crowdfund.deploy(owner, owner, 250, {"from": owner, "silent": True})
    deadline = chain.time() + 80 * 86400
    params = (ETH, 10**30, 0, deadline, 2000, [], [], "ipfs://live", b"\x01" * 32, deadline, 0, 0)
    crowdfund.launch(params, {"from": accounts[1], "silent": True})
    contract = web3.eth.contract(crowdfund.address, abi=crowdfund.abi)
    with TemporaryDirectory() as folder:
        deployment = Path(folder) / "deployment.json"
        deployment.write_text(
            json.dumps(
                {
                    "network": "bench",
                    "chain_id": chain.id,
                    "start_block": crowdfund.tx.block_number,
                    "contracts": {"Crowdfund": {"address": crowdfund.address, "abi": crowdfund.abi}},
                }
            )
        )
        port = _free_port()
        database = os.environ.get("CROWDLEDGER_LIVE_DATABASE_URL") or f"sqlite:///{folder}/live.db"
        fresh_index(database).dispose()
        env = {
            **os.environ,
            "CROWDLEDGER_DATABASE_URL": database,
            "CROWDLEDGER_RPC_URL": str(web3.provider.endpoint_uri),
            "CROWDLEDGER_DEPLOYMENT": str(deployment),
            "CROWDLEDGER_API_PORT": str(port),
            "CROWDLEDGER_POLL_SECONDS": poll,
        }
        server_log = Path(folder) / "run.log"
        with server_log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "crowdledger.cli", "run"],
                env=env,
                stderr=output,
                stdout=output,
            )
        try:
            lags = _measure(f"http://127.0.0.1:{port}", contract, float(rate), float(seconds))
        finally:
            server.terminate()
            server.wait(30)
        if not lags:
            sys.exit(
                f"The API never showed a pledged block; `crowdledger run` said:\n{server_log.read_text()}"
            )
    store = env["CROWDLEDGER_DATABASE_URL"].partition(":")[0]
    print("\n| store | pledges/s | blocks | poll | lag p50 | lag p95 | lag max |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {store} | {rate} | {len(lags)} | {float(poll):.2f} s | {statistics.median(lags) * 1000:.0f} ms "
        f"| {_percentile(lags, 0.95) * 1000:.0f} ms | {max(lags) * 1000:.0f} ms |"
    )


def _measure(api: str, contract: object, rate: float, seconds: float) -> list[float]:
    client = httpx.Client(timeout=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the indexer has caught up with the setup
        try:
            status = client.get(f"{api}/status").json()
            if status.get("indexed_block", -1) >= web3.eth.block_number:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    mined: dict[int, float] = {}
    seen: dict[int, float] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() or len(seen) < len(mined):
            try:
                indexed = client.get(f"{api}/status").json()["indexed_block"]
            except (httpx.HTTPError, KeyError):
                continue
            now = time.monotonic()
            for number in list(mined):
                if number <= indexed and number not in seen:
                    seen[number] = now
            if done.is_set() and time.monotonic() > stop_at + 30:
                return
            time.sleep(0.01)

    stop_at = time.monotonic() + seconds
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    backer = accounts[2].address
    pledge = contract.functions.pledge(1, 0, 1)  # type: ignore[attr-defined]
    next_send = time.monotonic()
    while time.monotonic() < stop_at:
        receipt = web3.eth.wait_for_transaction_receipt(pledge.transact({"from": backer, "value": 1}))
        mined[receipt.blockNumber] = time.monotonic()
        next_send += 1 / rate
        time.sleep(max(0.0, next_send - time.monotonic()))
    done.set()
    watcher.join()
    return [seen[n] - mined[n] for n in mined if n in seen]
