"""Reading block ranges: a range's logs, decoded, with the hashes that link it to the stored chain.

While the indexer writes one range, the next is read ahead. Reading a dense range is mostly CPU (the node's
JSON parsed, every log decoded), which Python's interpreter lock would run in turn with the writing, so a
dense backfill from a JSON-RPC endpoint reads ahead in a worker process, on another core; sparse ranges (and
nodes that are not a plain endpoint, such as a test's double) read ahead in a thread, which costs no start-up.
"""

import multiprocessing
from collections import deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from crowdledger.chain.decode import Decoder, Event
from crowdledger.chain.rpc import Block, Rpc
from crowdledger.deployment import Deployment

# Events in the range just read from which the next ranges are read ahead in worker processes: below it, in a
# thread (starting the workers, about a second of CPU once, is worth it only for a long dense backfill).
PROCESS_READ_AHEAD_EVENTS = 5_000
# Worker processes, each reading one range: two, so that one parses while the other waits for the node.
READ_AHEAD_PROCESSES = 2


@dataclass(frozen=True)
class Range:
    """One block range as read from the chain: its events, and the hashes that link it."""

    first: int
    last: int
    events: list[Event]
    timestamps: dict[int, int]
    end: Block
    parent_hash: str  # of block first - 1, as the chain had it once the logs were read


class Inconsistent(Exception):
    """The chain changed while a range was read; read it again."""


class RangeReader:
    def __init__(self, rpc: Rpc, decoder: Decoder) -> None:
        self.rpc = rpc
        self.decoder = decoder

    def read(self, first: int, last: int) -> Range:
        rpc = self.rpc
        end = rpc.block(last)
        # A provider may refuse a wide query or time out on it: try it once, so the range shrinks instead.
        logs = rpc.logs(first, last, self.decoder.addresses, attempts=1 if last > first else None)
        # If the chain reorganised while we read, the range's end block changed: read the range again.
        end_after = rpc.block(last)
        if end is None or end_after is None or end.hash != end_after.hash:
            raise Inconsistent()
        # Read after the logs, so that a reorg before them shows as a parent the index does not hold.
        start = end_after if first == last else rpc.block(first)
        if start is None:
            raise Inconsistent()
        events = self.decoder.decode(logs)
        timestamps = {end.number: end.timestamp}
        for raw in logs:
            if raw.get("blockTimestamp") is not None:
                timestamps[int(raw["blockNumber"], 16)] = int(raw["blockTimestamp"], 16)
        for event in events:  # providers that leave blockTimestamp out cost one header per block
            if event.block_number not in timestamps:
                block = rpc.block(event.block_number)
                if block is None or block.hash != event.block_hash:
                    raise Inconsistent()
                timestamps[block.number] = block.timestamp
        return Range(first, last, events, timestamps, end, start.parent_hash)


class ReadAhead:
    """The ranges after the one being written, read while it is written: in worker processes when the
    ranges are dense, each reading its own range, else one at a time in a thread."""

    def __init__(self, reader: RangeReader, deployment: Deployment) -> None:
        self.reader = reader
        self.deployment = deployment
        self._pending: deque[tuple[int, int, Future[Range]]] = deque()  # consecutive ranges, oldest first
        self._thread: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None

    def fill(self, first: int, target: int, span: int, dense: bool) -> None:
        """Read ahead, from block `first` (or after the ranges already pending) up to `target`."""
        # Not for a subclass or a test's double of Rpc: it may hold state a worker would not have.
        processes = dense and type(self.reader.rpc) is Rpc
        start = self._pending[-1][1] + 1 if self._pending else first
        while len(self._pending) < (READ_AHEAD_PROCESSES if processes else 1) and start <= target:
            last = min(target, start + span - 1)
            future = self._in_process(start, last) if processes else self._in_thread(start, last)
            self._pending.append((start, last, future))
            start = last + 1

    def take(self, first: int) -> tuple[int, "Future[Range]"] | None:
        """The last block and the read of the range read ahead from block `first`; None (and everything read
        ahead dropped) when the next range pending starts elsewhere."""
        if self._pending and self._pending[0][0] == first:
            _, last, future = self._pending.popleft()
            return last, future
        self.discard()
        return None

    def discard(self) -> None:
        """Drop every range read ahead, waiting for reads under way so none is left running against an index
        that changed."""
        while self._pending:
            future = self._pending.popleft()[2]
            future.cancel()
            try:
                future.exception()
            except CancelledError:
                pass

    @property
    def uses_processes(self) -> bool:
        return self._processes is not None

    def close(self) -> None:
        self.discard()
        for executor in (self._thread, self._processes):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._thread = None
        self._processes = None

    def _in_thread(self, first: int, last: int) -> "Future[Range]":
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        return self._thread.submit(self.reader.read, first, last)

    def _in_process(self, first: int, last: int) -> "Future[Range]":
        if self._processes is None:
            rpc = self.reader.rpc
            self._processes = ProcessPoolExecutor(
                max_workers=READ_AHEAD_PROCESSES,
                mp_context=_worker_context(),
                initializer=_start_worker,
                initargs=(rpc.url, rpc.timeout, rpc.attempts, rpc.backoff, self.deployment),
            )
        return self._processes.submit(_read_in_worker, first, last)


def _worker_context() -> multiprocessing.context.BaseContext:
    # Not "fork": the indexer runs beside the API's threads, and a forked copy of a threaded process can
    # inherit a lock some other thread held. The fork server starts clean and has this module loaded once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


_worker_reader: RangeReader | None = None


def _start_worker(url: str, timeout: float, attempts: int, backoff: float, deployment: Deployment) -> None:
    global _worker_reader
    _worker_reader = RangeReader(Rpc(url, timeout, attempts, backoff), Decoder(deployment))


def _read_in_worker(first: int, last: int) -> Range:
    assert _worker_reader is not None, "the worker was started without its reader"
    return _worker_reader.read(first, last)
