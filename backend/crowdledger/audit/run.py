"""An audit from start to end: stream the chain into the replays (and the index check), then at the audited
block compare with the views and the balances, recompile and compare the code, look for the fraud patterns,
and commit to the result with a digest and a Merkle sum tree."""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi.abi import encode as abi_encode
from sqlalchemy import Engine

from crowdledger.audit import bytecode, findings, views
from crowdledger.audit.facts import Facts, Funding
from crowdledger.audit.index import EventComparer, compare_tables, indexed_block
from crowdledger.audit.merkle import Leaf, SumTree
from crowdledger.audit.model import ETH, BlockInfo, CheckResult, Mismatch, Obligation, Status
from crowdledger.audit.money import Flows, Position, owed_per_asset, solvency
from crowdledger.audit.replay import REPLAYS, Replay
from crowdledger.audit.report import Audit, build_report
from crowdledger.audit.solc import Compiler, default_cache
from crowdledger.audit.source import Logged, RangeDone, stream
from crowdledger.chain.decode import Decoder
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import DeploymentError, RetryableError, RpcError, RpcRefused

log = logging.getLogger(__name__)

# The argument naming the account that acted, in the order looked for (a first act starts the funding window).
ACTOR_FIELDS = ("backer", "creator", "requester", "worker", "rater", "proposer")
BALANCE_OF = "0x70a08231"


class ChainMoved(RetryableError):
    """The audited block was replaced (a reorganisation) while the audit read the chain: run it again."""


@dataclass
class Options:
    block: int | None = None  # default: the chain head (or, with an index, the block the index stands at)
    transfers: bool = True  # read every block's transactions for plain ETH transfers (the findings' ties)
    bytecode: bool = True
    source: Path = Path(".")  # the repository checkout to recompile
    solc: Path | None = None  # default: toolchain/solc in the checkout
    compile_cache: Path | None = field(default_factory=default_cache)
    index: Engine | None = None  # the indexer's database, to check against the replay
    thresholds: findings.Thresholds = findings.THRESHOLDS
    max_span: int = 10_000
    command: str = "crowdledger audit"  # how this audit was started, for the report's "how to rerun"


class Auditor:
    """The deployment's contracts replayed from its start block; `advance` reads further."""

    def __init__(
        self, rpc: Rpc, deployment: Deployment, transfers: bool, funding_window: int, max_span: int
    ) -> None:
        self.rpc = rpc
        self.deployment = deployment
        self.transfers = transfers
        self.max_span = max_span
        self.flows = Flows()
        names = {c.address: name for name, c in deployment.contracts.items()}
        self.replays: dict[str, Replay] = {
            name: REPLAYS[name](c.address, self.flows, names)
            for name, c in sorted(deployment.contracts.items())
            if name in REPLAYS
        }
        self.unreplayed = sorted(set(deployment.contracts) - set(self.replays))
        by_address = {replay.address: replay for replay in self.replays.values()}
        for replay in self.replays.values():
            replay.link(by_address)
        self.decoder = Decoder(deployment)
        self.funding = Funding(funding_window)
        self.next_block = deployment.start_block
        self.events = 0
        self.transfers_seen = 0

    def advance(
        self,
        to_block: int,
        on_event: Callable[[Logged], None] | None = None,
        on_range: Callable[[RangeDone], None] | None = None,
    ) -> None:
        def range_done(done: RangeDone) -> None:
            # A later range that fails is read again from here: what was applied must not be applied twice.
            self.next_block = done.last_block + 1
            if on_range is not None:
                on_range(done)

        for item in stream(
            self.rpc, self.decoder, self.next_block, to_block, self.transfers, self.max_span, range_done
        ):
            if isinstance(item, Logged):
                event = item.event
                self.events += 1
                replay = self.replays.get(event.contract)
                if replay is not None:
                    replay.apply(event, item.timestamp)
                actor = next((event.args[k] for k in ACTOR_FIELDS if k in event.args), None)
                if isinstance(actor, str):
                    self.funding.acted(actor, event.block_number, item.timestamp)
                if on_event is not None:
                    on_event(item)
            else:
                self.transfers_seen += 1
                self.funding.transfer(item)
        self.next_block = max(self.next_block, to_block + 1)

    def obligations(self, block: BlockInfo) -> list[Obligation]:
        return [o for replay in self.replays.values() for o in replay.obligations(block)]

    def assets(self) -> set[str]:
        return {asset for replay in self.replays.values() for asset in replay.assets()} | {ETH}

    def positions(self, block: BlockInfo, obligations: list[Obligation]) -> list[Position]:
        """What each deployed contract owes and holds, per asset (every asset any of them deals in)."""
        owed = owed_per_asset(obligations)
        positions = []
        for name, contract in sorted(self.deployment.contracts.items()):
            for asset in sorted(self.assets()):
                held = held_by(self.rpc, contract.address, asset, block.number)
                due = owed.get((name, asset), 0)
                if held or due or asset == ETH:
                    events = self.flows.last_moves(name, asset)
                    positions.append(Position(name, asset, due, held, list(events)))
        return positions


def _still_on_chain(rpc: Rpc, block: BlockInfo) -> None:
    now = audited_block(rpc, block.number)
    if now.hash != block.hash:
        raise ChainMoved(
            f"block {block.number} changed from {block.hash} to {now.hash} during the audit: run it again"
        )


def held_by(rpc: Rpc, holder: str, asset: str, block: int) -> int:
    if asset == ETH:
        return rpc.balance(holder, block)
    data = BALANCE_OF + abi_encode(["address"], [holder]).hex()
    for attempt in (1, 2):  # a provider's passing refusal is asked again; a token that reverts refuses twice
        try:
            answer = rpc.eth_call(asset, data, block)
            break
        except RpcRefused as refusal:
            if attempt == 2:
                # Any creator may launch in any contract: a token whose balanceOf reverts must not stop the
                # audit of everything else. Nothing counted is held, so what is owed in it shows as short.
                log.warning(
                    "balanceOf(%s) on %s refused at block %d (%s); counted as 0",
                    holder,
                    asset,
                    block,
                    refusal,
                )
                return 0
    if len(answer) < 66:  # no code at the token any more, or not an ERC-20: it holds nothing we can count
        log.warning("balanceOf(%s) on %s answered %r at block %d; counted as 0", holder, asset, answer, block)
        return 0
    return int(answer[:66], 16)


def audited_block(rpc: Rpc, number: int) -> BlockInfo:
    block = rpc.block(number)
    if block is None:
        raise RpcError(f"the chain has no block {number} (its head is {rpc.head()})")
    return BlockInfo(block.number, block.hash, block.timestamp)


def audit(
    rpc: Rpc,
    deployment: Deployment,
    options: Options,
    on_range: Callable[[RangeDone, int], None] | None = None,
) -> Audit:
    started = time.perf_counter()
    chain_id = rpc.chain_id()
    if chain_id != deployment.chain_id:
        raise DeploymentError(
            f"The RPC endpoint serves chain {chain_id}; the deployment record is for chain "
            f"{deployment.chain_id}"
        )
    index_at = indexed_block(options.index) if options.index is not None else None
    if options.block is not None:
        number = options.block
    elif index_at is not None and index_at[0] == chain_id and index_at[1] >= deployment.start_block:
        number = index_at[1]
    else:
        number = rpc.head()
    if number < deployment.start_block:
        raise DeploymentError(
            f"Block {number} is before the deployment's first block {deployment.start_block}"
        )
    block = audited_block(rpc, number)

    auditor = Auditor(rpc, deployment, options.transfers, options.thresholds.funding_window, options.max_span)
    index_check = CheckResult("index", "The indexer's database equals the replay")
    comparer = None
    if options.index is None:
        index_check.skip("not asked for (--index checks the database in CROWDLEDGER_DATABASE_URL)")
    elif index_at is None:
        index_check.add(Mismatch("index", "sync_state", "the database holds no index"))
    elif index_at[0] != chain_id:
        index_check.add(
            Mismatch("index", "sync_state", f"the database indexes chain {index_at[0]}, not {chain_id}")
        )
    else:
        comparer = EventComparer(options.index, min(index_at[1], number), index_check)

    def compare(item: Logged) -> None:
        if comparer is not None and item.event.block_number <= comparer.last_block:
            comparer.feed(item.event)

    replay_started = time.perf_counter()
    auditor.advance(number, compare, (lambda done: on_range(done, number)) if on_range else None)
    replay_seconds = time.perf_counter() - replay_started
    for replay in auditor.replays.values():
        replay.finish(block)
    _still_on_chain(rpc, block)

    checks = [_replay_check(auditor)]
    obligations = auditor.obligations(block)
    positions = auditor.positions(block, obligations)
    checks.append(views.check(rpc, block, auditor.replays.values(), deployment.contracts))
    checks.append(solvency(positions))
    if options.bytecode:
        compiler = Compiler(options.source, options.solc, options.compile_cache, deployment.evm_version)
        compiled = compiler.compile(bytecode.compiled_names(deployment.contracts))
        checks.append(bytecode.check(rpc, number, deployment.contracts, compiled))
    else:
        checks.append(
            CheckResult(
                "bytecode", "The code at each address is the code compiled from this repository"
            ).skip("not asked for (--no-bytecode)")
        )
    _still_on_chain(rpc, block)  # the views, balances and code were read by number: at the same block?
    if comparer is not None and index_at is not None:
        comparer.finish()
        rows = 0
        if index_at[1] == number:
            rows = compare_tables(options.index, list(auditor.replays.values()), index_check)  # type: ignore[arg-type]
            tables = f"and {rows:,} rows of derived tables"
        else:
            tables = (
                f"(derived tables not compared: the index stands at block {index_at[1]:,}, the audit at "
                f"{number:,}; audit at the index's block to compare them)"
            )
        verdict = (
            "agree" if index_check.status == Status.PASS else f"{index_check.mismatch_count:,} differences"
        )
        index_check.summary = f"{comparer.compared:,} events {tables}: {verdict}"
    checks.append(index_check)

    facts = Facts(funding=auditor.funding)
    for replay in auditor.replays.values():
        replay.facts(facts)
    facts.prior_transactions = _prior_transactions(rpc, auditor.funding)
    found = findings.find(facts, options.thresholds)

    leaves = _leaves(obligations)
    tree = SumTree(leaves, auditor.replays)
    ledger = _ledger(auditor, block, obligations)
    stats = {
        "events": auditor.events,
        "transfers": auditor.transfers_seen,
        "blocks": number - deployment.start_block + 1,
        "replay_seconds": round(replay_seconds, 3),
        "events_per_second": round(auditor.events / replay_seconds) if replay_seconds else None,
        "seconds": round(time.perf_counter() - started, 3),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return build_report(
        deployment,
        chain_id,
        block,
        auditor.replays,
        checks,
        positions,
        found,
        tree,
        leaves,
        ledger,
        stats,
        options.command,
    )


def _replay_check(auditor: Auditor) -> CheckResult:
    result = CheckResult("replay", "Every event's carried totals follow from the events before it")
    for replay in auditor.replays.values():
        for problem in replay.problems:
            result.add(problem)
        result.mismatch_count += replay.problem_count - len(replay.problems)
    result.summary = f"{auditor.events:,} events replayed" + (
        f", {result.mismatch_count:,} inconsistent" if result.mismatch_count else ", all consistent"
    )
    if auditor.unreplayed:
        result.summary += f" (no replay for {', '.join(auditor.unreplayed)})"
    return result


def _leaves(obligations: list[Obligation]) -> list[Leaf]:
    totals: dict[tuple[str, str, str], int] = {}
    for o in obligations:
        key = (o.contract, o.holder, o.asset)
        totals[key] = totals.get(key, 0) + o.amount
    return [
        Leaf(contract, holder, asset, amount) for (contract, holder, asset), amount in sorted(totals.items())
    ]


def _ledger(
    auditor: Auditor, block: BlockInfo, obligations: list[Obligation]
) -> dict[str, list[dict[str, Any]]]:
    ledger: dict[str, list[dict[str, Any]]] = {"campaigns": [], "tasks": []}
    for replay in auditor.replays.values():
        for table, rows in replay.ledger(block).items():
            ledger.setdefault(table, []).extend(rows)
    owed: dict[tuple[str, str, str], int] = {}
    for o in obligations:
        owed[(o.contract, o.holder, o.asset)] = owed.get((o.contract, o.holder, o.asset), 0) + o.amount
    keys = sorted(set(owed) | {(c, a, asset) for c, a, asset in auditor.flows.flows})
    ledger["accounts"] = [
        {
            "account": holder,
            "contract": contract,
            "asset": asset,
            "paid_in": str(auditor.flows.flows[(contract, holder, asset)].paid_in)
            if (contract, holder, asset) in auditor.flows.flows
            else "0",
            "received": str(auditor.flows.flows[(contract, holder, asset)].received)
            if (contract, holder, asset) in auditor.flows.flows
            else "0",
            "owed": str(owed.get((contract, holder, asset), 0)),
        }
        for contract, holder, asset in keys
    ]
    ledger["obligations"] = [
        {
            "contract": o.contract,
            "holder": o.holder,
            "asset": o.asset,
            "amount": str(o.amount),
            "basis": o.basis,
            "ref": o.ref,
            "events": ", ".join(f"{e.tx_hash}:{e.log_index}" for e in o.events),
        }
        for o in obligations
    ]
    return ledger


def _prior_transactions(rpc: Rpc, funding: Funding) -> dict[str, int]:
    """Each funded account's nonce just before its first funding (left out where the node cannot say)."""
    firsts = [(account, kept[0].block) for account, kept in sorted(funding.fundings.items()) if kept]
    counts: dict[str, int] = {}
    for start in range(0, len(firsts), 200):
        chunk = firsts[start : start + 200]
        try:
            answers = rpc.call_many(
                [("eth_getTransactionCount", [account, hex(max(0, block - 1))]) for account, block in chunk]
            )
        except (RpcError, RpcRefused) as failure:
            log.warning(
                "Cannot read nonces before fundings (%s); fresh accounts judged by timing alone", failure
            )
            return counts
        counts.update((account, int(answer, 16)) for (account, _), answer in zip(chunk, answers, strict=True))
    return counts
