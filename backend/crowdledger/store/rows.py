"""Batch read-modify-write of derived rows: load what a batch of events touches in a few queries, change the
rows in memory, and write them back in a few bulk statements (delete the removed, insert the new, update the
changed). A loaded row is written back when it differs from what was loaded, so handlers just change rows:
nothing to mark, and nothing to forget to mark. They assign new values: a list changed in place would still
equal the (shallow) copy taken at load, and not be written."""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from operator import itemgetter
from typing import Any

import msgspec
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable

Key = tuple[Any, ...]
Row = dict[str, Any]
_CHUNK = 500  # keys per SELECT ... IN, well under every store's parameter limit
_encode = msgspec.json.Encoder().encode


class Rows:
    def __init__(self, table: Table, key: tuple[str, ...]) -> None:
        self.table = table
        self.key = key
        self._rows: dict[Key, Row] = {}
        self._loaded: dict[Key, Row] = {}  # each loaded row as it was read, to find the changed ones
        self._new: set[Key] = set()
        self._removed: set[Key] = set()  # deleted before the new rows are inserted: a key may come back
        # A row's key, asked for once or more per event: itemgetter does it in C (a bare value for one name).
        get = itemgetter(*key)
        self._key_of: Callable[[Row], Key] = get if len(key) > 1 else lambda row: (get(row),)

    def load(self, conn: Connection, keys: Iterable[Key]) -> None:
        wanted = [k for k in set(keys) if k not in self._rows]
        for query, params in self._lookups(conn, wanted):
            for row in conn.execute(query, params).mappings():
                loaded = dict(row)
                key = self._key_of(loaded)
                self._rows[key] = loaded
                self._loaded[key] = dict(loaded)

    def _lookups(self, conn: Connection, keys: list[Key]) -> Iterator[tuple[Executable, dict[str, Any]]]:
        """Queries for the rows of `keys`, with their parameters."""
        if keys and conn.dialect.name == "sqlite":
            # Every key in one JSON parameter, joined through json_each: one statement whose text never
            # changes, where an IN list of 500 keys made SQLAlchemy render and SQLite prepare a thousand
            # parameters each time (half the cost of loading a backfill's pledges).
            yield self._sqlite_lookup, {"keys": self._json_keys(conn.dialect, keys)}
            return
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            if len(self.key) > 1:
                # joined to the keys as arrays: PostgreSQL plans a row IN (...) of 500 keys as 500 index
                # scans, which took longer than the batch's Python
                keys_table = self._unnest(self.key, chunk)
                yield select(self.table).join(keys_table, self._same_key(keys_table)), {}
            else:
                yield select(self.table).where(self._in(chunk)), {}

    @cached_property
    def _sqlite_lookup(self) -> Executable:
        # Named in the model's order, which `columns` below matches by position (a migration may have added
        # a column at the end of the table in the database).
        columns = ", ".join(f"t.{column.name}" for column in self.table.c)
        on = " AND ".join(f"t.{name} = json_extract(k.value, '$[{i}]')" for i, name in enumerate(self.key))
        query = f"SELECT {columns} FROM json_each(:keys) AS k JOIN {self.table.name} AS t ON {on}"
        return text(query).columns(*self.table.c)

    def _json_keys(self, dialect: Dialect, keys: list[Key]) -> str:
        """`keys` as a JSON array of arrays, each value as its column stores it (a uint256 past 2**63 is
        text in SQLite, compared as such)."""
        bind = [self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.key]
        if any(bind):
            keys = [tuple(b(v) if b else v for b, v in zip(bind, key, strict=True)) for key in keys]
        return _encode(keys).decode()

    def get(self, key: Key) -> Row | None:
        return self._rows.get(key)

    def values(self) -> Iterable[Row]:
        return self._rows.values()

    def add(self, row: Row) -> Row:
        key = self._key_of(row)
        self._rows[key] = row
        self._new.add(key)
        return row

    def remove(self, row: Row) -> None:
        key = self._key_of(row)
        del self._rows[key]
        self._new.discard(key)
        if self._loaded.pop(key, None) is not None:
            self._removed.add(key)

    def flush(self, conn: Connection) -> None:
        removed = list(self._removed)
        for start in range(0, len(removed), _CHUNK):
            conn.execute(delete(self.table).where(self._in(removed[start : start + _CHUNK])))
        if self._new:
            conn.execute(insert(self.table), [self._rows[k] for k in self._new])
        changed = [(row, was) for key, was in self._loaded.items() if (row := self._rows[key]) != was]
        # Only the columns some row changed are written: the others may have been written meanwhile by
        # someone else (the metadata fetcher fills a campaign's title while its pledges are indexed).
        columns = sorted(
            {name for row, was in changed for name, value in row.items() if value != was[name]}
            - set(self.key)
        )
        if changed and conn.dialect.name == "postgresql":
            # one UPDATE ... FROM unnest(one array per column): a statement per row costs PostgreSQL (and the
            # driver) several times more, even pipelined
            names = [*self.key, *columns]
            new = self._unnest(names, [tuple(row[name] for name in names) for row, _ in changed])
            conn.execute(
                update(self.table)
                .where(self._same_key(new))
                .values({name: self._typed(new, name) for name in columns})
            )
        elif changed:
            statement = update(self.table).where(
                *(self.table.c[name] == bindparam("key_" + name) for name in self.key)
            )
            params = []
            for row, _ in changed:
                values = {name: row[name] for name in columns}
                values.update({"key_" + name: row[name] for name in self.key})
                params.append(values)
            conn.execute(statement, params)
        self._loaded.update((self._key_of(row), dict(row)) for row, _ in changed)
        self._loaded.update((key, dict(self._rows[key])) for key in self._new)
        self._new.clear()
        self._removed.clear()

    def _in(self, keys: list[Key]) -> ColumnElement[bool]:
        """`keys` as a condition: the key column IN (...), or (key columns) IN (...) for a composite key."""
        columns = [self.table.c[name] for name in self.key]
        return columns[0].in_([k[0] for k in keys]) if len(columns) == 1 else tuple_(*columns).in_(keys)

    def _unnest(self, names: Sequence[str], rows: list[Key]) -> Any:
        """`rows` of the columns `names` as a table (PostgreSQL): one typed array per column, unnested, so the
        statement's text is the same for any number of rows (compiled once, whatever the batch). JSON values
        go as text (an array of JSON lists would be read as a multidimensional array); see _typed."""
        arrays = []
        for name, values in zip(names, zip(*rows, strict=True), strict=True):
            kind = self.table.c[name].type
            if isinstance(kind, JSON):
                kind, values = Text(), tuple(None if v is None else json.dumps(v) for v in values)
            arrays.append(bindparam(f"given_{name}", list(values), type_=ARRAY(kind)))
        return func.unnest(*arrays).table_valued(*names).render_derived(name="given")

    def _typed(self, given: Any, name: str) -> Any:
        """Column `name` of an _unnest table, as the table's type."""
        kind = self.table.c[name].type
        return cast(given.c[name], kind) if isinstance(kind, JSON) else given.c[name]

    def _same_key(self, other: Any) -> ColumnElement[bool]:
        return and_(*(self.table.c[name] == other.c[name] for name in self.key))
