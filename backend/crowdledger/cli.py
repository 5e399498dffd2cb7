"""crowdledger: run the indexer and the API, see how far the index is, launch campaigns and pledge.

    crowdledger index [--follow]        backfill the index (and keep following the chain)
    crowdledger serve [--workers N]     the HTTP API (several workers share one PostgreSQL)
    crowdledger run                     both, as `./dev up` does
    crowdledger status                  how far behind the chain the index is
    crowdledger launch FILE --account ID [--network NAME]
    crowdledger pledge CAMPAIGN AMOUNT [--tier N] --account ID [--network NAME]
    crowdledger audit [...] | audit prove ADDRESS | audit verify PROOF --root ROOT   (see audit/cli.py)

Settings come from CROWDLEDGER_* environment variables (see crowdledger/settings.py).
"""

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from crowdledger.audit import cli as audit_cli
from crowdledger.errors import CrowdLedgerError
from crowdledger.settings import Settings

log = logging.getLogger("crowdledger")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crowdledger", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="index the chain into the database")
    index.add_argument("--follow", action="store_true", help="keep following new blocks")
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("run", help="follow the chain and serve the API in one process")
    commands.add_parser("status", help="how far behind the chain head the index is")
    launch = commands.add_parser("launch", help="launch a campaign described in a JSON file")
    launch.add_argument("file")
    pledge = commands.add_parser("pledge", help="pledge to a campaign")
    pledge.add_argument("campaign", type=int)
    pledge.add_argument("amount", help="in whole tokens, e.g. 0.5")
    pledge.add_argument("--tier", type=int, default=0)
    for wallet_command in (launch, pledge):
        wallet_command.add_argument(
            "--account", required=True, help="a brownie account id (encrypted keystore)"
        )
        wallet_command.add_argument("--network", default="development", help="a brownie network id")
    audit_cli.register(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "alembic"):  # a line per request or per migration says nothing to an operator
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        handler: Callable[[Settings, argparse.Namespace], int] = {
            "index": _index,
            "serve": _serve,
            "run": _run,
            "status": _status,
            "launch": _launch,
            "pledge": _pledge,
            "audit": audit_cli.run,
        }[args.command]
        return handler(settings, args)
    except CrowdLedgerError as failure:
        print(f"crowdledger: {failure}", file=sys.stderr)
        return 1
    except SQLAlchemyError as failure:
        reason = getattr(failure, "orig", None) or failure
        print(f"crowdledger: the database failed ({reason}); check CROWDLEDGER_DATABASE_URL", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


# ---------------------------------------------------------------------- indexer and API


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
            "crowdledger.cli:app_from_env",
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

    from crowdledger.store.db import make_engine, migrate
    from crowdledger.store.models import SyncState

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


# ---------------------------------------------------------------------- wallet commands (through brownie)


def _launch(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger import wallet

    campaign_id = wallet.launch(settings, args.file, args.account, args.network)
    print(f"Launched campaign {campaign_id}")
    return 0


def _pledge(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger import wallet

    tx_hash = wallet.pledge(settings, args.campaign, args.amount, args.tier, args.account, args.network)
    print(f"Pledged to campaign {args.campaign}: transaction {tx_hash}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
