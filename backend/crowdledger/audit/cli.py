"""`crowdledger audit`: the auditor's commands.

    crowdledger audit [--block N] [--index] [--save] [--export DIR] [--json]
                      [--no-bytecode] [--no-transfers] [--source DIR] [--solc PATH] [--no-compile-cache]
    crowdledger audit --follow [--webhook URL]
    crowdledger audit prove ADDRESS [--report FILE]
    crowdledger audit verify PROOF --root ROOT

Exit status: 0 passed (or a valid proof), 1 could not run (a message says why), 5 failed (a check failed, a
shortfall in watch mode, an invalid proof), 3 the chain (RPC) cannot be reached (as for every command).
`register` adds the commands to the main parser (a group of crowdledger.cli), `run` runs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crowdledger.settings import Settings

FAILED = 5  # not 2: argparse exits 2 for a bad command line


def register(commands: Any) -> None:
    audit = commands.add_parser(
        "audit",
        help="audit the contracts, their books and the index from the chain alone",
        description="Audit the deployed contracts from the chain alone: their code, their books (replayed "
        "from events, against their views and balances), the index, and the patterns fraud leaves. "
        "See docs/AUDIT.md.",
    )
    audit.add_argument(
        "--block", type=int, help="the block to audit (default: the head, or the index's block)"
    )
    audit.add_argument(
        "--index", action="store_true", help="also check the index in CROWDLEDGER_DATABASE_URL"
    )
    audit.add_argument(
        "--save", action="store_true", help="publish the report in the database for the web app"
    )
    audit.add_argument(
        "--export", type=Path, metavar="DIR", help="write report.json/.html, ledger.json and CSVs"
    )
    audit.add_argument("--json", action="store_true", help="print the JSON report instead of the summary")
    audit.add_argument("--no-bytecode", action="store_true", help="skip recompiling and comparing the code")
    audit.add_argument("--no-transfers", action="store_true", help="skip reading every block's transactions")
    audit.add_argument("--source", type=Path, default=Path("."), help="the repository checkout (default: .)")
    audit.add_argument(
        "--solc", type=Path, help="a solc binary of the pinned version (default: toolchain/solc)"
    )
    audit.add_argument("--no-compile-cache", action="store_true", help="compile even if compiled before")
    audit.add_argument(
        "--follow", action="store_true", help="watch new blocks; stop (or alert) on a shortfall"
    )
    audit.add_argument("--webhook", help="with --follow: POST alerts here and keep watching")
    audit.set_defaults(handler=run, audit_command=None)
    actions = audit.add_subparsers(dest="audit_command")
    prove = actions.add_parser("prove", help="a Merkle proof that ADDRESS's claims are in the audited totals")
    prove.add_argument("address")
    prove.add_argument("--report", type=Path, help="a report.json written before (default: audit now)")
    prove.add_argument("--block", type=int, help="without --report: the block to audit")
    verify = actions.add_parser("verify", help="check a proof against a report's Merkle root")
    verify.add_argument("proof", help="the proof's JSON file, or - for standard input")
    verify.add_argument("--root", required=True, help="the report's Merkle root (0x...)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.audit_command == "prove":
        return _prove(settings, args)
    if args.audit_command == "verify":
        return _verify(args)
    if args.follow:
        return _follow(settings, args)
    return _audit(settings, args)


def _rpc(settings: Settings) -> Any:
    from crowdledger.chain.rpc import Rpc

    return Rpc(settings.rpc_url, timeout=settings.rpc_timeout, attempts=settings.rpc_attempts)


def _command(settings: Settings, args: argparse.Namespace) -> str:
    parts = [
        f"CROWDLEDGER_RPC_URL=<an RPC URL of the chain> CROWDLEDGER_DEPLOYMENT={settings.deployment}",
        "crowdledger audit",
    ]
    if args.no_transfers:
        parts.append("--no-transfers")
    return " ".join(parts)


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger.audit.report import summary_lines, write_exports
    from crowdledger.audit.run import Options, audit
    from crowdledger.deployment import Deployment
    from crowdledger.store.db import make_engine, migrate

    engine = None
    if args.index or args.save:
        engine = make_engine(settings.database_url)
        migrate(engine)
    options = Options(
        block=args.block if args.block is not None else None,
        transfers=not args.no_transfers,
        bytecode=not args.no_bytecode,
        source=args.source,
        solc=args.solc,
        index=engine if args.index else None,
        max_span=settings.batch_blocks,
        command=_command(settings, args),
    )
    if args.no_compile_cache:
        options.compile_cache = None
    if options.block is None and not args.index and settings.confirmations:
        options.block = _rpc(settings).head() - settings.confirmations
    result = audit(_rpc(settings), Deployment.load(settings.deployment), options, on_range=_progress())
    if args.json:
        print(json.dumps(result.report, indent=2))
    else:
        print("\n".join(summary_lines(result.report)))
    if args.export is not None:
        written = write_exports(args.export, result)
        print(f"Wrote {', '.join(p.name for p in written)} to {args.export}", file=sys.stderr)
    if args.save and engine is not None:
        from crowdledger.audit.published import save

        save(engine, result)
        print("Published the report in the database (the web app shows it at /audit/report)", file=sys.stderr)
    return 0 if result.passed else FAILED


def _progress() -> Any:
    """A line per range on a terminal: the replay of a long history takes a while."""
    if not sys.stderr.isatty():
        return None

    def show(done: Any, target: int) -> None:
        print(
            f"\rreplaying: block {done.last_block:,} of {target:,}, {done.events:,} events",
            end="",
            file=sys.stderr,
        )
        if done.last_block >= target:
            print(file=sys.stderr)

    return show


def _follow(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger.audit.follow import follow
    from crowdledger.deployment import Deployment

    def report(block: int, short: list[Any]) -> None:
        if short:
            for p in short:
                print(
                    f"block {block:,}: {p.contract} holds {p.held} of {p.asset} but owes {p.owed}", flush=True
                )
        else:
            print(f"block {block:,}: every contract holds at least what it owes", flush=True)

    status = follow(
        _rpc(settings),
        Deployment.load(settings.deployment),
        settings.poll_seconds,
        settings.confirmations,
        args.webhook,
        settings.batch_blocks,
        on_block=report,
    )
    return FAILED if status else 0


def _prove(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger.audit.report import load
    from crowdledger.audit.run import Options, audit
    from crowdledger.deployment import Deployment
    from crowdledger.errors import ConfigError

    address = args.address.lower()
    if not (address.startswith("0x") and len(address) == 42):
        raise ConfigError(f"{args.address} is not an address (0x and 40 hex digits)")
    if args.report is not None:
        report, tree = load(args.report)
    else:
        options = Options(block=args.block, transfers=False, bytecode=False, command=_command(settings, args))
        result = audit(_rpc(settings), Deployment.load(settings.deployment), options)
        report, tree = result.report, result.tree
        if not result.passed:
            print(
                "warning: the audit at this block did not pass; run `crowdledger audit` to see why",
                file=sys.stderr,
            )
    proofs = tree.proofs(address)
    print(
        json.dumps(
            {
                "format": "crowdledger-audit-proof/1",
                "chain_id": report["chain_id"],
                "block": report["block"],
                "digest": report["digest"],
                "root": report["merkle"]["root"],
                "account": address,
                "proofs": proofs,
            },
            indent=2,
        )
    )
    if not proofs:
        print(f"{address} is owed nothing at block {report['block']['number']:,}", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from crowdledger.audit.findings import amount
    from crowdledger.audit.merkle import ProofError, verify
    from crowdledger.errors import ConfigError

    try:
        text = sys.stdin.read() if args.proof == "-" else Path(args.proof).read_text()
        document = json.loads(text)
        proofs = document["proofs"] if "proofs" in document else [document]
    except FileNotFoundError:
        raise ConfigError(f"No proof file {args.proof}") from None
    except (ValueError, KeyError, TypeError) as bad:
        raise ConfigError(f"{args.proof} is not a proof: {bad!r}") from None
    if not proofs:
        print("The proof claims nothing (the account was owed nothing)")
        return 0
    failed = 0
    for proof in proofs:
        try:
            ok = verify(proof, args.root)
        except ProofError as failure:
            failed += 1
            print(f"INVALID: {failure}")
            continue
        leaf = ok.leaf
        print(
            f"valid: {leaf.contract} owes {leaf.holder} {amount(leaf.amount, leaf.asset)}, inside the "
            f"{amount(ok.total, leaf.asset)} it owes in all under root {ok.root}"
        )
    return FAILED if failed else 0
