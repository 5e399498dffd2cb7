"""The indexer's database against the replay: nothing missing, extra or altered.

Raw events are compared as the chain streams by, in one pass with the database read in key order beside it
(a merge join: memory holds one page of rows). The derived tables are compared with the rows each replay says
the indexer should hold, when the index stands at the audited block; columns the chain cannot know (campaign
metadata fetched from its URI) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, Table, select

from crowdledger.audit.model import CheckResult, EventRef, Mismatch
from crowdledger.audit.replay.base import Replay, Row
from crowdledger.chain.decode import Event
from crowdledger.store.models import Base, RawEvent, SyncState

PAGE = 5_000


def indexed_block(engine: Engine) -> tuple[int, int] | None:
    """(chain id, the last block the index holds) or None when nothing is indexed."""
    with engine.connect() as conn:
        row = conn.execute(select(SyncState.chain_id, SyncState.next_block)).first()
    return None if row is None else (row.chain_id, row.next_block - 1)


class EventComparer:
    """Fed the chain's events in order; compares each with the database's `events` table."""

    def __init__(self, engine: Engine, last_block: int, result: CheckResult) -> None:
        self.engine = engine
        self.last_block = last_block
        self.result = result
        self.compared = 0
        self._rows = self._read()
        self._row: Any = next(self._rows, None)

    def _read(self) -> Iterator[Any]:
        after = (-1, -1)
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(RawEvent)
                    .where(
                        (RawEvent.block_number <= self.last_block)
                        & (
                            (RawEvent.block_number > after[0])
                            | ((RawEvent.block_number == after[0]) & (RawEvent.log_index > after[1]))
                        )
                    )
                    .order_by(RawEvent.block_number, RawEvent.log_index)
                    .limit(PAGE)
                ).all()
            if not rows:
                return
            yield from rows
            after = (rows[-1].block_number, rows[-1].log_index)

    def _extra(self, row: Any) -> None:
        ref = EventRef(row.block_number, row.log_index, row.tx_hash, row.name)
        self.result.add(
            Mismatch(
                "index",
                f"events row ({row.block_number}, {row.log_index})",
                f"extra: the index holds a {row.contract}.{row.name} the chain does not have",
                (ref,),
            )
        )

    def feed(self, event: Event) -> None:
        self.compared += 1
        while self._row is not None and (self._row.block_number, self._row.log_index) < event.key:
            self._extra(self._row)
            self._row = next(self._rows, None)
        ref = EventRef.of(event)
        subject = f"events row {event.key}"
        row = self._row
        if row is None or (row.block_number, row.log_index) != event.key:
            self.result.add(
                Mismatch("index", subject, f"missing: {event.contract}.{event.name} is not indexed", (ref,))
            )
            return
        self._row = next(self._rows, None)
        found = {"tx_hash": row.tx_hash, "contract": row.contract, "name": row.name, "args": row.args}
        expected = {
            "tx_hash": event.tx_hash,
            "contract": event.contract,
            "name": event.name,
            "args": event.args,
        }
        wrong = [
            f"{k}: index {found[k]!r}, chain {expected[k]!r}" for k in expected if found[k] != expected[k]
        ]
        if wrong:
            self.result.add(Mismatch("index", subject, "altered: " + "; ".join(wrong), (ref,)))

    def finish(self) -> None:
        while self._row is not None:
            self._extra(self._row)
            self._row = next(self._rows, None)


def _comparable(value: Any) -> Any:
    return value.lower() if isinstance(value, str) and value.startswith("0x") else value


def compare_tables(engine: Engine, replays: list[Replay], result: CheckResult) -> int:
    """Every derived table some replay describes, row by row; returns the number of rows compared."""
    compared = 0
    tables = Base.metadata.tables
    for replay in replays:
        for name, rows in replay.index_rows().items():
            table: Table = tables[name]
            key_columns = [c.name for c in table.primary_key.columns]
            expected: dict[tuple[Any, ...], Row] = {
                tuple(_comparable(r[c]) for c in key_columns): r for r in rows
            }
            with engine.connect() as conn:
                for found in conn.execute(select(table)).mappings():
                    compared += 1
                    key = tuple(_comparable(found[c]) for c in key_columns)
                    want = expected.pop(key, None)
                    subject = f"{name} row {key if len(key) > 1 else key[0]}"
                    if want is None:
                        result.add(Mismatch("index", subject, "extra: the replay has no such row"))
                        continue
                    wrong = [
                        f"{column}: index {found[column]!r}, replay {value!r}"
                        for column, value in want.items()
                        if not column.startswith("_") and _comparable(found[column]) != _comparable(value)
                    ]
                    if wrong:
                        result.add(
                            Mismatch(
                                "index", subject, "altered: " + "; ".join(wrong), want.get("_events", ())
                            )
                        )
            for key, want in expected.items():
                subject = f"{name} row {key if len(key) > 1 else key[0]}"
                result.add(
                    Mismatch(
                        "index",
                        subject,
                        "missing: the replay has it, the index does not",
                        want.get("_events", ()),
                    )
                )
    return compared
