"""Leaderboard latency at 100,000 and 1,000,000 scores, on SQLite and on PostgreSQL.

    ./dev bench-leaderboard [--scores 100000,1000000] [--requests 200]

Scores are written straight into reputation_scores (with the rank keys the indexer would write): random
values from 0.01 to 100,000 points, one in twenty negative, written over the last two years, in five roles.
For each store and size it prints the time of GET /leaderboards/creator (in-process, through the whole app)
and of the query function alone, p50 / p95 / max over the requests, and checks the page against every score
of the role faded and sorted in Python.
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from crowdledger.api import queries
from crowdledger.api.app import create_app
from crowdledger.ranking import rank_key
from crowdledger.reputation import DEFAULT_HALF_LIFE, Role, fade
from crowdledger.store.db import make_engine, migrate
from crowdledger.store.models import ReputationScore, SyncState

NOW = 1_800_000_000
WAD = 10**18
YEAR = 365 * 86400


def scores(count: int) -> list[dict[str, object]]:
    rng = random.Random(11)
    rows = []
    for n in range(count):
        value = int(10 ** rng.uniform(16, 23))  # 0.01 to 100,000 points
        if rng.random() < 0.05:
            value = -value
        updated_at = NOW - rng.randrange(2 * YEAR)
        rows.append(
            {
                "account": f"0x{rng.getrandbits(160):040x}",
                "role": n % 5,
                "value": value,
                "updated_at": updated_at,
                "changes": 1,
                "rank_key": rank_key(value, updated_at, DEFAULT_HALF_LIFE),
            }
        )
    return rows


def fill(engine: Engine, rows: list[dict[str, object]], postgres_url: str | None) -> None:
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(SyncState).values(
                id=1, chain_id=1, next_block=1, indexed_timestamp=NOW, chain_head=0, updated_at=time.time()
            )
        )
        if postgres_url is None:
            for start in range(0, len(rows), 50_000):
                conn.execute(insert(ReputationScore), rows[start : start + 50_000])
    if postgres_url is not None:  # COPY: minutes faster than INSERT at a million rows
        columns = ("account", "role", "value", "updated_at", "changes", "rank_key")
        with psycopg.connect(postgres_url) as pg, pg.cursor() as cursor:
            with cursor.copy(f"COPY reputation_scores ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            cursor.execute("ANALYZE reputation_scores")


def timed(call: Callable[[], object], requests: int) -> tuple[float, float, float]:
    for _ in range(10):
        call()
    took = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return statistics.median(took), took[int(0.95 * (len(took) - 1))], took[-1]


def exact(rows: list[dict[str, object]], limit: int) -> list[tuple[str, int]]:
    faded = [
        (str(r["account"]), fade(int(r["value"]), NOW - int(r["updated_at"]), DEFAULT_HALF_LIFE))
        for r in rows
        if r["role"] == int(Role.CREATOR)
    ]
    return sorted(faded, key=lambda entry: (-entry[1], entry[0]))[:limit]


def bench(
    store: str, engine: Engine, rows: list[dict[str, object]], requests: int, postgres: str | None
) -> None:
    started = time.perf_counter()
    fill(engine, rows, postgres)
    loaded = time.perf_counter() - started
    with TestClient(create_app(engine)) as client:  # one event loop for every request, as a server has
        http = timed(lambda: client.get("/leaderboards/creator").raise_for_status(), requests)
    with engine.connect() as conn:
        query = timed(lambda: queries.leaderboard(conn, Role.CREATOR, 20), requests)
        page = queries.leaderboard(conn, Role.CREATOR, 100)
    verdict = "exact" if page == exact(rows, 100) else "WRONG"
    print(
        f"| {store} | {len(rows):,} | {http[0]:.1f} / {http[1]:.1f} / {http[2]:.1f} "
        f"| {query[0]:.2f} / {query[1]:.2f} / {query[2]:.2f} | {verdict} | {loaded:.0f} s |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scores", default="100000,1000000", help="sizes, comma-separated")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--schema", default="bench_leaderboard", help="the PostgreSQL schema it fills")
    args = parser.parse_args()
    base = os.environ.get("CROWDLEDGER_BENCH_POSTGRES_URL")
    print(
        "| store | scores | GET /leaderboards/creator ms p50 / p95 / max | query ms p50 / p95 / max "
        "| top 100 | load |"
    )
    print("|---|---:|---:|---:|---|---:|")
    for size in (int(s) for s in args.scores.split(",")):
        rows = scores(size)
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/leaderboard.db")
            bench("SQLite", engine, rows, args.requests, None)
            engine.dispose()
        if base:
            with psycopg.connect(base, autocommit=True) as pg:
                pg.execute(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE")
                pg.execute(f"CREATE SCHEMA {args.schema}")
            url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{args.schema}"
            engine = make_engine(url)
            bench("PostgreSQL", engine, rows, args.requests, url)
            engine.dispose()
            with psycopg.connect(base, autocommit=True) as pg:
                pg.execute(f"DROP SCHEMA {args.schema} CASCADE")


if __name__ == "__main__":
    main()
