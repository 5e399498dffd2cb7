"""What a shallow reorg costs on a large index: index EVENTS Crowdfund events (launches, then pledges, 200
to a block) from a simulated node through the real indexer, into SQLite and into PostgreSQL; then the node
replaces its newest 3 blocks and the indexer undoes them. Prints the time of that rollback (the reorg
journal) and, with --rebuild, of the full rebuild it replaced (what any reorg cost before the journal).

    ./dev bench-reorg [--events N] [--depth D] [--rebuild] [--store S]   (1,000,000 events, depth 3)

The node is simulated so that the benchmark measures the indexer, not the time to make a million events on a
chain; the events are the contract's own (its ABI from build/contracts), so decoding, storing and the
projections are the ones a real chain gets. After the rollback, the derived tables are checked against a
digest taken when the index stood at the block the reorg goes back to.
"""

import argparse
import json
import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from sqlalchemy import Engine, func, select

from crowdledger.chain.rpc import Block
from crowdledger.deployment import DeployedContract, Deployment
from crowdledger.indexer import sync
from crowdledger.indexer.sync import Indexer
from crowdledger.store.models import Campaign, JournalEntry, Pledge, RawEvent, SkippedEvent, TokenTotal
from scripts.bench_store import fresh_index

ADDRESS = "0x" + "cf" * 20
ETH = "0x" + "00" * 20
PER_BLOCK = 200
CAMPAIGNS = 1_000
BACKERS = 200
LAUNCH = {  # a campaign's terms (CampaignLaunched's data fields by name)
    "goal": 10**30,
    "startsAt": 0,
    "deadline": 2_000_000_000,
    "feeBps": 250,
    "quorumBps": 0,
    "milestoneBps": [],
    "metadataHash": b"\x01" * 32,
    "deliveryDate": 2_000_000_000,
    "voteMode": 0,
    "minAttestationLevel": 0,
}
ARTIFACT = Path(__file__).resolve().parent.parent / "build" / "contracts" / "Crowdfund.json"


def _topic(event: dict[str, Any]) -> str:
    types = ",".join(p["type"] for p in event["inputs"])
    return "0x" + keccak(text=f"{event['name']}({types})").hex()


def _word(value: int | str) -> str:
    if isinstance(value, str):
        return "0x" + value[2:].rjust(64, "0")
    return "0x" + f"{value:064x}"


class SimulatedNode:
    """Blocks 1..N of Crowdfund logs, made on demand; `fork` gives the newest blocks other hashes."""

    def __init__(self, abi: list[dict[str, Any]], events: int) -> None:
        by_name = {item["name"]: item for item in abi if item.get("type") == "event"}
        self.launched, self.pledged = _topic(by_name["CampaignLaunched"]), _topic(by_name["Pledged"])
        # the launch's data fields, in the ABI's order and types, so a changed event cannot go stale here
        self.launch_data = [p for p in by_name["CampaignLaunched"]["inputs"] if not p["indexed"]]
        self.blocks = -(-events // PER_BLOCK)
        self.events = events
        self.forked_from = self.blocks + 1

    def chain_id(self) -> int:
        return 1337

    def head(self) -> int:
        return self.blocks

    def _hash(self, number: int) -> str:
        fork = "b" if number >= self.forked_from else "a"
        return "0x" + keccak(text=f"{fork}{number}").hex()

    def block(self, number: int) -> Block | None:
        if not 0 <= number <= self.blocks:
            return None
        return Block(number, self._hash(number), self._hash(number - 1), 1_700_000_000 + 12 * number)

    def fork(self, depth: int) -> None:
        """The newest `depth` blocks are replaced by empty ones."""
        self.forked_from = self.blocks - depth + 1

    def logs(self, first: int, last: int, addresses: list[str], attempts: int | None = None) -> list[dict]:
        out = []
        for number in range(first, last + 1):
            if number >= self.forked_from:
                continue
            for i in range(PER_BLOCK):
                serial = (number - 1) * PER_BLOCK + i
                if serial >= self.events:
                    break
                out.append(self._log(number, i, serial))
        return out

    def _log(self, number: int, index: int, serial: int) -> dict[str, Any]:
        if serial < CAMPAIGNS:
            campaign = serial + 1
            topics = [self.launched, _word(campaign), _word("0x" + f"{campaign:040x}"), _word(ETH)]
            values = LAUNCH | {"metadataURI": f"ipfs://bench-{campaign}"}
            data = encode(
                [p["type"] for p in self.launch_data], [values[p["name"]] for p in self.launch_data]
            )
        else:  # pledges go round the campaigns, each round from the next backer
            pledge = serial - CAMPAIGNS
            campaign, round_ = pledge % CAMPAIGNS + 1, pledge // CAMPAIGNS
            backer = "0x" + f"{round_ % BACKERS + 1:040x}"
            total, raised = 1000 * (round_ // BACKERS + 1), 1000 * (round_ + 1)
            topics = [self.pledged, _word(campaign), _word(backer)]
            data = encode(["uint256"] * 4, [0, 1000, total, raised])
        return {
            "address": ADDRESS,
            "topics": topics,
            "data": "0x" + data.hex(),
            "blockNumber": hex(number),
            "blockHash": self._hash(number),
            "blockTimestamp": hex(1_700_000_000 + 12 * number),
            "logIndex": hex(index),
            "transactionHash": "0x" + keccak(text=f"tx{number}").hex(),
            "removed": False,
        }


def digest(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Campaign)).scalar_one(),
            conn.execute(select(func.count()).select_from(Pledge)).scalar_one(),
            tuple(conn.execute(select(Campaign.raised).order_by(Campaign.id)).scalars()),
            tuple(conn.execute(select(Pledge.amount).order_by(Pledge.campaign_id, Pledge.backer)).scalars()),
            tuple(conn.execute(select(TokenTotal.pledged)).scalars()),
        )


def measure(name: str, url: str, abi: list[dict[str, Any]], events: int, depth: int, rebuild: bool) -> None:
    engine = fresh_index(url)
    node = SimulatedNode(abi, events)
    deployment = Deployment("bench", 1337, 1, {"Crowdfund": DeployedContract("Crowdfund", ADDRESS, abi)})
    indexer = Indexer(engine, node, deployment, finality_depth=64)  # type: ignore[arg-type]
    started = time.perf_counter()
    final = node.blocks
    node.blocks = final - depth  # index up to the block the reorg will go back to, and take its digest
    indexer.run(follow=False)
    before = digest(engine)
    node.blocks = final
    indexer.run(follow=False)
    took = time.perf_counter() - started
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(RawEvent)).scalar_one()
        journaled = conn.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
        skipped = conn.execute(select(func.count()).select_from(SkippedEvent)).scalar_one()
    # an index whose events were skipped (say, simulated logs that no longer match the ABI) measures nothing
    assert skipped == 0, f"{skipped:,} events were skipped: see the log above"
    node.fork(depth)
    started = time.perf_counter()
    kept = indexer.rollback()
    undo = time.perf_counter() - started
    assert kept == final - depth, f"rolled back to {kept}, not {final - depth}"
    assert digest(engine) == before, "the derived tables differ from what they were at that block"
    line = f"| {name} | {stored:,} | {took:.0f} s | {journaled:,} | {depth} | {undo * 1000:,.0f} ms |"
    if rebuild:
        started = time.perf_counter()
        with engine.begin() as conn:
            sync.rebuild(conn)
        line += f" {time.perf_counter() - started:,.1f} s |"
    print(line, flush=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="also time the full rebuild")
    parser.add_argument("--store", choices=("both", "sqlite", "postgresql"), default="both")
    args = parser.parse_args()
    abi = json.loads(ARTIFACT.read_text())["abi"]
    header = "| store | events | indexing time | journal entries | reorg depth | undo time |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if args.rebuild:
        header, rule = header + " full rebuild |", rule + "---:|"
    print(f"\n{header}\n{rule}", flush=True)
    if args.store != "postgresql":
        with TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite:///{folder}/reorg.db", abi, args.events, args.depth, args.rebuild)
    postgres = os.environ.get("CROWDLEDGER_BENCH_POSTGRES_URL")
    if args.store == "sqlite":
        return
    if postgres:
        measure("PostgreSQL", postgres, abi, args.events, args.depth, args.rebuild)
    else:
        print("(PostgreSQL skipped: set CROWDLEDGER_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    main()
