"""Run the indexer and the API, and see how far the index is."""

import argparse
import logging
import sys
import threading
import time
from typing import Any

from crowdledger.errors import NotRetryableError
from crowdledger.settings import Settings

log = logging.getLogger("crowdledger")
# Open pages hold a live-update stream; on shutdown they are cut after this long instead of waited for.
GRACE_SECONDS = 3

_HEALTHY_RUN = 300.0  # seconds an indexer thread must run before its crash no longer counts towards the bound


def register(commands: Any) -> None:
    index = commands.add_parser("index", help="index the chain into the database")
    index.add_argument("--follow", action="store_true", help="keep following new blocks")
    index.set_defaults(handler=_index)
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)
    commands.add_parser("run", help="follow the chain and serve the API in one process").set_defaults(
        handler=_run
    )
    commands.add_parser(
        "status", help="how far behind the chain head the index is (exit status 1 when not ready)"
    ).set_defaults(handler=_status)


def _indexer(settings: Settings) -> Any:
    from crowdledger.chain.rpc import Rpc
    from crowdledger.deployment import Deployment
    from crowdledger.indexer.sync import Indexer
    from crowdledger.store.db import make_engine, migrate

    deployment = Deployment.load(settings.deployment)
    engine = make_engine(settings.database_url)
    migrate(engine)
    rpc = Rpc(settings.rpc_url, timeout=settings.rpc_timeout, attempts=settings.rpc_attempts)
    return Indexer(
        engine, rpc, deployment, settings.confirmations, settings.batch_blocks, settings.finality_depth
    )


def _fetch_policy(settings: Settings) -> Any:
    from crowdledger.indexer.metadata import FetchPolicy

    return FetchPolicy(
        allow_private=settings.metadata_allow_private,
        deadline=settings.metadata_deadline,
        attempts=settings.metadata_attempts,
        retry_seconds=settings.metadata_retry_seconds,
    )


def _fetcher(settings: Settings, engine: Any) -> Any:
    from crowdledger.indexer.metadata import MetadataFetcher

    return MetadataFetcher(engine, _fetch_policy(settings), settings.metadata_workers, settings.poll_seconds)


def _follow(settings: Settings, follow: bool, stop: threading.Event | None = None) -> None:
    """Index to the head (and with `follow` keep following until `stop`). The node being down, at start-up
    too, is waited out; a failure that needs a person is raised. Metadata is fetched in the fetcher's own
    threads, so that no document host can slow indexing."""
    from crowdledger.indexer.sync import Progress

    indexer = _indexer(settings)
    fetcher = _fetcher(settings, indexer.engine)
    fetcher.start()
    try:
        if sys.stderr.isatty() and not follow:
            from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            with Bar(
                TextColumn("indexing"),
                BarColumn(),
                TextColumn("{task.fields[events]:,} events"),
                TextColumn("block {task.completed:,.0f}/{task.total:,.0f}"),
                TimeRemainingColumn(),
            ) as bar:
                # a total of 0 until the first step knows the head: rich cannot format a None total
                task = bar.add_task("index", total=0, completed=0, events=0)

                def show(p: Progress) -> None:
                    # next_block is the first block not yet indexed: the bar shows the last one indexed
                    bar.update(task, completed=p.next_block - 1, total=p.target, advance=0)
                    bar.update(task, events=bar.tasks[task].fields["events"] + p.events)
                    fetcher.wake()

                indexer.run(follow=False, poll_seconds=settings.poll_seconds, on_progress=show)
        else:
            last_log = [0.0]

            def report(p: Progress) -> None:
                if p.events and time.monotonic() - last_log[0] > 5:
                    last_log[0] = time.monotonic()
                    log.info("indexed to block %d of %d", p.next_block - 1, p.target)
                if p.events:
                    fetcher.wake()

            indexer.run(
                follow=follow,
                poll_seconds=settings.poll_seconds,
                on_progress=report,
                should_stop=(stop.is_set if stop else lambda: False),
            )
        fetcher.stop()
        if not follow:  # what was launched last is fetched before the command returns
            fetcher.run_once()
    finally:
        fetcher.stop()
        indexer.engine.dispose()


def _index(settings: Settings, args: argparse.Namespace) -> int:
    _follow(settings, args.follow)
    return 0


def _app(settings: Settings, migrate: bool = True) -> Any:
    from crowdledger.api.app import create_app
    from crowdledger.api.routes.service import Readiness, configure
    from crowdledger.chain.rpc import HeadProbe
    from crowdledger.store import db
    from crowdledger.web.config import WebConfig

    if migrate:
        db.migrate(db.make_engine(settings.database_url))
    engine = db.make_engine(settings.database_url, read_only=True)
    if not migrate:
        db.require_current(engine)
    web = WebConfig.load(
        settings.deployment,
        settings.rpc_url,
        settings.public_rpc_url,
        settings.artifacts,
        _fetch_policy(settings),
    )
    app = create_app(engine, settings.page_cache_seconds, settings.page_cache_bytes, web)
    probe = HeadProbe(settings.rpc_url, timeout=min(2.0, settings.rpc_timeout))
    configure(app, Readiness(probe, settings.ready_max_blocks_behind, settings.stall_seconds))
    return app


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers > 1:
        # Migrate once here, so that the workers, each building its own app (and engine) from the
        # environment, find the schema ready instead of racing to make it.
        from crowdledger.store.db import make_engine, migrate

        migrate(make_engine(settings.database_url))
        uvicorn.run(
            "crowdledger.cli.service:app_from_env",
            factory=True,
            host=settings.api_host,
            port=settings.api_port,
            workers=args.workers,
            log_level="warning",
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
    else:
        uvicorn.run(
            _app(settings),
            host=settings.api_host,
            port=settings.api_port,
            log_level="warning",
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
    return 0


def app_from_env() -> Any:
    """A worker's app (serve --workers N): the parent has migrated; a worker only checks the schema."""
    return _app(Settings.from_env(), migrate=False)


class IndexerThread:
    """The indexer of `crowdledger run`, supervised: a crash is restarted, up to settings.indexer_restarts
    times (a crash after a long healthy run does not count); a failure no restart can fix, or one crash too
    many, calls `give_up` so the process can exit non-zero rather than serve an index nobody updates."""

    def __init__(self, settings: Settings, give_up: Any) -> None:
        self.settings = settings
        self.give_up = give_up
        self.stop = threading.Event()
        self.failure: BaseException | None = None
        self.restarts = 0
        self.thread = threading.Thread(target=self._supervise, name="indexer", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def join(self, timeout: float | None = None) -> None:
        self.stop.set()
        self.thread.join(timeout)

    def _supervise(self) -> None:
        crashes = 0
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                _follow(self.settings, follow=True, stop=self.stop)
                return
            except NotRetryableError as failure:
                log.error("The indexer stopped: %s", failure)
                self.failure = failure
                break
            except Exception as crash:  # noqa: BLE001 - any crash is what this supervisor is for
                if time.monotonic() - started > _HEALTHY_RUN:
                    crashes = 0
                crashes += 1
                log.error("The indexer crashed: %r", crash, exc_info=crash)
                if crashes > self.settings.indexer_restarts:
                    self.failure = crash
                    _record_failure(self.settings, f"crashed {crashes} times; last: {crash!r}")
                    break
                self.restarts += 1
                delay = min(2.0**crashes, 60.0)
                log.warning(
                    "Restarting the indexer in %.0f s (restart %d of at most %d)",
                    delay,
                    crashes,
                    self.settings.indexer_restarts,
                )
                self.stop.wait(delay)
        if self.failure is not None:
            self.give_up()


def _record_failure(settings: Settings, reason: str) -> None:
    """Mark the cursor failed, for /status: best effort, as the database may be the failure."""
    from sqlalchemy import update
    from sqlalchemy.exc import SQLAlchemyError

    from crowdledger.store.db import make_engine
    from crowdledger.store.models import SyncState

    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(SyncState).values(status="failed", last_error=reason[:2000], last_error_at=time.time())
            )
    except SQLAlchemyError as failure:
        log.debug("Could not record the failure: %s", failure)
    finally:
        engine.dispose()


def _run(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    app = _app(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.api_host,
            port=settings.api_port,
            log_level="warning",
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
    )

    def give_up() -> None:
        server.should_exit = True

    indexer = IndexerThread(settings, give_up)
    indexer.start()
    log.info("Web app and API on http://%s:%d (API docs at /docs)", settings.api_host, settings.api_port)
    try:
        server.run()
    finally:
        indexer.join(timeout=30)
    if indexer.failure is not None:
        print(f"crowdledger: the indexer stopped, so the API did too: {indexer.failure}", file=sys.stderr)
        return 1
    return 0


def _status(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger.chain.rpc import HeadProbe
    from crowdledger.indexer.health import assess
    from crowdledger.store.db import make_engine, require_current, sqlite_file

    file = sqlite_file(settings.database_url)
    if file is not None and not file.exists():  # asking must not leave an empty database behind
        print(f"No index at {file}: run `./dev up` or `crowdledger index` (or set CROWDLEDGER_DATABASE_URL).")
        return 1
    engine = make_engine(settings.database_url, read_only=True)
    require_current(engine)
    probe = HeadProbe(settings.rpc_url, timeout=min(2.0, settings.rpc_timeout))
    head, node_error = probe.head()
    with engine.connect() as conn:
        health = assess(conn, head, node_error, settings.ready_max_blocks_behind, settings.stall_seconds)
    if health is None:
        print("Nothing indexed yet: run `crowdledger index`.")
        return 1
    source = "" if health.chain_head_from == "node" else f" (the node did not answer: {node_error})"
    beat = "never" if health.heartbeat_age is None else f"{health.heartbeat_age:,.0f}s ago"
    print(
        f"chain {health.chain_id}: indexed to block {health.indexed_block:,}, head "
        f"{health.chain_head:,}{source} ({health.blocks_behind:,} blocks behind); indexer {health.indexer}, "
        f"last seen {beat}, last update {health.seconds_since_update:,.0f}s ago"
    )
    if health.last_error:
        print(f"last error ({health.last_error_age or 0:,.0f}s ago): {health.last_error}")
    if health.skipped_events:
        print(f"{health.skipped_events:,} events kept but not applied (see the table skipped_events)")
    for problem in health.problems:
        print(f"not ready: {problem}")
    return 0 if health.ready else 1
