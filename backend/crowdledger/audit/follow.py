"""Watch mode: keep the replay at the chain head and re-check held >= owed at every new block.

Without a webhook the watch ends, with exit status 5, at the first block where a contract holds less than it
owes. With a webhook it POSTs a JSON alert whenever the set of shortfalls changes (one appearing, or all of
them gone) and keeps watching. A reorganisation (the last replayed block no longer on the chain) restarts the
replay.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from crowdledger.audit.model import BlockInfo
from crowdledger.audit.money import Position
from crowdledger.audit.run import Auditor, audited_block
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import RetryableError

log = logging.getLogger(__name__)

SHORTFALL_EXIT = 5  # the audit's "a check failed" (crowdledger.audit.cli.FAILED)


def alert(chain_id: int, block: BlockInfo, short: list[Position]) -> dict[str, Any]:
    return {
        "event": "shortfall" if short else "recovered",
        "chain_id": chain_id,
        "block": block.number,
        "block_hash": block.hash,
        "shortfalls": [
            {
                "contract": p.contract,
                "asset": p.asset,
                "owed": str(p.owed),
                "held": str(p.held),
                "short": str(-p.difference),
            }
            for p in short
        ],
    }


def follow(
    rpc: Rpc,
    deployment: Deployment,
    poll_seconds: float,
    confirmations: int = 0,
    webhook: str | None = None,
    max_span: int = 10_000,
    on_block: Callable[[int, list[Position]], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    chain_id = rpc.chain_id()
    auditor = Auditor(rpc, deployment, transfers=False, funding_window=0, max_span=max_span)
    replayed: tuple[int, str] | None = None
    reported: frozenset[tuple[str, str]] = frozenset()
    while not should_stop():
        try:
            if replayed is not None:
                still = rpc.block(replayed[0])
                if still is None or still.hash != replayed[1]:
                    log.warning("The chain reorganised below block %d: replaying from the start", replayed[0])
                    auditor = Auditor(rpc, deployment, transfers=False, funding_window=0, max_span=max_span)
            target = rpc.head() - confirmations
            if target < auditor.next_block:
                time.sleep(poll_seconds)
                continue
            block = audited_block(rpc, target)
            auditor.advance(target)
            positions = auditor.positions(block, auditor.obligations(block))
        except RetryableError as failure:
            log.warning("%s; retrying in %.0fs", failure, poll_seconds)
            time.sleep(poll_seconds)
            continue
        replayed = (block.number, block.hash)
        short = [p for p in positions if p.difference < 0]
        if on_block is not None:
            on_block(block.number, short)
        keys = frozenset((p.contract, p.asset) for p in short)
        if keys != reported:
            body = alert(chain_id, block, short)
            if webhook is None:
                if short:
                    return SHORTFALL_EXIT
            else:
                try:
                    httpx.post(webhook, json=body, timeout=10).raise_for_status()
                except httpx.HTTPError as failure:
                    log.error(
                        "The webhook %s failed (%s); the alert is logged instead: %s", webhook, failure, body
                    )
            reported = keys
    return 0
