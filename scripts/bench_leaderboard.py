"""Leaderboard latency at 100,000 and 1,000,000 scores, on SQLite and on PostgreSQL.

    ./dev bench-leaderboard [--scores 100000,1000000] [--seconds 5] [--port 8765]

Scores are written straight into reputation_scores (with the rank keys the indexer would write): random
values from 0.01 to 100,000 points, one in twenty negative, written over the last two years, in five roles.
For each store and size it prints GET /leaderboards/creator served by `crowdledger serve` and loaded by wrk
one request at a time (p50 / p95 / p99), the query function alone in this process (p50 / p95 / max, and its
CPU time, which other work on the machine does not inflate), and checks the top 100 against every score of
the role faded and sorted in Python.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import httpx
import psycopg
from sqlalchemy import Engine, insert

from crowdledger.api import queries
from crowdledger.ranking import rank_key
from crowdledger.reputation import DEFAULT_HALF_LIFE, HalfLifePeriod, Role, fade
from crowdledger.store.db import make_engine, migrate
from crowdledger.store.models import ReputationScore, SyncState
from scripts.bench_api import WRK_REPORT, in_schema, run_wrk

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
                "rank_key": rank_key(value, updated_at, [HalfLifePeriod(0, DEFAULT_HALF_LIFE)]),
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


def timed(call: Callable[[], object], requests: int) -> tuple[float, float, float, float]:
    """Wall-clock p50, p95 and max in ms, and this process's CPU ms per call (which other work on the machine
    does not inflate; PostgreSQL's own share is not in it)."""
    for _ in range(10):
        call()
    took = []
    cpu = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / requests
    took.sort()
    return statistics.median(took), took[int(0.95 * (len(took) - 1))], took[-1], cpu


def exact(rows: list[dict[str, object]], limit: int) -> list[tuple[str, int]]:
    faded = [
        (str(r["account"]), fade(int(r["value"]), NOW - int(r["updated_at"]), DEFAULT_HALF_LIFE))
        for r in rows
        if r["role"] == int(Role.CREATOR)
    ]
    return sorted(faded, key=lambda entry: (-entry[1], entry[0]))[:limit]


def served(url: str, port: int, seconds: int) -> tuple[dict[str, float], dict[str, float]]:
    """wrk's figures for GET /leaderboards/creator, one connection, from `crowdledger serve` on `url`, and for
    /health just before it (the floor of the same server on the same machine at that moment)."""
    env = {**os.environ, "CROWDLEDGER_DATABASE_URL": url, "CROWDLEDGER_API_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/leaderboards/creator").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        health = run_wrk(base + "/health", seconds, 1, script.name)
        return run_wrk(base + "/leaderboards/creator", seconds, 1, script.name), health
    finally:
        server.terminate()
        server.wait()


def bench(store: str, url: str, rows: list[dict[str, object]], args: argparse.Namespace) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    fill(engine, rows, url if store == "PostgreSQL" else None)
    loaded = time.perf_counter() - started
    http, health = served(url, args.port, args.seconds)
    with engine.connect() as conn:
        query = timed(lambda: queries.leaderboard(conn, Role.CREATOR, 20), args.requests)
        page = queries.leaderboard(conn, Role.CREATOR, 100).entries
    verdict = "exact" if page == exact(rows, 100) else "WRONG"
    engine.dispose()
    print(
        f"| {store} | {len(rows):,} | {http['p50']:.1f} / {http['p95']:.1f} / {http['p99']:.1f} "
        f"| {health['p50']:.1f} / {health['p95']:.1f} / {health['p99']:.1f} "
        f"| {query[0]:.2f} / {query[1]:.2f} / {query[2]:.2f} | {query[3]:.2f} | {verdict} | {loaded:.0f} s |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scores", default="100000,1000000", help="sizes, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="calls of the query function")
    parser.add_argument("--seconds", type=int, default=5, help="wrk's run per store and size")
    parser.add_argument("--port", type=int, default=8765, help="where the API under test listens")
    parser.add_argument("--schema", default="bench_leaderboard", help="the PostgreSQL schema it fills")
    args = parser.parse_args()
    base = os.environ.get("CROWDLEDGER_BENCH_POSTGRES_URL")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(
        "| store | scores | GET /leaderboards/creator ms p50 / p95 / p99 | /health ms p50 / p95 / p99 "
        "| query ms p50 / p95 / max | query CPU ms | top 100 | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for size in (int(s) for s in args.scores.split(",")):
        rows = scores(size)
        with tempfile.TemporaryDirectory() as folder:
            bench("SQLite", f"sqlite:///{folder}/leaderboard.db", rows, args)
        if base:
            with psycopg.connect(base, autocommit=True) as pg:
                pg.execute(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE")
                pg.execute(f"CREATE SCHEMA {args.schema}")
            bench("PostgreSQL", in_schema(base, args.schema), rows, args)
            with psycopg.connect(base, autocommit=True) as pg:
                pg.execute(f"DROP SCHEMA {args.schema} CASCADE")
    print(f"\nload average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
