"""Listing latency: 100,000 campaigns and 1,000,000 pledges in PostgreSQL, served by `crowdledger serve`,
loaded by wrk with 50 concurrent connections; each listing sort order side by side with /health (the
framework's floor).

    ./dev bench-api [--campaigns N] [--pledges N] [--seconds S] [--workers W] [--port P] [--cache 1.0,0]

Each listing is loaded right after a load of /health, and compared with that one: on a machine shared with
other work the floor moves from minute to minute, and a listing compared with a /health measured minutes
earlier says more about the neighbours than about the API. Prints one Markdown table row per listing:
requests per second, p50, p95 and p99 latency, its /health's rate and p95, the share of that rate and the
ratio of the p95s, and the CPU time per request of the API's processes and their PostgreSQL sessions for
both (which the neighbours do not move); then the worst of each against the targets (>= 25 %, <= 1.5x,
cache off). The data is written straight into the database (COPY): this measures the API, not the indexer.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import httpx
import psycopg

from crowdledger.errors import StoreError
from crowdledger.store.db import make_engine, migrate, require_current

SORTS = ("newest", "ending_soon", "most_funded", "most_backers", "percent_funded")
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "rps": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""
ETH = "0x" + "00" * 20
NOW = 1_800_000_000


def in_schema(url: str, schema: str) -> str:
    """`url` with its tables in `schema`, so the benchmark never touches what others keep in the database."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def loaded(url: str, campaigns: int, pledges: int) -> bool:
    """Whether the schema already holds exactly the data `fill` would write, in this code's newest schema
    version (then --reuse skips it; a schema an older checkout filled is filled again)."""
    engine = make_engine(url)
    try:
        require_current(engine)
    except StoreError:
        return False
    finally:
        engine.dispose()
    try:
        with psycopg.connect(url) as conn:
            counts = conn.execute("SELECT (SELECT count(*) FROM campaigns), (SELECT count(*) FROM pledges)")
            return counts.fetchone() == (campaigns, pledges // campaigns * campaigns)
    except psycopg.Error:
        return False


def fill(base_url: str, schema: str, campaigns: int, pledges: int) -> None:
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    url = in_schema(base_url, schema)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    rng = random.Random(7)
    words = "solar garden library repair bike school water tools music film code bakery farm clinic".split()
    backers = [f"0x{rng.getrandbits(160):040x}" for _ in range(50_000)]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        backer_counts = [0] * (campaigns + 1)
        with cur.copy(
            "COPY pledges (campaign_id, backer, amount, tier_id, refunded, first_block) FROM STDIN"
        ) as copy:
            per_campaign = pledges // campaigns
            for campaign_id in range(1, campaigns + 1):
                chosen = rng.sample(backers, per_campaign)
                backer_counts[campaign_id] = per_campaign
                for backer in chosen:
                    copy.write_row((campaign_id, backer, rng.randrange(10**15, 10**19), 0, 0, campaign_id))
        columns = (
            "id, creator, token, goal, starts_at, deadline, fee_bps, quorum_bps, milestone_bps, "
            "metadata_uri, metadata_hash, raised, released, backer_count, funded_bps, cancelled, rejected, "
            "milestones_approved, refund_pool, launched_block, launched_at, metadata_status, title, "
            "description, image"
        )
        with cur.copy(f"COPY campaigns ({columns}) FROM STDIN") as copy:
            for campaign_id in range(1, campaigns + 1):
                goal = rng.randrange(10**18, 10**21)
                raised = rng.randrange(0, 2 * goal)
                title = " ".join(rng.sample(words, 3)).title()
                copy.write_row(
                    (
                        campaign_id,
                        rng.choice(backers),
                        ETH,
                        goal,
                        NOW - 86_400 * 60 + campaign_id,
                        NOW + rng.randrange(-30, 60) * 86_400,
                        250,
                        2000,
                        "[]",
                        f"ipfs://c{campaign_id}",
                        "0x" + "11" * 32,
                        raised,
                        0,
                        backer_counts[campaign_id],
                        raised * 10_000 // goal,
                        False,
                        False,
                        0,
                        0,
                        campaign_id,
                        NOW - 86_400,
                        "verified",
                        title,
                        f"{title}: a demo campaign",
                        None,
                    )
                )
        cur.execute(
            "INSERT INTO sync_state (id, chain_id, next_block, indexed_timestamp, chain_head, updated_at) "
            "VALUES (1, 31337, %s, %s, %s, %s)",
            (campaigns + 1, NOW, campaigns, time.time()),
        )
        conn.commit()
        cur.execute("ANALYZE")


APPLICATION = "crowdledger-bench-api"  # how the API's PostgreSQL sessions are told from anyone else's
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server: int, postgres_url: str) -> float:
    """CPU time used so far by the server's processes and by the PostgreSQL sessions they opened: unlike a
    rate, it does not move with whatever else the machine runs."""
    pids = {server}
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == server:
                pids.add(int(stat))
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        sessions = pg.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
            (APPLICATION,),
        )
        pids.update(pid for (pid,) in sessions)
    used = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # gone (a session closed)
            continue
        used += int(fields[11]) + int(fields[12])
    return used / TICK


def run_wrk(url: str, seconds: int, connections: int, script: str) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=100_000)
    parser.add_argument("--pledges", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765, help="where the API under test listens")
    parser.add_argument("--schema", default="bench_api", help="the PostgreSQL schema the data goes into")
    parser.add_argument("--reuse", action="store_true", help="keep the data if the schema already holds it")
    parser.add_argument(
        "--cache", default="1.0,0", help="page cache lifetimes to run, comma-separated (0: cache off)"
    )
    args = parser.parse_args()
    base_url = os.environ["CROWDLEDGER_BENCH_POSTGRES_URL"]
    url = in_schema(base_url, args.schema) + f"&application_name={APPLICATION}"
    if args.reuse and loaded(url, args.campaigns, args.pledges):
        print(f"Reusing {args.campaigns:,} campaigns and {args.pledges:,} pledges in schema {args.schema}")
    else:
        started = time.perf_counter()
        fill(base_url, args.schema, args.campaigns, args.pledges)
        took = time.perf_counter() - started
        print(f"Loaded {args.campaigns:,} campaigns and {args.pledges:,} pledges in {took:.0f} s")

    print(
        f"\n{args.connections} connections, {args.seconds} s each, {args.workers} API workers; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
    )
    print(
        "| listing page cache | endpoint | requests/s | p50 ms | p95 ms | p99 ms | /health requests/s "
        "| /health p95 ms | share of /health | p95 / /health's | CPU ms/request | /health's | CPU share |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for cache_seconds in args.cache.split(","):
        results = serve_and_load(url, args, cache_seconds.strip())
        if cache_seconds.strip() in ("0", "0.0"):
            share = min(r["rps"] / h["rps"] for r, h in results)
            ratio = max(r["p95"] / h["p95"] for r, h in results)
            cpu = min(h["cpu_ms"] / r["cpu_ms"] for r, h in results)
            print(
                f"\nUncached, worst of {len(results)} listings: {share:.0%} of /health's rate "
                f"(target >= 25%), p95 {ratio:.2f}x /health's (target <= 1.5x); CPU per request (API "
                f"and its PostgreSQL sessions) {cpu:.0%} of the listing's is /health's"
            )


def serve_and_load(
    url: str, args: argparse.Namespace, cache_seconds: str
) -> list[tuple[dict[str, float], dict[str, float]]]:
    """Each listing's wrk figures beside those of the /health load just before it."""
    port = args.port
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": url,
        "CROWDLEDGER_API_PORT": str(port),
        "CROWDLEDGER_PAGE_CACHE_SECONDS": cache_seconds,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "serve", "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    label = f"{cache_seconds} s" if cache_seconds not in ("0", "0.0") else "off"
    results = []
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/ready").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        paths = [f"/campaigns?sort={sort}" for sort in SORTS]
        paths.append("/campaigns?state=Funding&sort=most_funded")
        for path in paths:
            assert httpx.get(base + path).status_code == 200, path
            used = cpu_seconds(server.pid, url)
            h = run_wrk(base + "/health", args.seconds, args.connections, script.name)
            between = cpu_seconds(server.pid, url)
            r = run_wrk(base + path, args.seconds, args.connections, script.name)
            h["cpu_ms"] = (between - used) * 1000 / h["requests"]
            r["cpu_ms"] = (cpu_seconds(server.pid, url) - between) * 1000 / r["requests"]
            results.append((r, h))
            errors = f" ({r['errors'] + h['errors']} errors)" if r["errors"] + h["errors"] else ""
            share, ratio = r["rps"] / h["rps"], r["p95"] / h["p95"]
            print(
                f"| {label} | `{path}` | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
                f"| {h['rps']:,.0f} | {h['p95']:.1f} | {share:.0%} | {ratio:.2f} "
                f"| {r['cpu_ms']:.2f} | {h['cpu_ms']:.2f} | {h['cpu_ms'] / r['cpu_ms']:.0%} |" + errors,
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()
    return results


if __name__ == "__main__":
    main()
