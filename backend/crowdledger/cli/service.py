"""Run the indexer and the API, and see how far the index is."""

import argparse
import logging
import sys
import threading
import time
from typing import Any

from crowdledger.errors import CrowdLedgerError
from crowdledger.settings import Settings

log = logging.getLogger("crowdledger")


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
    commands.add_parser("status", help="how far behind the chain head the index is").set_defaults(
        handler=_status
    )


def _indexer(settings: Settings) -> Any:
    from crowdledger.chain.rpc import Rpc
    from crowdledger.deployment import Deployment
    from crowdledger.indexer.sync import Indexer
    from crowdledger.store.db import make_engine, migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    rpc = Rpc(settings.rpc_url, timeout=settings.rpc_timeout, attempts=settings.rpc_attempts)
    deployment = Deployment.load(settings.deployment)
    return Indexer(engine, rpc, deployment, settings.confirmations, settings.batch_blocks)


def _follow(settings: Settings, follow: bool, stop: threading.Event | None = None) -> None:
    from crowdledger.indexer.metadata import resolve_pending
    from crowdledger.indexer.sync import Progress

    indexer = _indexer(settings)
    indexer.check_chain()
    first = indexer.step()
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
            task = bar.add_task("index", total=first.target, completed=first.next_block, events=first.events)

            def show(p: Progress) -> None:
                bar.update(task, completed=p.next_block, total=p.target, advance=0)
                bar.update(task, events=bar.tasks[task].fields["events"] + p.events)

            indexer.run(follow=False, on_progress=show)
    else:
        last_log = [0.0]

        def report(p: Progress) -> None:
            if p.events and time.monotonic() - last_log[0] > 5:
                last_log[0] = time.monotonic()
                log.info("indexed to block %d of %d", p.next_block - 1, p.target)
            resolve_pending(indexer.engine)

        indexer.run(
            follow=follow,
            poll_seconds=settings.poll_seconds,
            on_progress=report,
            should_stop=(stop.is_set if stop else lambda: False),
        )
    resolve_pending(indexer.engine)


def _index(settings: Settings, args: argparse.Namespace) -> int:
    _follow(settings, args.follow)
    return 0


def _app(settings: Settings) -> Any:
    from crowdledger.api.app import create_app
    from crowdledger.store.db import make_engine, migrate

    migrate(make_engine(settings.database_url))
    return create_app(make_engine(settings.database_url, read_only=True), settings.page_cache_seconds)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers > 1:  # each worker process builds its own app (and engine) from the environment
        uvicorn.run(
            "crowdledger.cli.service:app_from_env",
            factory=True,
            host=settings.api_host,
            port=settings.api_port,
            workers=args.workers,
            log_level="warning",
        )
    else:
        uvicorn.run(_app(settings), host=settings.api_host, port=settings.api_port, log_level="warning")
    return 0


def app_from_env() -> Any:
    return _app(Settings.from_env())


def _run(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    app = _app(settings)
    stop = threading.Event()

    def follow() -> None:
        try:
            _follow(settings, follow=True, stop=stop)
        except CrowdLedgerError as failure:
            log.error("The indexer stopped: %s", failure)

    indexer = threading.Thread(target=follow, name="indexer", daemon=True)
    indexer.start()
    log.info("API on http://%s:%d (docs at /docs)", settings.api_host, settings.api_port)
    try:
        uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="warning")
    finally:
        stop.set()
    return 0


def _status(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from crowdledger.store.db import make_engine, migrate, sqlite_file
    from crowdledger.store.models import SyncState

    file = sqlite_file(settings.database_url)
    if file is not None and not file.exists():  # asking must not leave an empty database behind
        print(f"No index at {file}: run `./dev up` or `crowdledger index` (or set CROWDLEDGER_DATABASE_URL).")
        return 1
    engine = make_engine(settings.database_url)
    migrate(engine)
    with engine.connect() as conn:
        state = conn.execute(select(SyncState)).first()
    if state is None:
        print("Nothing indexed yet: run `crowdledger index`.")
        return 1
    behind = max(0, state.chain_head - (state.next_block - 1))
    print(
        f"chain {state.chain_id}: indexed to block {state.next_block - 1:,}, head {state.chain_head:,} "
        f"({behind:,} blocks behind), last update {time.time() - state.updated_at:,.0f}s ago"
    )
    return 0
