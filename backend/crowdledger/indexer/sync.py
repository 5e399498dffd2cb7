"""The indexer loop: follow the chain block range by block range into SQL.

Each range is committed with the cursor in one transaction, so a crash at any point leaves the store at a
range boundary and a restart continues from there (idempotent: the same rows as an uninterrupted run).

Reorgs. Every range is linked to the stored chain before it is committed: the parent hash of its first block,
read after its logs, must be the stored hash of the block before it (the previous range's end, or the block
the deployment starts after). While waiting for new blocks, the newest stored hash is compared with the
chain's. On a difference the index rolls back to the newest block both agree on: raw rows after it are
deleted, and derived rows are restored from the reorg journal (crowdledger.store.journal), which holds the
changes of every block within the finality depth of the head; a deeper reorg rebuilds the derived tables
from the raw events. A reorg below every block the index holds is a loud failure (ReorgTooDeep).

Nothing on chain stops it. Every value the ABI admits is decoded and stored at full width; an event a
projection refuses (say, a pledge to a campaign never launched) is kept raw, recorded in skipped_events, and
its effect skipped, alone: the rest of its range is applied as usual.

Speed. While a range is being written, the next one is fetched by a second thread (reading it in worker
processes instead was measured twice, the events pickled and then as msgspec JSON: on two cores beside the
node the machine spent a third more CPU per event and backfilled no faster; docs/OPERATIONS.md). Ranges
adapt to the event density (about EVENTS_PER_RANGE each) and to what the provider accepts: a log query that
fails in any way (an error, HTTP 503, a time-out) over several blocks is retried over half as many, and
ranges grow again after successes.
"""

import gc
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Table, delete, insert, select, tuple_, update
from sqlalchemy.exc import InterfaceError, OperationalError

from crowdledger.chain.decode import Decoder, Event
from crowdledger.chain.rpc import Block, Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import (
    CrowdLedgerError,
    DeploymentError,
    NotRetryableError,
    ReorgTooDeep,
    RetryableError,
    StoreError,
)
from crowdledger.indexer import bounty, crowdfund, reputation
from crowdledger.store import journal
from crowdledger.store.db import lock_for_migration
from crowdledger.store.models import DERIVED_TABLES, IndexedBlock, RawEvent, SkippedEvent, SyncState

log = logging.getLogger(__name__)

PROJECTIONS: list[Callable[[Connection, Sequence[Event], dict[int, int]], None]] = [
    crowdfund.apply,
    reputation.apply,
    bounty.apply,
]
_REPLAY_CHUNK = 20_000  # events per projection call when rebuilding
EVENTS_PER_RANGE = 20_000  # what a block range aims to hold: about one commit's worth
_YOUNG_COLLECTION_EVERY = 70_000  # new container objects between the cycle collector's young collections
_GROW_AFTER = 8  # successful ranges after a refusal before ranges may grow past the refused size again
# The argument naming the account that acted, in the order looked for; it feeds account histories.
_ACTOR_FIELDS = ("backer", "creator", "requester", "worker", "rater", "subject", "account", "to")
_TABLES: list[Table] = [model.__table__ for model in DERIVED_TABLES]  # type: ignore[misc]


class IndexerStatus(StrEnum):
    STARTING = "starting"
    INDEXING = "indexing"  # catching up with the head
    FOLLOWING = "following"  # at the head, waiting for blocks
    RETRYING = "retrying"  # a transient failure (the node down, a refusal): trying again with backoff
    FAILED = "failed"  # stopped on a failure that needs a person (see last_error)
    STOPPED = "stopped"  # stopped as asked


@dataclass(frozen=True)
class Progress:
    next_block: int
    target: int  # the block the index is heading for (the head minus the confirmation depth)
    events: int  # indexed by this step


@dataclass(frozen=True)
class _Range:
    """One block range as read from the chain: its events, and the hashes that link it."""

    first: int
    last: int
    events: list[Event]
    timestamps: dict[int, int]
    end: Block
    parent_hash: str  # of block first - 1, as the chain had it once the logs were read


class _Inconsistent(Exception):
    """The chain changed while a range was read; read it again."""


class Indexer:
    def __init__(
        self,
        engine: Engine,
        rpc: Rpc,
        deployment: Deployment,
        confirmations: int = 0,
        batch_blocks: int = 10_000,
        finality_depth: int = 64,
    ) -> None:
        self.engine = engine
        self.rpc = rpc
        self.deployment = deployment
        self.confirmations = confirmations
        self.finality_depth = finality_depth
        # The range adapts: it starts small, doubles after each success up to batch_blocks, follows the event
        # density (EVENTS_PER_RANGE) and halves when a query over several blocks fails.
        self.span = min(batch_blocks, 100)
        self.max_span = batch_blocks
        self.ceiling = batch_blocks  # below the last refused size, until _GROW_AFTER successes
        self._successes = 0
        self.decoder = Decoder(deployment)
        self._prefetcher: ThreadPoolExecutor | None = None  # started with the first read ahead
        self._prefetched: tuple[int, int, Future[_Range]] | None = None

    def close(self) -> None:
        """Stop reading ahead (run() does this when it returns)."""
        self._discard_prefetched()
        if self._prefetcher is not None:
            self._prefetcher.shutdown(wait=True, cancel_futures=True)
            self._prefetcher = None

    # ------------------------------------------------------------------ the cursor

    def check_chain(self) -> None:
        """Refuse to index a chain other than the deployment's, or other than the one already indexed; then
        make the store ready: journal triggers installed, derived tables rebuilt if a migration asked."""
        chain_id = self.rpc.chain_id()
        if chain_id != self.deployment.chain_id:
            raise DeploymentError(
                f"The RPC endpoint serves chain {chain_id}, the deployment record is for chain "
                f"{self.deployment.chain_id}: check CROWDLEDGER_RPC_URL and CROWDLEDGER_DEPLOYMENT"
            )
        start = self.deployment.start_block
        anchor = self.rpc.block(start - 1) if start > 0 else None
        with self.engine.begin() as conn:
            lock_for_migration(conn)  # two indexers starting on a fresh store must not both create the cursor
            state = conn.execute(select(SyncState)).first()
            if state is None:
                self._create_state(conn, anchor_hash=anchor.hash if anchor else None)
            elif state.chain_id != chain_id:
                raise DeploymentError(
                    f"The database holds chain {state.chain_id}; this deployment is on chain {chain_id}: "
                    "use another CROWDLEDGER_DATABASE_URL"
                )
            elif state.anchor_hash is None and anchor is not None:  # an index made before anchors were kept
                conn.execute(update(SyncState).values(anchor_hash=anchor.hash))
            journal.install(conn, _TABLES)
            if state is not None and state.rebuild_required:
                log.warning("Rebuilding the derived tables from the raw events (asked by a migration)")
                rebuild(conn)
                conn.execute(
                    update(SyncState).values(rebuild_required=False, journal_floor=state.next_block - 1)
                )

    # ------------------------------------------------------------------ one step

    def step(self) -> Progress:
        """Index the next block range (or undo a reorg). Returns where the index stands."""
        head = self.rpc.head()
        target = head - self.confirmations
        with self.engine.connect() as conn:
            next_block = conn.execute(select(SyncState.next_block)).scalar_one()
        if next_block > target:
            self._discard_prefetched()
            if not self._newest_is_on_chain():
                self.rollback()
            self._touch(head, IndexerStatus.FOLLOWING)
            return Progress(next_block, target, 0)

        first, last = next_block, min(target, next_block + self.span - 1)
        ahead = self._take_prefetched(first)
        if ahead is not None:
            last = ahead[0]
        try:
            fetched = ahead[1].result() if ahead is not None else self._fetch(first, last)
        except _Inconsistent:  # the chain changed under us: read again
            return Progress(first, target, 0)
        except CrowdLedgerError as failure:  # whatever the words, a failed read of several blocks narrows
            if self._shrink(first, last, failure):
                return Progress(first, target, 0)
            raise
        stored = self._stored_hash(first - 1)
        if stored is not None and fetched.parent_hash != stored:
            log.warning(
                "Block %d no longer follows the indexed block %d: the chain reorganised", first, first - 1
            )
            self._discard_prefetched()
            self.rollback()
            return Progress(first, target, 0)
        self._grow(fetched)
        if fetched.last < target:  # read the next range while this one is written
            self._prefetch(fetched.last + 1, min(target, fetched.last + self.span))
        self._commit(fetched, head)
        return Progress(fetched.last + 1, target, len(fetched.events))

    def _fetch(self, first: int, last: int) -> _Range:
        end = self.rpc.block(last)
        # A provider may refuse a wide query or time out on it: try it once, so the range shrinks instead.
        logs = self.rpc.logs(first, last, self.decoder.addresses, attempts=1 if last > first else None)
        # If the chain reorganised while we read, the range's end block changed: read the range again.
        end_after = self.rpc.block(last)
        if end is None or end_after is None or end.hash != end_after.hash:
            raise _Inconsistent()
        # Read after the logs, so that a reorg before them shows as a parent the index does not hold.
        start = end_after if first == last else self.rpc.block(first)
        if start is None:
            raise _Inconsistent()
        events = self.decoder.decode(logs)
        timestamps = {end.number: end.timestamp}
        for raw in logs:
            if raw.get("blockTimestamp") is not None:
                timestamps[int(raw["blockNumber"], 16)] = int(raw["blockTimestamp"], 16)
        for event in events:  # providers that leave blockTimestamp out cost one header per block
            if event.block_number not in timestamps:
                block = self.rpc.block(event.block_number)
                if block is None or block.hash != event.block_hash:
                    raise _Inconsistent()
                timestamps[block.number] = block.timestamp
        return _Range(first, last, events, timestamps, end, start.parent_hash)

    # ------------------------------------------------------------------ ranges that adapt

    def _prefetch(self, first: int, last: int) -> None:
        if self._prefetcher is None:
            self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
        self._prefetched = (first, last, self._prefetcher.submit(self._fetch, first, last))

    def _take_prefetched(self, first: int) -> tuple[int, Future[_Range]] | None:
        """The end and the read of the range read ahead, if it starts where the index stands."""
        if self._prefetched is None:
            return None
        start, last, future = self._prefetched
        if start != first:
            self._discard_prefetched()
            return None
        self._prefetched = None
        return last, future

    def _discard_prefetched(self) -> None:
        if self._prefetched is not None:
            future = self._prefetched[2]
            self._prefetched = None
            future.cancel()
            try:
                future.exception()  # wait for it, so no read is left running against a changed index
            except Exception:  # noqa: BLE001 - whatever it was, it is thrown away with the range
                pass

    def _shrink(self, first: int, last: int, failure: Exception) -> bool:
        """After a failed read of blocks first..last: narrow the range and say so; False when it was one block
        already (then the failure is the caller's to handle)."""
        width = last - first + 1
        if width <= 1:
            return False
        self.span = self.ceiling = max(1, width // 2)
        self._successes = 0
        log.info("A log query over %d blocks failed (%s); trying %d", width, failure, self.span)
        return True

    def _grow(self, fetched: _Range) -> None:
        """Next, as many blocks as should hold about EVENTS_PER_RANGE events at this density, so that a dense
        stretch of chain never makes one huge response and commit; ranges grow back where blocks are empty."""
        self._successes += 1
        if self._successes >= _GROW_AFTER and self.ceiling < self.max_span:
            self.ceiling = min(self.max_span, self.ceiling * 2)
            self._successes = 0
        blocks = fetched.last - fetched.first + 1
        count = len(fetched.events)
        density_span = blocks * EVENTS_PER_RANGE // count if count else blocks * 2
        self.span = max(1, min(self.max_span, self.ceiling, density_span, self.span * 2))

    # ------------------------------------------------------------------ writing a range

    def _commit(self, fetched: _Range, head: int) -> None:
        first, last, events, timestamps = fetched.first, fetched.last, fetched.events, fetched.timestamps
        blocks = {e.block_number: e.block_hash for e in events}
        blocks[last] = fetched.end.hash
        final = head - self.finality_depth  # blocks up to here can no longer change
        decoded = [e for e in events if e.error is None]
        with self.engine.begin() as conn:
            cursor, floor = conn.execute(
                select(SyncState.next_block, SyncState.journal_floor).with_for_update()
            ).one()
            if cursor != first:
                raise StoreError("another indexer is writing to this database; run one indexer per database")
            if decoded:
                acting = crowdfund.actors(conn, decoded)
                rows = [_raw_row(e, timestamps[e.block_number], acting.get(e.key)) for e in decoded]
                _insert_events(conn, rows)
            _skip(conn, [e for e in events if e.error is not None], "decode")
            # Only the newest range end is kept beside the blocks with events, so the table does not depend
            # on how the chain was cut into ranges (a resumed run ends with the same rows as a straight one).
            no_events = ~select(RawEvent.block_number).where(RawEvent.block_number == first - 1).exists()
            conn.execute(delete(IndexedBlock).where(IndexedBlock.number == first - 1, no_events))
            conn.execute(
                insert(IndexedBlock),
                [{"number": n, "hash": h, "timestamp": timestamps[n]} for n, h in sorted(blocks.items())],
            )
            # A range holding blocks that can still be reorganised away is applied with the journal on, its
            # changes tagged with the range's end; the journal can undo back to any block from its floor on.
            if last > final:
                journal.record(conn, last)
                _apply(conn, decoded, timestamps)
                journal.record(conn, None)
                # Ranges that became final are forgotten, whole: the floor stays on a range boundary.
                settled = journal.newest_range_end(conn, final)
                if settled is not None and settled > floor:
                    journal.prune(conn, settled)
                    floor = settled
            else:
                _apply(conn, decoded, timestamps)
                journal.clear(conn)
                floor = last
            conn.execute(
                update(SyncState).values(
                    next_block=last + 1,
                    indexed_timestamp=fetched.end.timestamp,
                    chain_head=head,
                    journal_floor=floor,
                    updated_at=time.time(),
                    heartbeat_at=time.time(),
                    status=IndexerStatus.INDEXING,
                )
            )

    def _create_state(self, conn: Connection, **values: Any) -> None:
        """The cursor at the deployment's first block: made at the first start (or first failure to start,
        so that /status has somewhere to show it)."""
        start = self.deployment.start_block
        conn.execute(
            insert(SyncState).values(
                id=1,
                chain_id=self.deployment.chain_id,
                next_block=start,
                indexed_timestamp=0,
                chain_head=0,
                updated_at=time.time(),
                journal_floor=start - 1,
                **values,
            )
        )

    def _touch(self, head: int, status: IndexerStatus) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(SyncState).values(chain_head=head, heartbeat_at=time.time(), status=status))

    # ------------------------------------------------------------------ reorgs

    def _stored_hash(self, number: int) -> str | None:
        """The hash the index holds for block `number`: a range end, a block with events, or the anchor."""
        with self.engine.connect() as conn:
            stored = conn.execute(select(IndexedBlock.hash).where(IndexedBlock.number == number)).scalar()
            if stored is None and number == self.deployment.start_block - 1:
                stored = conn.execute(select(SyncState.anchor_hash)).scalar()
        return stored

    def _newest_is_on_chain(self) -> bool:
        with self.engine.connect() as conn:
            newest = conn.execute(select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(1)).first()
        if newest is None:
            return True
        on_chain = self.rpc.block(newest.number)
        return on_chain is not None and on_chain.hash == newest.hash

    def rollback(self) -> int:
        """Undo every block the chain no longer has; returns the newest block kept."""
        with self.engine.begin() as conn:
            state = conn.execute(select(SyncState).with_for_update()).one()
            kept = self._common_ancestor(conn, state.anchor_hash)
            kept_time = conn.execute(
                select(IndexedBlock.timestamp).where(IndexedBlock.number == kept)
            ).scalar()
            depth = state.next_block - 1 - kept
            conn.execute(delete(RawEvent).where(RawEvent.block_number > kept))
            conn.execute(delete(IndexedBlock).where(IndexedBlock.number > kept))
            conn.execute(delete(SkippedEvent).where(SkippedEvent.block_number > kept))
            floor = state.journal_floor
            if kept >= floor:
                # Undoing the ranges that end after `kept` takes the derived tables back to the end of the
                # range before them; the events from there to `kept` are applied again, from the raw events.
                resume = max(floor, journal.newest_range_end(conn, kept) or floor)
                undone = journal.undo(conn, _TABLES, kept)
                journal.record(conn, kept)
                for events, timestamps in _replay(conn, after=resume, through=kept):
                    _apply(conn, events, timestamps)
                journal.record(conn, None)
                log.warning(
                    "Chain reorganised: undid %d blocks (%d derived-row changes) back to block %d",
                    depth,
                    undone,
                    kept,
                )
            else:
                log.warning(
                    "Chain reorganised %d blocks deep, below the journal (it reaches block %d; raise "
                    "CROWDLEDGER_FINALITY_DEPTH if this chain reorganises so deep): rebuilding from block %d",
                    depth,
                    floor,
                    kept,
                )
                rebuild(conn)
                journal.clear(conn)
                floor = kept
            conn.execute(
                update(SyncState).values(
                    next_block=kept + 1,
                    indexed_timestamp=kept_time or 0,
                    journal_floor=floor,
                    updated_at=time.time(),
                    heartbeat_at=time.time(),
                )
            )
        return kept

    def _common_ancestor(self, conn: Connection, anchor_hash: str | None) -> int:
        """The newest block the index holds that the chain still has; ReorgTooDeep when there is none."""
        for row in conn.execute(
            select(IndexedBlock.number, IndexedBlock.hash).order_by(IndexedBlock.number.desc())
        ):
            on_chain = self.rpc.block(row.number)
            if on_chain is not None and on_chain.hash == row.hash:
                return int(row.number)
        start = self.deployment.start_block
        if start == 0:
            return -1
        on_chain = self.rpc.block(start - 1)
        if anchor_hash is None or (on_chain is not None and on_chain.hash == anchor_hash):
            return start - 1
        raise ReorgTooDeep(
            f"The chain reorganised below block {start}, where the deployment starts: no block this index "
            "holds is on the chain any more. Check the deployment record, then index into a fresh database"
        )

    # ------------------------------------------------------------------ the loop

    def run(
        self,
        follow: bool,
        poll_seconds: float = 1.0,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Backfill to the head; with `follow`, then keep following new blocks until `should_stop`.

        Transient failures (the node or the database unreachable, refusals) are retried with backoff, from
        start-up on, and shown in the cursor's status and last error; a failure that needs a person is
        recorded as the status `failed` and raised."""
        _freeze_what_lives_on()
        try:
            self._loop(follow, poll_seconds, on_progress, should_stop)
        except NotRetryableError as failure:
            self._note(IndexerStatus.FAILED, str(failure))
            raise
        finally:
            self.close()
        self._note(IndexerStatus.STOPPED, None)

    def _loop(
        self,
        follow: bool,
        poll_seconds: float,
        on_progress: Callable[[Progress], None] | None,
        should_stop: Callable[[], bool],
    ) -> None:
        delay = poll_seconds
        checked = False
        while not should_stop():
            try:
                if not checked:
                    self.check_chain()
                    checked = True
                with _rare_young_collections():
                    progress = self.step()
            except (RetryableError, OperationalError, InterfaceError) as failure:
                reason = _reason(failure)
                log.warning("%s; retrying in %.1fs", reason, delay)
                self._note(IndexerStatus.RETRYING, reason)
                _sleep(delay, should_stop)
                delay = min(delay * 2, 60.0)
                continue
            delay = poll_seconds
            if on_progress is not None:
                on_progress(progress)
            if progress.next_block > progress.target:
                if not follow:
                    return
                _sleep(poll_seconds, should_stop)

    def _note(self, status: IndexerStatus, error: str | None) -> None:
        """Record the loop's state for /status: best effort, as the database may be what is failing."""
        values: dict[str, Any] = {"status": status, "heartbeat_at": time.time()}
        if error is not None:
            values.update(last_error=error[:2000], last_error_at=time.time())
        try:
            with self.engine.begin() as conn:
                if conn.execute(update(SyncState).values(**values)).rowcount == 0:
                    self._create_state(conn, **values)
        except (OperationalError, InterfaceError) as failure:
            log.debug("Could not record the indexer's state: %s", failure)


# Python's cycle collector and a backfill. A backfill makes millions of short-lived objects (logs, events,
# rows), which reference counting frees, and next to no cycles; at the collector's defaults (a collection
# every 700 new objects) the ranges in flight were promoted to the oldest generation, then walked whole
# every few ranges with everything else alive: a fifth of the indexer's CPU (docs/OPERATIONS.md).


def _freeze_what_lives_on() -> None:
    """Move what exists when indexing starts (modules, engine, ABI tables) out of the collector's walks, as
    the API does at start-up: after a collection, so that nothing dead is kept (a run restarted after a
    failure leaves the failed one's objects), and never undone (unfreezing is all or nothing, and the API
    beside the indexer froze too). A collection then walks only what was made since the last freeze."""
    gc.collect()
    gc.freeze()


@contextmanager
def _rare_young_collections() -> Iterator[None]:
    """Young collections 100 times less often while a step reads and writes a range; restored after it, so
    that the API beside the indexer (crowdledger run) keeps the collector's pace between steps."""
    threshold = gc.get_threshold()
    gc.set_threshold(_YOUNG_COLLECTION_EVERY, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _reason(failure: Exception) -> str:
    if isinstance(failure, (OperationalError, InterfaceError)):
        return f"the database failed: {getattr(failure, 'orig', None) or failure}"
    return str(failure)


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    """Sleep, waking early when asked to stop."""
    deadline = time.monotonic() + seconds
    while not should_stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))


# ----------------------------------------------------------------------------- derived tables


def _apply(conn: Connection, events: Sequence[Event], timestamps: dict[int, int]) -> None:
    """Apply events to the derived tables. If a projection refuses the batch, apply them one by one, each in
    a savepoint, and record the ones refused in skipped_events: one impossible event costs only itself."""
    if not events:
        return
    try:
        with conn.begin_nested():
            for project in PROJECTIONS:
                project(conn, events, timestamps)
        return
    except (OperationalError, InterfaceError):
        raise  # the database itself failed: the range is retried
    except Exception:  # noqa: BLE001 - a projection's refusal, of whatever kind; found again below
        pass
    refused = []
    for event in events:
        try:
            with conn.begin_nested():
                for project in PROJECTIONS:
                    project(conn, [event], timestamps)
        except (OperationalError, InterfaceError):
            raise
        except Exception as failure:  # noqa: BLE001
            refused.append((event, f"{type(failure).__name__}: {failure}"))
    for event, reason in refused:
        log.error("Skipped %s.%s at %d:%d: %s", event.contract, event.name, *event.key, reason)
    _skip(conn, [e for e, _ in refused], "apply", [r for _, r in refused])


def _skip(conn: Connection, events: list[Event], stage: str, reasons: list[str] | None = None) -> None:
    if not events:
        return
    conn.execute(
        insert(SkippedEvent),
        [
            {
                "block_number": e.block_number,
                "log_index": e.log_index,
                "contract": e.contract,
                "name": e.name,
                "stage": stage,
                "error": (reasons[i] if reasons else e.error or "")[:2000],
                "log": e.exact if stage == "decode" else None,
            }
            for i, e in enumerate(events)
        ],
    )


def rebuild(conn: Connection) -> None:
    """Recompute every derived table from the raw events alone."""
    journal.record(conn, None)
    for table in reversed(DERIVED_TABLES):
        conn.execute(delete(table))
    conn.execute(delete(SkippedEvent).where(SkippedEvent.stage == "apply"))
    for events, timestamps in _replay(conn):
        _apply(conn, events, timestamps)


def _replay(
    conn: Connection, after: int = -1, through: int | None = None
) -> Iterator[tuple[list[Event], dict[int, int]]]:
    """The raw events of the blocks after `after` (up to `through`), in chain order, in chunks."""
    if through is not None and after >= through:
        return
    position = (after, 2**31 - 1)  # after every log of block `after` (log_index is a 32-bit column)
    while True:
        # A row comparison, which both stores answer from the primary key's index.
        query = select(RawEvent).where(tuple_(RawEvent.block_number, RawEvent.log_index) > tuple_(*position))
        if through is not None:
            query = query.where(RawEvent.block_number <= through)
        rows = conn.execute(
            query.order_by(RawEvent.block_number, RawEvent.log_index).limit(_REPLAY_CHUNK)
        ).all()
        if not rows:
            return
        yield (
            [
                Event(r.block_number, r.log_index, "", r.tx_hash, r.contract, r.name, r.args, r.exact)
                for r in rows
            ],
            {r.block_number: r.timestamp for r in rows},
        )
        position = (rows[-1].block_number, rows[-1].log_index)


# ----------------------------------------------------------------------------- raw events


_actor_fields: dict[tuple[str, str], str | None] = {}  # the field naming the actor, by (contract, event)


def _actor(event: Event) -> str | None:
    """The account acting in `event`: the first of _ACTOR_FIELDS it has that holds an address (which field
    that is depends only on the event's ABI, so it is found once per event type)."""
    kind = (event.contract, event.name)
    if kind not in _actor_fields:
        _actor_fields[kind] = next(
            (
                name
                for name in _ACTOR_FIELDS
                if isinstance(value := event.args.get(name), str)
                and len(value) == 42
                and value.startswith("0x")
            ),
            None,
        )
    field = _actor_fields[kind]
    return event.args[field] if field is not None else None


_EVENT_COLUMNS = "block_number, log_index, timestamp, tx_hash, contract, name, actor, args, exact"
_encode = msgspec.json.Encoder().encode  # ten times the json module's speed, integers of any width


def _dump(value: Any) -> str:
    return _encode(value).decode()


def _raw_row(event: Event, timestamp: int, actor: str | None) -> tuple[Any, ...]:
    """An `events` row as the driver takes it (_EVENT_COLUMNS), JSON columns as text."""
    return (
        event.block_number,
        event.log_index,
        timestamp,
        event.tx_hash,
        event.contract,
        event.name,
        actor or _actor(event),
        _dump(event.args),
        _dump(event.exact) if event.exact is not None else None,
    )


def _insert_events(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Raw events in bulk, straight to the driver (the columns are plain: numbers, text, JSON as text):
    PostgreSQL's COPY, several times faster than INSERT for a range's thousands of rows; SQLite's
    executemany of one prepared INSERT of many rows (a third faster than a row per step, and each step lets
    the thread reading ahead take the interpreter lock, which it then keeps for a while)."""
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor().copy(f"COPY events ({_EVENT_COLUMNS}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    width = len(rows[0])
    per_step = max(1, min(500, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))  # type: ignore[union-attr]
    row_marks = f"({', '.join('?' * width)})"
    whole = len(rows) - len(rows) % per_step
    if whole:
        conn.exec_driver_sql(
            f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES {', '.join([row_marks] * per_step)}",
            [tuple(chain.from_iterable(rows[i : i + per_step])) for i in range(0, whole, per_step)],
        )
    if whole < len(rows):
        conn.exec_driver_sql(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES {row_marks}", rows[whole:])
