"""crowdledger: every CrowdLedger action from the command line, and the indexer and API.

backers      pledge, change-tier, unpledge, refund, vote, confirm-delivery, report-not-delivered, rate,
             record-failure
creators     launch, add-tier, raise-supply, open-vote, close-vote, claim, cancel
tasks        post, take, submit-work, enter, reveal, award, approve, reject, approve-by-default,
             split-by-default, withdraw, reclaim, rate
reviews      co-review confirm|object, arbitrate, appeal, finalize
attesters    attest, sign-attestation, submit-attestation, revoke-attestation, void-signatures
platform     withdraw-fees, set-fee, set-treasury, pause, unpause, set-reputation, register-module,
             register-attester, set-asset, set-identity-weights, set-half-life, transfer-ownership,
             accept-ownership
everyone     balance, show campaign|task|account|platform
accounts     account list|new|import
service      index, serve, run, status
auditors     audit (bytecode, books, index, proofs; docs/AUDIT.md)

`crowdledger COMMAND --help` explains each, with examples; docs/CLI.md has the whole guide. Commands that
sign check the transaction with a call first: a refusal is one line naming the contract's error, and nothing
is sent. Settings come from CROWDLEDGER_* environment variables (crowdledger/settings.py).

exit status: 0 done; 1 refused or failed before anything was sent (bad input, the contract would revert, no
funds, wrong password, wrong chain, no deployment); 2 bad command line; 3 the chain (RPC) cannot be reached;
4 a transaction was sent but reverted or was not mined in time (look before retrying); 5 an audit check
failed; 70 a bug (its
traceback is kept in ~/.crowdledger/crash.log); 130 interrupted.
"""

import argparse
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from crowdledger.audit import cli as audit
from crowdledger.cli import (
    accounts,
    attesters,
    backer,
    creator,
    platform,
    ratings,
    reviews,
    service,
    show,
    tasks,
)
from crowdledger.errors import CrowdLedgerError, RetryableError, TransactionFailed
from crowdledger.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]

EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_SENT_BUT_FAILED, EXIT_BUG, EXIT_INTERRUPTED = (
    1,
    2,
    3,
    4,
    70,
    130,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="crowdledger",
        description=__doc__.split("\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (
        backer,
        creator,
        tasks,
        reviews,
        ratings,
        attesters,
        platform,
        show,
        accounts,
        service,
        audit,
    ):
        group.register(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "alembic"):  # a line per request or per migration says nothing to an operator
        logging.getLogger(chatty).setLevel(logging.WARNING)
    handler: Handler = args.handler
    try:
        return handler(Settings.from_env(), args)
    except TransactionFailed as failure:
        print(f"crowdledger: {failure}", file=sys.stderr)
        return EXIT_SENT_BUT_FAILED
    except RetryableError as failure:
        print(f"crowdledger: {failure}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except CrowdLedgerError as failure:
        print(f"crowdledger: {failure}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `crowdledger show ... | head` closed the pipe: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as bug:  # noqa: BLE001 - a bug still gets one line; its traceback goes to a file
        if _is_database_error(bug):
            reason = getattr(bug, "orig", None) or bug
            print(
                f"crowdledger: the database failed ({reason}); check CROWDLEDGER_DATABASE_URL",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        crash = _keep_traceback()
        print(
            f"crowdledger: unexpected {type(bug).__name__}: {bug}. This is a bug; the details are in "
            f"{crash}, please report them with the command you ran",
            file=sys.stderr,
        )
        return EXIT_BUG


def _is_database_error(failure: Exception) -> bool:
    """A SQLAlchemy error, found without importing SQLAlchemy: the commands that sign never load it, and
    importing it would add a second to their start."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(failure, errors.SQLAlchemyError)


def _keep_traceback() -> Path:
    """The current exception's traceback, written to ~/.crowdledger/crash.log (or a temporary file)."""
    text = f"crowdledger {' '.join(sys.argv[1:])}\n{traceback.format_exc()}"
    for folder in (Path("~/.crowdledger").expanduser(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "crash.log").write_text(text)
            return folder / "crash.log"
        except OSError:
            continue
    return Path("(nowhere: no writable folder)")
