"""crowdledger: run the indexer and the API, see how far the index is, launch campaigns and pledge.

    crowdledger index [--follow]        backfill the index (and keep following the chain)
    crowdledger serve [--workers N]     the HTTP API (several workers share one PostgreSQL)
    crowdledger run                     both, as `./dev up` does
    crowdledger status                  how far behind the chain the index is
    crowdledger launch FILE --account ID [--network NAME]
    crowdledger pledge CAMPAIGN AMOUNT [--tier N] --account ID [--network NAME]

Settings come from CROWDLEDGER_* environment variables (see crowdledger/settings.py).
"""

import argparse
import logging
import sys
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from crowdledger.cli import actions, service
from crowdledger.errors import CrowdLedgerError
from crowdledger.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crowdledger", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (service, actions):
        group.register(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "alembic"):  # a line per request or per migration says nothing to an operator
        logging.getLogger(chatty).setLevel(logging.WARNING)
    handler: Handler = args.handler
    try:
        return handler(Settings.from_env(), args)
    except CrowdLedgerError as failure:
        print(f"crowdledger: {failure}", file=sys.stderr)
        return 1
    except SQLAlchemyError as failure:
        reason = getattr(failure, "orig", None) or failure
        print(f"crowdledger: the database failed ({reason}); check CROWDLEDGER_DATABASE_URL", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
