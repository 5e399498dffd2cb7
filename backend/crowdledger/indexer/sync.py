"""The indexer loop: follow the chain block range by block range into SQL.

Each range is committed with the cursor in one transaction, so a crash at any point leaves the store at a
range boundary and a restart continues from there (idempotent: the same rows as an uninterrupted run).
Before each range the hash of the newest indexed block is compared with the chain's; when they differ the
chain reorganised, and the index rolls back to the newest block both agree on and rebuilds the derived tables
from the raw events that remain.
"""

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from crowdledger.chain.decode import Decoder, Event
from crowdledger.chain.rpc import Block, Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import DeploymentError, RangeTooLarge, RetryableError, RpcError
from crowdledger.indexer import bounty, crowdfund, reputation
from crowdledger.store.models import DERIVED_TABLES, IndexedBlock, RawEvent, SyncState

log = logging.getLogger(__name__)

PROJECTIONS: list[Callable[[Connection, Sequence[Event], dict[int, int]], None]] = [
    crowdfund.apply,
    reputation.apply,
    bounty.apply,
]
_REPLAY_CHUNK = 20_000  # events per projection call when rebuilding
EVENTS_PER_RANGE = 20_000  # what a block range aims to hold: about one commit's worth
# The argument naming the account that acted, in the order looked for; it feeds account histories.
_ACTOR_FIELDS = (
    "backer",
    "creator",
    "requester",
    "worker",
    "rater",
    "subject",
    "account",
    "to",
)  # events per projection call when rebuilding


@dataclass(frozen=True)
class Progress:
    next_block: int
    target: int  # the block the index is heading for (the head minus the confirmation depth)
    events: int  # indexed by this step


class Indexer:
    def __init__(
        self,
        engine: Engine,
        rpc: Rpc,
        deployment: Deployment,
        confirmations: int = 0,
        batch_blocks: int = 10_000,
    ) -> None:
        self.engine = engine
        self.rpc = rpc
        self.deployment = deployment
        self.confirmations = confirmations
        # The range adapts: it starts small, doubles after each success up to batch_blocks, follows the event
        # density (EVENTS_PER_RANGE) and halves when the provider refuses it.
        self.span = min(batch_blocks, 100)
        self.max_span = batch_blocks
        self.decoder = Decoder(deployment)

    # ------------------------------------------------------------------ the cursor

    def _state(self, conn: Connection) -> SyncState:
        row = conn.execute(select(SyncState)).first()
        return SyncState(**row._mapping) if row else None  # type: ignore[return-value]

    def check_chain(self) -> None:
        """Refuse to index a chain other than the deployment's, or other than the one already indexed."""
        chain_id = self.rpc.chain_id()
        if chain_id != self.deployment.chain_id:
            raise DeploymentError(
                f"The RPC endpoint serves chain {chain_id}, the deployment record is for chain "
                f"{self.deployment.chain_id}: check CROWDLEDGER_RPC_URL and CROWDLEDGER_DEPLOYMENT"
            )
        with self.engine.begin() as conn:
            row = conn.execute(select(SyncState.chain_id)).first()
            if row is None:
                conn.execute(
                    insert(SyncState).values(
                        id=1,
                        chain_id=chain_id,
                        next_block=self.deployment.start_block,
                        indexed_timestamp=0,
                        chain_head=0,
                        updated_at=time.time(),
                    )
                )
            elif row.chain_id != chain_id:
                raise DeploymentError(
                    f"The database holds chain {row.chain_id}; this deployment is on chain {chain_id}: "
                    "use another CROWDLEDGER_DATABASE_URL"
                )

    # ------------------------------------------------------------------ one step

    def step(self) -> Progress:
        """Index the next block range (or undo a reorg). Returns where the index stands."""
        head = self.rpc.head()
        target = head - self.confirmations
        with self.engine.connect() as conn:
            next_block = conn.execute(select(SyncState.next_block)).scalar_one()
            newest = conn.execute(select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(1)).first()
        if newest is not None:
            on_chain = self.rpc.block(newest.number)
            if on_chain is None or on_chain.hash != newest.hash:
                self.rollback()
                return self.step()
        if next_block > target:
            self._touch(head)
            return Progress(next_block, target, 0)

        first, last = next_block, min(target, next_block + self.span - 1)
        try:
            events, timestamps, end = self._fetch(first, last)
        except RangeTooLarge:
            if self.span == 1:
                raise
            self.span = max(1, self.span // 2)
            log.info("The provider refused %d blocks at once; trying %d", last - first + 1, self.span)
            return Progress(first, target, 0)
        if end is None:  # the chain shortened under us: a reorg the next step will undo
            return Progress(first, target, 0)
        self._commit(first, last, events, timestamps, end, head)
        # Next, as many blocks as should hold about EVENTS_PER_RANGE events at this density, so that a dense
        # stretch of chain never makes one huge response and commit; ranges grow back where blocks are empty.
        blocks = last - first + 1
        density_span = blocks * EVENTS_PER_RANGE // len(events) if events else blocks * 2
        self.span = max(1, min(self.max_span, density_span, self.span * 2))
        return Progress(last + 1, target, len(events))

    def _fetch(self, first: int, last: int) -> tuple[list[Event], dict[int, int], Block | None]:
        end = self.rpc.block(last)
        logs = self.rpc.logs(first, last, self.decoder.addresses)
        # If the chain reorganised while we read, the range's end block changed: read the range again.
        end_after = self.rpc.block(last)
        if end is None or end_after is None or end.hash != end_after.hash:
            return [], {}, None
        events = self.decoder.decode(logs)
        timestamps = {end.number: end.timestamp}
        for raw in logs:
            number = int(raw["blockNumber"], 16)
            if "blockTimestamp" in raw and raw["blockTimestamp"] is not None:
                timestamps[number] = int(raw["blockTimestamp"], 16)
        for event in events:  # providers that leave blockTimestamp out cost one header per block
            if event.block_number not in timestamps:
                block = self.rpc.block(event.block_number)
                if block is None or block.hash != event.block_hash:
                    return [], {}, None
                timestamps[block.number] = block.timestamp
        return events, timestamps, end

    def _commit(
        self, first: int, last: int, events: list[Event], timestamps: dict[int, int], end: Block, head: int
    ) -> None:
        blocks = {e.block_number: e.block_hash for e in events}
        blocks[end.number] = end.hash
        with self.engine.begin() as conn:
            if conn.execute(select(SyncState.next_block)).scalar_one() != first:
                raise RpcError("another indexer is writing to this database")  # not retryable: two writers
            if events:
                acting = crowdfund.actors(conn, events)
                rows = [_raw_row(e, timestamps[e.block_number], acting.get(e.key)) for e in events]
                _insert_events(conn, rows)
            # Only the newest range end is kept beside the blocks with events, so the table does not depend
            # on how the chain was cut into ranges (a resumed run ends with the same rows as a straight one).
            no_events = ~select(RawEvent.block_number).where(RawEvent.block_number == first - 1).exists()
            conn.execute(delete(IndexedBlock).where(IndexedBlock.number == first - 1, no_events))
            conn.execute(
                insert(IndexedBlock),
                [{"number": n, "hash": h, "timestamp": timestamps[n]} for n, h in sorted(blocks.items())],
            )
            for project in PROJECTIONS:
                project(conn, events, timestamps)
            conn.execute(
                SyncState.__table__.update().values(  # type: ignore[attr-defined]
                    next_block=last + 1,
                    indexed_timestamp=end.timestamp,
                    chain_head=head,
                    updated_at=time.time(),
                )
            )

    def _touch(self, head: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                SyncState.__table__.update().values(chain_head=head, updated_at=time.time())  # type: ignore[attr-defined]
            )

    # ------------------------------------------------------------------ reorgs

    def rollback(self) -> int:
        """Undo every block the chain no longer has; returns the newest block kept."""
        with self.engine.begin() as conn:
            kept = self.deployment.start_block - 1
            for row in conn.execute(select(IndexedBlock).order_by(IndexedBlock.number.desc())):
                on_chain = self.rpc.block(row.number)
                if on_chain is not None and on_chain.hash == row.hash:
                    kept = row.number
                    break
            kept_time = conn.execute(
                select(IndexedBlock.timestamp).where(IndexedBlock.number == kept)
            ).scalar()
            log.warning("Chain reorganised: rolling the index back to block %d and rebuilding", kept)
            conn.execute(delete(RawEvent).where(RawEvent.block_number > kept))
            conn.execute(delete(IndexedBlock).where(IndexedBlock.number > kept))
            rebuild(conn)
            conn.execute(
                SyncState.__table__.update().values(  # type: ignore[attr-defined]
                    next_block=kept + 1, indexed_timestamp=kept_time or 0, updated_at=time.time()
                )
            )
        return kept

    # ------------------------------------------------------------------ the loop

    def run(
        self,
        follow: bool,
        poll_seconds: float = 1.0,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Backfill to the head; with `follow`, then keep following new blocks until `should_stop`."""
        delay = poll_seconds
        checked = False
        while not should_stop():
            try:
                if not checked:
                    self.check_chain()
                    checked = True
                progress = self.step()
            except RetryableError as failure:
                log.warning("%s; retrying in %.0fs", failure, delay)
                time.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            delay = poll_seconds
            if on_progress is not None:
                on_progress(progress)
            if progress.next_block > progress.target:
                if not follow:
                    return
                time.sleep(poll_seconds)


def rebuild(conn: Connection) -> None:
    """Recompute every derived table from the raw events alone."""
    for table in reversed(DERIVED_TABLES):
        conn.execute(delete(table))
    after = (-1, -1)
    while True:
        rows = conn.execute(
            select(RawEvent)
            .where(
                (RawEvent.block_number > after[0])
                | ((RawEvent.block_number == after[0]) & (RawEvent.log_index > after[1]))
            )
            .order_by(RawEvent.block_number, RawEvent.log_index)
            .limit(_REPLAY_CHUNK)
        ).all()
        if not rows:
            return
        events = [Event(r.block_number, r.log_index, "", r.tx_hash, r.contract, r.name, r.args) for r in rows]
        timestamps = {r.block_number: r.timestamp for r in rows}
        for project in PROJECTIONS:
            project(conn, events, timestamps)
        after = (rows[-1].block_number, rows[-1].log_index)


def _raw_row(event: Event, timestamp: int, actor: str | None) -> dict[str, Any]:
    return {
        "block_number": event.block_number,
        "log_index": event.log_index,
        "timestamp": timestamp,
        "tx_hash": event.tx_hash,
        "contract": event.contract,
        "name": event.name,
        "actor": actor or next((event.args[k] for k in _ACTOR_FIELDS if k in event.args), None),
        "args": event.args,
    }


def _insert_events(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Raw events in bulk: PostgreSQL's COPY (several times faster than INSERT for a range's thousands of
    rows), a plain bulk INSERT elsewhere."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(RawEvent), rows)
        return
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY events ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c == "args" else row[c] for c in columns])
