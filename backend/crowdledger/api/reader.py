"""Runs the API's hottest read, the uncached campaign listing, with as little as possible around its query.

Profiled under load (docs/OPERATIONS.md), an uncached listing spent more time around its one query than in
it: checking a connection out of the pool with a ping (a round trip of its own), handing the call to one of
many threads and fighting them for the GIL, and SQLAlchemy's execution machinery. On PostgreSQL a Reader
therefore runs the query on the event loop itself, over a few psycopg async connections it keeps open, with
the statement compiled once by SQLAlchemy (the same statement the synchronous path runs) and each column's
result processing applied to the plain rows it gets back. A connection the database dropped is replaced and
the query run once more. Elsewhere (SQLite: a local file, no round trip to save) the query runs in a thread
through the engine.
"""

import asyncio
import functools
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import Dialect, Engine, Select
from starlette.concurrency import run_in_threadpool

Rows = Sequence[Sequence[Any]]


class Reader:
    def __init__(self, engine: Engine, connections: int = 4) -> None:
        self.engine = engine
        self.connections = connections
        self._async = engine.dialect.name == "postgresql"
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots = asyncio.Semaphore(connections)
        # A reader dropped without close() (an app that never ran its shutdown) still closes its connections.
        weakref.finalize(self, _finish, self._idle)

    async def rows(self, statement: Select[Any], values: dict[str, Any]) -> Rows:
        """The rows of `statement` with `values` bound, as the engine would return them."""
        if not self._async:
            return await run_in_threadpool(self._rows_in_thread, statement, values)
        compiled = _compiled(statement, self.engine.dialect)
        parameters = compiled.parameters(values)
        for attempt in (1, 2):
            conn = await self._acquire()
            try:
                cursor = await conn.execute(compiled.sql, parameters)
                raw = await cursor.fetchall()
                description = cursor.description
                break
            except psycopg.OperationalError:
                if attempt == 2 or not (conn.closed or conn.broken):
                    raise  # a query error, or the database is still away
            finally:
                self._release(conn)
        return compiled.rows(raw, description)

    async def close(self) -> None:
        for conn in self._idle:
            await conn.close()
        self._idle.clear()

    def _rows_in_thread(self, statement: Select[Any], values: dict[str, Any]) -> Rows:
        with self.engine.connect() as conn:
            return conn.execute(statement, values).all()

    async def _acquire(self) -> psycopg.AsyncConnection[Any]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a semaphore waits on one loop only (a test client runs one per request);
            self._loop, self._slots = loop, asyncio.Semaphore(self.connections)  # connections wait on any
        await self._slots.acquire()
        try:
            if self._idle:
                return self._idle.pop()
            conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            # Plan each statement once. A listing's plan does not depend on its values (keyset scans on
            # indexes), but PostgreSQL re-plans a prepared statement on every run when it cannot see its
            # LIMIT: 0.23 ms of the server's CPU per listing instead of 0.10.
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            return conn
        except BaseException:
            self._slots.release()
            raise

    def _release(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Back to the idle list if it is ready for another query; otherwise (broken, or interrupted mid-query
        by a cancelled request) closed."""
        if not conn.closed and not conn.broken and conn.info.transaction_status == pq.TransactionStatus.IDLE:
            self._idle.append(conn)
        else:
            conn.pgconn.finish()
        self._slots.release()


Processor = Callable[[Any], Any]


def _finish(connections: list[psycopg.AsyncConnection[Any]]) -> None:
    """Close connections without awaiting (libpq's PQfinish), emptying the list."""
    for conn in connections:
        conn.pgconn.finish()
    connections.clear()


class _Compiled:
    """A statement compiled once for a dialect, with its bind and result processing (Uint256 and the like).

    The processing is the dialect's own (`dialect_impl`), as the engine applies it, and for results it
    depends on the column types the database answers with, so it is set up from the first answer's
    description. (A type's generic processors are not the dialect's: on PostgreSQL they sent and read
    NUMERIC through floats, so amounts past 2**53 came out rounded, and so did cursors through them.)"""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        self._compiled = statement.compile(dialect=dialect)
        self._dialect = dialect
        self._columns = list(statement.selected_columns)
        self.sql = self._compiled.string
        self._binds = [
            (name, process)
            for name, bind in self._compiled.binds.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        self._results: list[tuple[int, Processor]] | None = None

    def parameters(self, values: dict[str, Any]) -> dict[str, Any]:
        parameters = dict(self._compiled.construct_params(values))
        for name, process in self._binds:
            if name in parameters:
                parameters[name] = process(parameters[name])
        return parameters

    def rows(self, raw: Sequence[Sequence[Any]], description: Sequence[Any] | None) -> Rows:
        if self._results is None:
            if description is None:
                return raw
            self._results = [
                (index, convert)
                for index, (column, answered) in enumerate(zip(self._columns, description, strict=True))
                if (
                    convert := column.type.dialect_impl(self._dialect).result_processor(
                        self._dialect, answered.type_code
                    )
                )
                is not None
            ]
        if not self._results:
            return raw
        rows = []
        for row in raw:
            values = list(row)
            for index, process in self._results:
                values[index] = process(values[index])
            rows.append(values)
        return rows


@functools.lru_cache(maxsize=512)
def _compiled(statement: Select[Any], dialect: Dialect) -> _Compiled:
    return _Compiled(statement, dialect)
