"""Backfill throughput: generate a large event history on a local anvil, then index all of it, once into
SQLite and once into PostgreSQL, and print events per second for each.

    ./dev bench-indexer [EVENTS]        (default 200,000; ./dev starts PostgreSQL)

The history is mostly pledges (the commonest event by far), from 20 backer contracts across 200 campaigns,
made by PledgeBatcher so that generating it takes a minute rather than hours.
"""

import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from brownie import Crowdfund, PledgeBatcher, accounts, chain, web3
from sqlalchemy import text

from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract, Deployment
from crowdledger.indexer.sync import Indexer
from crowdledger.store.db import make_engine, migrate

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
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt.status == 1, "the last batch reverted"
    deployment = Deployment(
        network="bench",
        chain_id=chain.id,
        start_block=crowdfund.tx.block_number,
        contracts={"Crowdfund": DeployedContract("Crowdfund", crowdfund.address.lower(), crowdfund.abi)},
    )
    return deployment, events


def measure(name: str, url: str, deployment: Deployment, events: int) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    indexer = Indexer(engine, Rpc(str(web3.provider.endpoint_uri), timeout=120), deployment)
    started = time.perf_counter()
    indexer.run(follow=False)
    elapsed = time.perf_counter() - started
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
    assert stored == events, f"indexed {stored} events, expected {events}"
    print(f"| {name} | {stored:,} | {elapsed:.1f} s | {stored / elapsed:,.0f} |")
    engine.dispose()


def main(target: str = "200000") -> None:
    started = time.perf_counter()
    deployment, events = generate(int(target))
    took = time.perf_counter() - started
    print(f"\nGenerated {events:,} events in {web3.eth.block_number:,} blocks in {took:.0f} s")
    print("\n| store | events | backfill time | events per second |\n|---|---:|---:|---:|")
    with TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", deployment, events)
    postgres = os.environ.get("CROWDLEDGER_BENCH_POSTGRES_URL")
    if postgres:
        measure("PostgreSQL", postgres, deployment, events)
    else:
        print("(PostgreSQL skipped: set CROWDLEDGER_BENCH_POSTGRES_URL)")
