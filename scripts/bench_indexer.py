"""Backfill throughput: generate a large event history on a local anvil, then index all of it, once into
SQLite and once into PostgreSQL, and print events per second for each, also as a share of the fetch ceiling.

    ./dev bench-indexer [EVENTS]        (default 200,000; ./dev starts PostgreSQL)

The history is mostly pledges (the commonest event by far), from 20 backer contracts across 200 campaigns,
made by PledgeBatcher so that generating it takes a minute rather than hours.

The fetch ceiling is measured in the same run: plain eth_getLogs over the same blocks, in ranges of about as
many events as the indexer reads at once, with each answer's JSON parsed, and nothing else; the best of three
reads. No indexer can
beat it against this node; the share says how much of the node's speed the indexer turns into an index.

CPU is shown twice: the indexer's own process, and the whole machine (the node and the database too; on a
shared machine, the neighbours as well), which is what a backfill beside its node really costs.
"""

import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
import msgspec
from brownie import Crowdfund, PledgeBatcher, accounts, chain, web3
from sqlalchemy import text

from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract, Deployment
from crowdledger.indexer.sync import EVENTS_PER_RANGE, Indexer
from scripts.bench_store import fresh_index

CAMPAIGNS = 200
BACKERS = 20
PLEDGES_PER_TX = 200  # a first pledge costs ~52,000 gas: 200 fit in brownie's 12M-gas blocks
ETH = "0x" + "00" * 20


def generate(target: int) -> tuple[Deployment, int]:
    owner = accounts[0]
    crowdfund = Crowdfund.deploy(owner, owner, 250, {"from": owner, "silent": True})
    for i in range(CAMPAIGNS):
        deadline = chain.time() + 80 * 86400
        params = (ETH, 10**30, 0, deadline, 2000, [], [], f"ipfs://bench-{i}", b"\x01" * 32, deadline, 0, 0)
        crowdfund.launch(params, {"from": accounts[1 + i % 9], "silent": True})
    deployed = [PledgeBatcher.deploy({"from": owner, "silent": True}) for _ in range(BACKERS)]
    batchers = [web3.eth.contract(batcher.address, abi=PledgeBatcher.abi) for batcher in deployed]
    events = len(crowdfund.tx.logs) + CAMPAIGNS  # the constructor's events (fee, treasury, owner), launches
    sent = 0
    while events < target:
        batch = batchers[sent % BACKERS].functions.pledgeMany(crowdfund.address, 1, CAMPAIGNS, PLEDGES_PER_TX)
        tx_hash = batch.transact({"from": owner.address, "value": PLEDGES_PER_TX, "gas": 11_500_000})
        sent += 1
        events += PLEDGES_PER_TX
    if sent:  # a target below the launches needs no pledges
        receipt = web3.eth.wait_for_transaction_receipt(tx_hash, timeout=1200)
        assert receipt.status == 1, "the last batch reverted"
    deployment = Deployment(
        network="bench",
        chain_id=chain.id,
        start_block=crowdfund.tx.block_number,
        contracts={"Crowdfund": DeployedContract("Crowdfund", crowdfund.address.lower(), crowdfund.abi)},
    )
    return deployment, events


def fetch_ceiling(deployment: Deployment, events: int, passes: int = 3) -> float:
    """Events per second that plain eth_getLogs delivers over the history, its JSON parsed (by the parser the
    indexer uses) and nothing else: the best of `passes` reads, as a ceiling is what the node can do."""
    first, last = deployment.start_block, web3.eth.block_number
    span = max(1, (last - first + 1) * EVENTS_PER_RANGE // events)
    addresses = [c.address for c in deployment.contracts.values()]
    parse = msgspec.json.Decoder().decode
    best = 0.0
    with httpx.Client(timeout=120) as client:
        for _ in range(passes):
            fetched = 0
            started = time.perf_counter()
            for start in range(first, last + 1, span):
                query = {
                    "fromBlock": hex(start),
                    "toBlock": hex(min(last, start + span - 1)),
                    "address": addresses,
                }
                answer = client.post(
                    str(web3.provider.endpoint_uri),
                    json={"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [query]},
                )
                fetched += len(parse(answer.content)["result"])
            assert fetched == events, f"fetched {fetched} logs, expected {events}"
            best = max(best, fetched / (time.perf_counter() - started))
    return best


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used (/proc/stat): the node and the database included, which
    the indexer's own process time leaves out."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(name: str, url: str, deployment: Deployment, events: int, ceiling: float) -> None:
    engine = fresh_index(url)
    indexer = Indexer(engine, Rpc(str(web3.provider.endpoint_uri), timeout=120), deployment)
    started, cpu, machine = time.perf_counter(), time.process_time(), machine_cpu_seconds()
    indexer.run(follow=False)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    machine = machine_cpu_seconds() - machine
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
    assert stored == events, f"indexed {stored} events, expected {events}"
    rate = stored / elapsed
    print(
        f"| {name} | {stored:,} | {elapsed:.1f} s | {rate:,.0f} | {rate / ceiling:.0%} | {stored / cpu:,.0f} "
        f"| {stored / machine:,.0f} | {os.getloadavg()[0]:.1f} |"
    )
    engine.dispose()


def main(target: str = "200000") -> None:
    started = time.perf_counter()
    deployment, events = generate(int(target))
    took = time.perf_counter() - started
    print(f"\nGenerated {events:,} events in {web3.eth.block_number:,} blocks in {took:.0f} s")
    ceiling = fetch_ceiling(deployment, events)
    print(f"\nFetch ceiling (eth_getLogs, JSON parsed): {ceiling:,.0f} events per second")
    print(
        "\n| store | events | backfill time | events/s | share of the fetch ceiling | events per CPU second "
        "of the indexer's process | events per CPU second of the machine | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", deployment, events, ceiling)
    postgres = os.environ.get("CROWDLEDGER_BENCH_POSTGRES_URL")
    if postgres:
        measure("PostgreSQL", postgres, deployment, events, ceiling)
    else:
        print("(PostgreSQL skipped: set CROWDLEDGER_BENCH_POSTGRES_URL)")
