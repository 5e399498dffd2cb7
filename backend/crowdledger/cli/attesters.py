"""Identity attesters: vouch for an account (paying the gas, or signing for the account to submit), revoke.

An attester is registered by the ledger's owner (Reputation.setAttester). Its attestation is what makes an
account "verified": full weight for its ratings, one vote per identity, access to tasks that ask for it."""

import argparse
import json
import re
from pathlib import Path
from typing import Any

from crowdledger.cli.common import Handler, address, command, open_session, positive_int, signer_options
from crowdledger.errors import ConfigError, Refused
from crowdledger.reputation import NEVER_EXPIRES
from crowdledger.settings import Settings
from crowdledger.wallet.addresses import checked_address
from crowdledger.wallet.attest import sign_attest
from crowdledger.wallet.explain import About
from crowdledger.wallet.send import Call, simulate
from crowdledger.wallet.units import format_expiry, format_time, parse_time

FILE_KEYS = ("chainId", "reputation", "account", "level", "expiresAt", "attester", "deadline", "signature")


def register(commands: Any) -> None:
    attest = command(
        commands,
        "attest",
        "as a registered attester, vouch for an account's identity at a level until a date",
        _attest,
        [
            "crowdledger attest 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --until +365d --account kyc",
            "crowdledger attest 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --level 2 --until never "
            "--account kyc",
        ],
        details="It replaces any attestation the account had, from whichever attester. To let the account "
        "pay the gas instead, use sign-attestation. A signed attestation you gave out stays valid until it "
        "is submitted, its deadline passes or you void it: run void-signatures first when you change your "
        "mind.",
    )
    _attestation_options(attest)
    signer_options(attest)

    sign = command(
        commands,
        "sign-attestation",
        "sign an attestation for the account to submit (the attester pays no gas); writes it to a file",
        _sign,
        [
            "crowdledger sign-attestation 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --until +365d "
            "--account kyc --out dave.attestation.json",
        ],
        details="Nothing is sent: the file holds the EIP-712 signature and its terms, checked against the "
        "chain. Give it to the account, which runs `crowdledger submit-attestation FILE` before the "
        "signature's deadline (--valid-for, before the attestation expires). It can be used once; "
        "revoke-attestation or void-signatures voids it before then. Files signed for the same account "
        "share one nonce: submitting one voids the others.",
    )
    _attestation_options(sign)
    sign.add_argument(
        "--valid-for", default="+7d", help="how long the signature may be submitted: +7d (default), +12h"
    )
    sign.add_argument("--out", type=Path, help="the file to write (default: ACCOUNT.attestation.json)")
    signer_options(sign)

    submit = command(
        commands,
        "submit-attestation",
        "submit an attestation an attester signed for you (sign-attestation's file); you pay the gas",
        _submit,
        ["crowdledger submit-attestation dave.attestation.json --account dave"],
    )
    submit.add_argument("file", metavar="FILE", type=Path)
    signer_options(submit)

    # the two that name only the account: withdraw an attestation, or void unsubmitted signatures
    for name, summary, handler, details in (
        (
            "revoke-attestation",
            "withdraw the attestation you issued for an account, and void your unsubmitted signatures for it",
            _about_account("revoke"),
            "",
        ),
        (
            "void-signatures",
            "void the attestation signatures you gave an account that nobody submitted yet",
            _about_account("voidOutstandingSignatures"),
            "For when there is no attestation of yours to revoke (another attester's replaced it).",
        ),
    ):
        example = f"crowdledger {name} 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --account kyc"
        parser = command(commands, name, summary, handler, [example], details=details)
        parser.add_argument("subject", metavar="ACCOUNT", type=address)
        signer_options(parser)


def _attestation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("subject", metavar="ACCOUNT", type=address, help="the account vouched for")
    parser.add_argument(
        "--level", type=positive_int, default=1, help="the identity level, 1 to 255 (default 1)"
    )
    parser.add_argument(
        "--until",
        required=True,
        help="when it expires: a date (2027-12-01, UTC), a span from now (+365d), or never",
    )


def _terms(args: argparse.Namespace, now: int) -> tuple[int, int]:
    """(level, expiresAt) from the command line, refused before anything is signed."""
    if not 1 <= args.level <= 255:
        raise ConfigError(
            f"--level must be 1 to 255 (an attestation of level 0 verifies nothing), got {args.level}"
        )
    expires_at = (
        NEVER_EXPIRES if args.until.strip().lower() == "never" else parse_time(args.until, now, "--until")
    )
    if expires_at <= now:
        raise ConfigError(
            f"--until must be later than now ({format_time(now)}), got {format_time(expires_at)}"
        )
    if expires_at > NEVER_EXPIRES:
        raise ConfigError("--until is later than the ledger can record (a uint64 timestamp): write never")
    return args.level, expires_at


def _attest(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    level, expires_at = _terms(args, session.chain.now())
    session.send(
        Call(session.reputation, "attest", [args.subject, level, expires_at]), About(sender=session.sender)
    )
    return 0


def _sign(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    chain, reputation = session.chain, session.reputation
    now = chain.now()
    level, expires_at = _terms(args, now)
    deadline = parse_time(args.valid_for, now, "--valid-for")
    if not now < deadline < expires_at:  # after the expiry the contract refuses it (ExpiryNotInFuture)
        raise ConfigError(
            "--valid-for must end after now and before the attestation expires "
            f"({format_expiry(expires_at)}), got {format_time(deadline)}"
        )
    out = args.out or Path(f"{args.subject}.attestation.json")
    if out.is_dir() or not out.parent.is_dir():
        raise ConfigError(f"--out {out}: name a file in a folder that exists")
    # Refused before the password is asked: an account that may not attest signs nothing.
    if not chain.read(reputation, "isAttester", session.sender):
        raise Refused(
            f"NotAnAttester: {session.sender} is not a registered identity attester; nothing was signed"
        )
    if session.dry_run:
        print(f"Checked: {session.sender} may attest {args.subject}; nothing was signed (--dry-run)")
        return 0
    nonce = int(chain.read(reputation, "nonces", session.sender, args.subject))
    key = session.account().key.hex()
    signature = sign_attest(
        key, chain.deployment.chain_id, reputation.address, args.subject, level, expires_at, nonce, deadline
    )
    attestation = {
        "chainId": chain.deployment.chain_id,
        "reputation": reputation.address,
        "account": args.subject,
        "level": level,
        "expiresAt": expires_at,
        "attester": session.sender,
        "deadline": deadline,
        "signature": "0x" + signature.hex(),
    }
    # Checked as the account will submit it, so that no signature the contract would refuse is handed out.
    simulate(chain, args.subject, _submission(session, attestation), About(sender=args.subject))
    try:
        out.write_text(json.dumps(attestation, indent=2) + "\n")
    except OSError as failure:
        raise ConfigError(f"cannot write {out}: {failure.strerror}") from None
    print(
        f"Signed: {args.subject} verified at level {level} {format_expiry(expires_at)}. Wrote {out}; give it "
        f"to the account, which submits it with `crowdledger submit-attestation {out} --account ...` by "
        f"{format_time(deadline)}. Nothing was sent."
    )
    return 0


def _submit(settings: Settings, args: argparse.Namespace) -> int:
    attestation = _read(args.file)
    session = open_session(settings, args)
    if attestation["chainId"] != session.chain.deployment.chain_id:
        raise ConfigError(
            f"{args.file} was signed for chain {attestation['chainId']}, and this is chain "
            f"{session.chain.deployment.chain_id}: choose its network (--network or --rpc-url)"
        )
    if attestation["reputation"].lower() != session.reputation.address.lower():
        raise ConfigError(
            f"{args.file} was signed for the ledger at {attestation['reputation']}, not this deployment's "
            f"({session.reputation.address}): choose its deployment (--network or --deployment)"
        )
    session.send(_submission(session, attestation), About(sender=session.sender))
    return 0


def _submission(session: Any, attestation: dict[str, Any]) -> Call:
    a = attestation
    signature = bytes.fromhex(a["signature"].removeprefix("0x"))
    values = [a["account"], a["level"], a["expiresAt"], a["attester"], a["deadline"], signature]
    return Call(session.reputation, "attestBySig", values)


def _read(path: Path) -> dict[str, Any]:
    """sign-attestation's file, every field checked, so that a damaged one is a message, not a revert."""
    try:
        attestation = json.loads(path.read_text())
    except OSError as failure:
        raise ConfigError(f"cannot read {path}: {failure.strerror}") from None
    except (ValueError, UnicodeDecodeError):
        raise ConfigError(f"{path} is not JSON: it should be the file sign-attestation wrote") from None
    if not isinstance(attestation, dict) or sorted(attestation) != sorted(FILE_KEYS):
        raise ConfigError(
            f"{path} should hold exactly {', '.join(FILE_KEYS)} (the file sign-attestation wrote)"
        )
    a = attestation
    try:
        addresses = {k: checked_address(a[k], k) for k in ("account", "attester", "reputation")}
    except ConfigError as refused:
        raise ConfigError(f"{path} is damaged ({refused}): ask the attester for its file") from None
    valid = (
        all(type(a[k]) is int for k in ("chainId", "level", "expiresAt", "deadline"))
        and 1 <= a["level"] <= 255
        and 0 < a["expiresAt"] <= NEVER_EXPIRES
        and 0 < a["deadline"] < 2**256
        and isinstance(a["signature"], str)
        and re.fullmatch(r"0x[0-9a-fA-F]{130}", a["signature"]) is not None
    )
    if not valid:
        raise ConfigError(f"{path} is damaged: ask the attester for the file sign-attestation wrote")
    return a | addresses


def _about_account(function: str) -> Handler:
    """A handler calling Reputation.`function`(ACCOUNT), signed by --account."""

    def handler(settings: Settings, args: argparse.Namespace) -> int:
        session = open_session(settings, args)
        session.send(Call(session.reputation, function, [args.subject]), About(sender=session.sender))
        return 0

    return handler
