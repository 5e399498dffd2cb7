"""The audit's input, streamed from an RPC endpoint: our contracts' events and plain ETH transfers, in chain
order.

One block range is in memory at a time. Ranges adapt as the indexer's do: they start small, double while the
provider allows, shrink to about EVENTS_PER_RANGE events where blocks are dense, and halve when the provider
refuses a log query as too large. With `transfers` on, every block of the range is read with its transactions,
so the findings can see who sent ETH to whom (value transfers with empty calldata, not to our contracts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from crowdledger.chain.decode import Decoder, Event
from crowdledger.chain.rpc import Rpc
from crowdledger.errors import RpcRefused, RpcUnavailable

log = logging.getLogger(__name__)

EVENTS_PER_RANGE = 5_000  # one range in memory at a time: this bounds the audit's peak beyond its state
BLOCKS_PER_BATCH = 100  # block reads per JSON-RPC batch request


@dataclass(frozen=True, slots=True)
class Logged:
    """One of our contracts' events, with the index of its transaction and its block's time."""

    event: Event
    tx_index: int
    timestamp: int

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.event.block_number, self.tx_index, self.event.log_index)


@dataclass(frozen=True, slots=True)
class Transfer:
    """A plain ETH transfer between two accounts (value, no calldata)."""

    block: int
    tx_index: int
    tx_hash: str
    sender: str
    recipient: str
    value: int
    timestamp: int

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.block, self.tx_index, -1)


Item = Logged | Transfer


@dataclass(frozen=True, slots=True)
class RangeDone:
    """Progress: everything up to `last_block` has been yielded."""

    last_block: int
    events: int


def stream(
    rpc: Rpc,
    decoder: Decoder,
    first: int,
    last: int,
    transfers: bool,
    max_span: int = 10_000,
    on_range: Callable[[RangeDone], None] | None = None,
) -> Iterator[Item]:
    """Every event of the decoder's contracts (and, with `transfers`, every plain ETH transfer) in blocks
    first..last, in chain order."""
    ours = set(decoder.addresses)
    span = min(max_span, 100)
    start = first
    events_total = 0
    while start <= last:
        end = min(last, start + span - 1)
        try:
            logs = rpc.logs(start, end, decoder.addresses)
        except (RpcRefused, RpcUnavailable):  # whatever the refusal looks like, a narrower range may pass
            if span == 1:
                raise
            span = max(1, span // 2)
            log.info("The provider refused %d blocks at once; trying %d", end - start + 1, span)
            continue
        times: dict[int, int] = {}
        items: list[Item] = []
        if transfers:
            for block in _blocks(rpc, start, end, full=True):
                number, timestamp = int(block["number"], 16), int(block["timestamp"], 16)
                times[number] = timestamp
                items.extend(_transfers(block, number, timestamp, ours))
        for raw in logs:
            stamp = raw.get("blockTimestamp")
            if stamp is not None:
                times[int(raw["blockNumber"], 16)] = int(stamp, 16)
        missing = sorted({int(raw["blockNumber"], 16) for raw in logs} - times.keys())
        for block in _blocks_by_number(rpc, missing):
            times[int(block["number"], 16)] = int(block["timestamp"], 16)
        tx_index = {
            (int(r["blockNumber"], 16), int(r["logIndex"], 16)): int(r["transactionIndex"], 16) for r in logs
        }
        events = decoder.decode(logs)
        items.extend(Logged(e, tx_index[e.key], times[e.block_number]) for e in events)
        items.sort(key=lambda item: item.order)
        yield from items
        events_total += len(events)
        if on_range is not None:
            on_range(RangeDone(end, events_total))
        blocks = end - start + 1
        density_span = blocks * EVENTS_PER_RANGE // len(events) if events else blocks * 2
        span = max(1, min(max_span, density_span, span * 2))
        start = end + 1


def _blocks(rpc: Rpc, first: int, last: int, full: bool) -> Iterator[dict[str, Any]]:
    for start in range(first, last + 1, BLOCKS_PER_BATCH):
        numbers = range(start, min(last, start + BLOCKS_PER_BATCH - 1) + 1)
        yield from rpc.call_many([("eth_getBlockByNumber", [hex(n), full]) for n in numbers])


def _blocks_by_number(rpc: Rpc, numbers: list[int]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(numbers), BLOCKS_PER_BATCH):
        chunk = numbers[start : start + BLOCKS_PER_BATCH]
        yield from rpc.call_many([("eth_getBlockByNumber", [hex(n), False]) for n in chunk])


def _transfers(block: dict[str, Any], number: int, timestamp: int, ours: set[str]) -> Iterator[Transfer]:
    for tx in block.get("transactions", []):
        to = tx.get("to")
        value = int(tx.get("value", "0x0"), 16)
        if to is None or value == 0 or tx.get("input", "0x") not in ("0x", "") or to.lower() in ours:
            continue
        yield Transfer(
            block=number,
            tx_index=int(tx["transactionIndex"], 16),
            tx_hash=tx["hash"].lower(),
            sender=tx["from"].lower(),
            recipient=to.lower(),
            value=value,
            timestamp=timestamp,
        )
