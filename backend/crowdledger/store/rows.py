"""Batch read-modify-write of derived rows: load what a batch of events touches in a few queries, change the
rows in memory, and write them back in a few bulk statements (delete the removed, insert the new, update the
changed)."""

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, tuple_, update

Key = tuple[Any, ...]
Row = dict[str, Any]
_CHUNK = 500  # keys per SELECT ... IN, well under every store's parameter limit


class Rows:
    def __init__(self, table: Table, key: tuple[str, ...]) -> None:
        self.table = table
        self.key = key
        self._rows: dict[Key, Row] = {}
        self._new: set[Key] = set()
        self._changed: set[Key] = set()
        self._removed: set[Key] = set()  # deleted before the new rows are inserted: a key may come back
        # A row's key, asked for once or more per event: itemgetter does it in C (a bare value for one name).
        get = itemgetter(*key)
        self._key_of: Callable[[Row], Key] = get if len(key) > 1 else lambda row: (get(row),)

    def load(self, conn: Connection, keys: Iterable[Key]) -> None:
        wanted = [k for k in set(keys) if k not in self._rows]
        columns = [self.table.c[name] for name in self.key]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            condition = (
                columns[0].in_([k[0] for k in chunk]) if len(columns) == 1 else tuple_(*columns).in_(chunk)
            )
            for row in conn.execute(select(self.table).where(condition)).mappings():
                loaded = dict(row)
                self._rows[self._key_of(loaded)] = loaded

    def get(self, key: Key) -> Row | None:
        return self._rows.get(key)

    def values(self) -> Iterable[Row]:
        return self._rows.values()

    def add(self, row: Row) -> Row:
        key = self._key_of(row)
        self._rows[key] = row
        self._new.add(key)
        return row

    def changed(self, row: Row) -> None:
        key = self._key_of(row)
        if key not in self._new:
            self._changed.add(key)

    def remove(self, row: Row) -> None:
        key = self._key_of(row)
        del self._rows[key]
        self._new.discard(key)
        self._changed.discard(key)
        self._removed.add(key)

    def flush(self, conn: Connection) -> None:
        columns = [self.table.c[name] for name in self.key]
        removed = list(self._removed)
        for start in range(0, len(removed), _CHUNK):
            chunk = removed[start : start + _CHUNK]
            condition = (
                columns[0].in_([k[0] for k in chunk]) if len(columns) == 1 else tuple_(*columns).in_(chunk)
            )
            conn.execute(delete(self.table).where(condition))
        if self._new:
            conn.execute(insert(self.table), [self._rows[k] for k in self._new])
        if self._changed:
            statement = update(self.table).where(
                *(self.table.c[name] == bindparam("key_" + name) for name in self.key)
            )
            params = []
            for k in self._changed:
                row = self._rows[k]
                values = {name: value for name, value in row.items() if name not in self.key}
                values.update({"key_" + name: row[name] for name in self.key})
                params.append(values)
            conn.execute(statement, params)
        self._new.clear()
        self._changed.clear()
        self._removed.clear()
