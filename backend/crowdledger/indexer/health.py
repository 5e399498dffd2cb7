"""Is the index fit to serve? One answer for /status, /ready and `crowdledger status`.

The indexer's own view of the chain head is not evidence: a dead indexer's view never moves. So the head is
asked of the node by the reader (or, when the node does not answer, the indexer's last view is shown and
said to be that), and the indexer's liveness is its heartbeat, written as its loop goes.
"""

import time
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from crowdledger.store.models import SkippedEvent, SyncState


@dataclass(frozen=True)
class Health:
    chain_id: int
    indexed_block: int
    chain_time: int  # the time of the newest indexed block
    chain_head: int
    chain_head_from: str  # "node", or "indexer" when the node did not answer (see node_error)
    node_error: str | None
    blocks_behind: int
    seconds_since_update: float  # since the last range was written
    indexer: str  # crowdledger.indexer.sync.IndexerStatus
    heartbeat_age: float | None  # seconds since the indexer last showed a sign of life; None: never
    last_error: str | None
    last_error_age: float | None
    skipped_events: int
    problems: list[str]  # why the index is not ready; empty when it is

    @property
    def ready(self) -> bool:
        return not self.problems


def assess(
    conn: Connection,
    node_head: int | None,
    node_error: str | None,
    max_blocks_behind: int,
    stall_seconds: float,
) -> Health | None:
    """The index's health, or None when no indexer has ever started on this database."""
    state = conn.execute(select(SyncState)).first()
    if state is None:
        return None
    skipped = conn.execute(select(func.count()).select_from(SkippedEvent)).scalar_one()
    now = time.time()
    indexed = state.next_block - 1
    head = node_head if node_head is not None else state.chain_head
    behind = max(0, head - indexed)
    heartbeat_age = now - state.heartbeat_at if state.heartbeat_at is not None else None
    problems = []
    if state.indexed_timestamp == 0:
        problems.append("the indexer has not indexed anything yet")
    if state.status == "failed":
        problems.append(f"the indexer stopped on a failure: {state.last_error}")
    elif heartbeat_age is None or heartbeat_age > stall_seconds:  # stopped, dead or stuck: all look alike
        seen = "never" if heartbeat_age is None else f"{heartbeat_age:,.0f} s ago"
        problems.append(f"the indexer is not running or stalled: last seen {seen}")
    if behind > max_blocks_behind:
        problems.append(
            f"the index is {behind:,} blocks behind the chain head (at most {max_blocks_behind:,})"
        )
    return Health(
        chain_id=state.chain_id,
        indexed_block=indexed,
        chain_time=state.indexed_timestamp,
        chain_head=head,
        chain_head_from="node" if node_head is not None else "indexer",
        node_error=node_error,
        blocks_behind=behind,
        seconds_since_update=round(now - state.updated_at, 3),
        indexer=state.status,
        heartbeat_age=round(heartbeat_age, 3) if heartbeat_age is not None else None,
        last_error=state.last_error,
        last_error_age=round(now - state.last_error_at, 3) if state.last_error_at is not None else None,
        skipped_events=skipped,
        problems=problems,
    )
