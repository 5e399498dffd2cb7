"""Audit throughput and memory: generate an event history on a local anvil (the indexer benchmark's
generator, for a quarter of EVENTS, then the same batches again up to a half and to all of it), audit it at
its head after each stage in a process of its own, and print events per second and peak memory.

    ./dev bench-audit [EVENTS]        (default 200,000)

The history is pledges from 20 backer contracts to 200 campaigns, so after its first few thousand events the
state stops growing while the events go on: if the audit streams, its peak memory stays flat while the events
double and double again. Each audit is the default one without the bytecode check (its compile time does not
depend on the history): the replay with every block's transactions read for the findings, every view call,
the balances, the findings, the Merkle tree and the digest. Audits run at the head: anvil answers calls at an
old block far more slowly than at the newest, which would measure anvil, not the audit.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

from brownie import PledgeBatcher, web3

from crowdledger.deployment import Deployment
from scripts.bench_indexer import BACKERS, CAMPAIGNS, PLEDGES_PER_TX, generate


def audit(record: Path, block: int) -> dict:
    environment = {
        **os.environ,
        "CROWDLEDGER_RPC_URL": str(web3.provider.endpoint_uri),
        "CROWDLEDGER_DEPLOYMENT": str(record),
        "CROWDLEDGER_RPC_TIMEOUT": "120",
    }
    command = [
        sys.executable,
        "-m",
        "crowdledger.cli",
        "audit",
        "--no-bytecode",
        "--json",
        "--block",
        str(block),
    ]
    answer = subprocess.run(command, env=environment, capture_output=True, text=True)
    if answer.returncode != 0:
        raise SystemExit(
            f"the audit failed ({answer.returncode}): {answer.stderr[-2000:]}\n{answer.stdout[-2000:]}"
        )
    return dict(json.loads(answer.stdout))


def write_record(deployment: Deployment, folder: Path) -> Path:
    record = {
        "network": deployment.network,
        "chain_id": deployment.chain_id,
        "start_block": deployment.start_block,
        "contracts": {n: {"address": c.address, "abi": c.abi} for n, c in deployment.contracts.items()},
    }
    path = folder / "bench.json"
    path.write_text(json.dumps(record))
    return path


def grow(deployment: Deployment, events: int, target: int) -> int:
    """More of the generator's pledge batches, from its own backer contracts, until `target` events."""
    batchers = [web3.eth.contract(b.address, abi=PledgeBatcher.abi) for b in list(PledgeBatcher)[-BACKERS:]]
    crowdfund = web3.to_checksum_address(deployment.contracts["Crowdfund"].address)
    sent = 0
    while events < target:
        batch = batchers[sent % BACKERS].functions.pledgeMany(crowdfund, 1, CAMPAIGNS, PLEDGES_PER_TX)
        tx_hash = batch.transact({"from": web3.eth.accounts[0], "value": PLEDGES_PER_TX, "gas": 11_500_000})
        sent += 1
        events += PLEDGES_PER_TX
    if sent:
        assert web3.eth.wait_for_transaction_receipt(tx_hash).status == 1, "the last batch reverted"
    return events


def main(target: str = "200000") -> None:
    deployment, events = generate(int(target) // 4)
    print(
        "\n| events | blocks | replay (stream + apply) | events per second | whole audit | view calls "
        "| peak memory |\n|---:|---:|---:|---:|---:|---:|---:|"
    )
    with TemporaryDirectory() as folder:
        record = write_record(deployment, Path(folder))
        for share in (4, 2, 1):
            events = grow(deployment, events, int(target) // share)
            report = audit(record, web3.eth.block_number)
            stats = report["stats"]
            assert stats["events"] == events, (stats["events"], events)
            views = next(c for c in report["checks"] if c["name"] == "views")["summary"].split()[0]
            print(
                f"| {stats['events']:,} | {stats['blocks']:,} | {stats['replay_seconds']:.1f} s "
                f"| {stats['events_per_second']:,} | {stats['seconds']:.1f} s | {views} "
                f"| {stats['peak_memory_mb']:,.0f} MB |",
                flush=True,
            )
            assert report["passed"], [c for c in report["checks"] if c["status"] == "fail"]
