"""Requesters and workers: post a contest or a micro-task, take a place and submit work, enter a contest and
reveal the entry, award, approve or reject (a co-reviewer's and an arbiter's part is in cli/reviews.py), apply
the defaults, withdraw, reclaim."""

import argparse
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from crowdledger.cli.common import (
    TO,
    Session,
    address,
    arg,
    command,
    contract_command,
    open_session,
    positive_int,
    send_paying_token,
    signer_options,
    to_recipient,
)
from crowdledger.errors import ConfigError
from crowdledger.settings import Settings
from crowdledger.wallet import specs
from crowdledger.wallet.entries import EntrySecret, EntryStore
from crowdledger.wallet.explain import About
from crowdledger.wallet.merkle import InviteTree, read_invites
from crowdledger.wallet.send import Call
from crowdledger.wallet.units import format_time, parse_percent

MAX_PLACE_SCAN = 1_000  # `take` without a place looks this far for a free one

TASK_FILE = """\
The task file is JSON (examples/contest.json, examples/micro-task.json); amounts in whole tokens of "token":
  kind                "contest" or "micro-task"
  token               "ETH" (default) or an ERC-20 address; the escrow is taken when posting
  reward              contest: "1.5", the whole reward, split among the winners you award
  pay, places         micro-task: "0.05" per place, 5 places (pay x places is escrowed)
  work_window_hours   micro-task: how long a taken place is held for its worker (1 to 720)
  deadline            "+7d" or "2026-12-31T12:00" (UTC), or "duration_days": 7  (1 hour to 365 days)
  review_days         3  (1 to 90: a contest's review after the deadline, a place's after each submission)
  co_reviewer         optional address: confirms or objects to each decision within 3 days (four eyes)
  arbiter             optional address (not the co-reviewer): decides after an objection, for a silent
                      requester, and on a rejected worker's appeal
  access              optional, any of:
                        "min_worker_score": 20            (Worker reputation points)
                        "invite_list": ["0x...", ...] or "invites.txt"  (a file next to the task file,
                                          one address a line; its Merkle root is what goes on chain)
                        "min_verified_level": 1            (an identity attestation of that level)
  metadata            {"title": "...", "description": "..."} or "metadata_uri" with "metadata_hash\""""

ENTRIES = """\
The entry's secret (deliverable hash and salt) is written before the commitment is sent, to
  CROWDLEDGER_ENTRIES_DIR (default ~/.crowdledger/entries)/CHAINID-BOUNTY-TASK-WORKER.json
and `crowdledger reveal TASK` finds it there after the deadline. Without it the entry cannot be revealed."""


def register(commands: Any) -> None:
    post = command(
        commands,
        "post",
        "post a contest or a micro-task described in a JSON file, its reward escrowed",
        _post,
        [
            "crowdledger post examples/contest.json --account bob",
            "crowdledger post examples/micro-task.json --account bob",
        ],
        details=TASK_FILE,
    )
    post.add_argument("file", metavar="FILE", type=Path)
    signer_options(post)

    take = command(
        commands,
        "take",
        "take a place of a micro-task (the first free one unless PLACE is given)",
        _take,
        ["crowdledger take 5 --account carol", "crowdledger take 5 2 --invites invites.txt --account carol"],
    )
    take.add_argument("task", metavar="TASK", type=positive_int)
    take.add_argument("place", metavar="PLACE", type=positive_int, nargs="?")
    take.add_argument("--invites", type=Path, help="the task's invite list (for an invite-only task)")
    signer_options(take)

    contract_command(
        commands,
        "submit-work",
        "submit the work for a micro-task place you hold: the deliverable's keccak256",
        ["crowdledger submit-work 5 2 translation.pdf --account carol"],
        "submitWork",
        "task",
        (
            arg("place", metavar="PLACE", type=positive_int),
            arg(
                "deliverable",
                metavar="DELIVERABLE",
                type=Path,
                help="the file you deliver (its hash is sent)",
            ),
        ),
        lambda session, parsed, about: [parsed.task, parsed.place, _hash_file(parsed.deliverable)],
        details="Hand the deliverable itself to the requester; the hash on chain proves what you handed in.",
    )

    enter = command(
        commands,
        "enter",
        "enter a contest with a commitment to your deliverable (revealed after the deadline)",
        _enter,
        ["crowdledger enter 4 logo.svg --uri ipfs://bafy.../logo.svg --account carol"],
        details=ENTRIES,
    )
    enter.add_argument("task", metavar="TASK", type=positive_int)
    enter.add_argument(
        "deliverable",
        metavar="DELIVERABLE",
        type=Path,
        help="the file you enter (only a commitment is sent now)",
    )
    enter.add_argument("--uri", default="", help="where reviewers will fetch it once revealed")
    enter.add_argument("--invites", type=Path, help="the task's invite list (for an invite-only task)")
    signer_options(enter)

    reveal = command(
        commands,
        "reveal",
        "reveal your contest entry after the deadline, from the secret `enter` kept",
        _reveal,
        [
            "crowdledger reveal 4 --account carol",
            "crowdledger reveal 4 --uri https://example.org/logo.svg --account carol",
        ],
        details=ENTRIES,
    )
    reveal.add_argument("task", metavar="TASK", type=positive_int)
    reveal.add_argument(
        "--uri", help="where reviewers fetch the deliverable (default: the one given to enter)"
    )
    signer_options(reveal)

    award = command(
        commands,
        "award",
        "award a contest to revealed entries (with a co-reviewer: once confirmed, or after the co-review)",
        _award,
        [
            "crowdledger award 4 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --account bob",
            "crowdledger award 4 0x7099...79C8=60 0x3C44...93BC=40 --account bob",
        ],
        details="WINNER is an address, with =PERCENT when there are several (the shares add up to 100).",
    )
    award.add_argument("task", metavar="TASK", type=positive_int)
    award.add_argument("winners", nargs="+", metavar="WINNER[=PERCENT]")
    signer_options(award)

    for name, summary, function in (
        (
            "approve",
            "approve submitted work: its pay goes to the worker (with a co-reviewer, once confirmed or after "
            "the co-review window)",
            "approve",
        ),
        (
            "reject",
            "reject submitted work: the place reopens (with an arbiter, after the worker's time to appeal)",
            "reject",
        ),
        (
            "approve-by-default",
            "approve work whose review ended without a decision (anyone)",
            "approveByDefault",
        ),
    ):
        example = [f"crowdledger {name} 5 2 --account bob"]
        place = arg("place", metavar="PLACE", type=positive_int)
        contract_command(commands, name, summary, example, function, "task", (place,))
    contract_command(
        commands,
        "split-by-default",
        "split a contest nobody awarded equally among its revealed entries (anyone, after the review)",
        ["crowdledger split-by-default 4 --account carol"],
        "splitByDefault",
        "task",
    )
    for name, summary, function in (
        (
            "withdraw",
            "withdraw what you earned in a task (awards, approved places, a default share)",
            "withdraw",
        ),
        ("reclaim", "take back a task's reward that no work can claim any more (requester)", "reclaim"),
    ):
        example = [f"crowdledger {name} 4 --account carol"]
        contract_command(commands, name, summary, example, function, "task", (TO,), to_recipient)


def _post(settings: Settings, args: argparse.Namespace) -> int:
    spec = specs.read_spec(args.file, "task")
    session = open_session(settings, args)
    token = session.chain.token_named(specs.token_of(spec))
    task = specs.task(spec, token, session.chain.now(), args.file.parent)
    if task.invites is not None:
        reviewers = {account.lower() for account in (session.sender, *task.reviewers)}
        if all(account.lower() in reviewers for account in task.invites.accounts):
            raise ConfigError(
                "the invite list names only you and the task's reviewers, whom the contract lets not work on "
                "it: nobody could take the task, and its reward would wait for the deadline. Name the "
                "workers you invite"
            )
    value = task.escrow if token.is_eth else 0
    if task.kind == "contest":
        call = Call(session.bounty, "postContest", [task.params, task.reward], value)
    else:
        call = Call(
            session.bounty, "postMicroTask", [task.params, task.reward, task.places, task.work_window], value
        )
    about = About(sender=session.sender, token=token)
    sent = send_paying_token(session, call, about, task.escrow, session.bounty.address)
    if sent is not None and task.invites is not None:
        print(
            f"  invite list: {len(task.invites.accounts)} addresses, root 0x{task.invites.root.hex()}; "
            "invited "
            "workers pass the same list with --invites"
        )
    return 0


def _proof(session: Session, invites: Path | None) -> list[bytes]:
    if invites is None:
        return []
    return InviteTree.of(read_invites(invites)).proof(session.sender)


def _take(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_task(args.task)
    place = args.place
    if place is None:
        places = session.chain.read(session.bounty, "microTask", args.task)["places"]
        place = next(
            (
                i
                for i in range(min(places, MAX_PLACE_SCAN))
                if session.chain.read(session.bounty, "isPlaceFree", args.task, i)
            ),
            None,
        )
        if place is None:
            raise ConfigError(
                f"task {args.task} has no free place (among its first {MAX_PLACE_SCAN}); name one"
            )
    session.send(Call(session.bounty, "take", [args.task, place, _proof(session, args.invites)]), about)
    return 0


def _hash_file(path: Path) -> bytes:
    try:
        return keccak(path.read_bytes())
    except OSError as bad:
        raise ConfigError(f"cannot read the deliverable {path}: {bad.strerror or bad}") from None


def _entry_path(session: Session, task: int) -> Path:
    store = EntryStore(session.settings.entries_dir)
    return store.path(session.chain.deployment.chain_id, session.bounty.address, task, session.sender)


def _enter(settings: Settings, args: argparse.Namespace) -> int:
    digest = _hash_file(args.deliverable)
    session = open_session(settings, args)
    about = session.about_task(args.task)
    secret = EntrySecret.new(digest, session.sender, args.uri, str(args.deliverable.resolve()))
    call = Call(
        session.bounty,
        "submit",
        [args.task, bytes.fromhex(secret.commitment[2:]), _proof(session, args.invites)],
    )
    if session.dry_run:
        session.send(call, about)
        return 0
    from crowdledger.wallet.send import simulate

    simulate(session.chain, session.sender, call, about)  # a refusal leaves no secret behind
    path = _entry_path(session, args.task)
    EntryStore(settings.entries_dir).add(path, secret)
    print(f"Kept the entry's secret in {path}")
    session.send(call, about)
    deadline = session.chain.read(session.bounty, "task", args.task)["deadline"]
    print(
        f"  reveal it after the deadline ({format_time(deadline)}) with: "
        f"crowdledger reveal {args.task} --account {args.account}"
    )
    return 0


def _reveal(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_task(args.task)
    entry = session.chain.read(session.bounty, "entryOf", args.task, session.sender)
    if not int.from_bytes(entry["commitment"], "big"):
        raise ConfigError(f"{session.sender} has no entry in task {args.task}")
    path = _entry_path(session, args.task)
    secret = EntryStore(settings.entries_dir).find(path, entry["commitment"])
    uri = args.uri or secret.deliverable_uri
    if not uri:
        raise ConfigError("give --uri: where the reviewers can fetch the deliverable (enter was given none)")
    digest, salt = bytes.fromhex(secret.deliverable_hash[2:]), bytes.fromhex(secret.salt[2:])
    session.send(Call(session.bounty, "reveal", [args.task, digest, uri, salt]), about)
    return 0


def parse_winners(items: list[str]) -> tuple[list[str], list[int]]:
    """WINNER[=PERCENT] arguments as (winners, shares in bps); one winner without a share takes 100%."""
    winners, shares = [], []
    for item in items:
        who, _, share = item.partition("=")
        try:
            winners.append(address(who))
        except argparse.ArgumentTypeError as bad:
            raise ConfigError(str(bad)) from None
        if share:
            shares.append(parse_percent(share, f"{who}'s share"))
        elif len(items) > 1:
            raise ConfigError(f"with several winners give each a share: {who}=PERCENT")
        else:
            shares.append(10_000)
    return winners, shares


def _award(settings: Settings, args: argparse.Namespace) -> int:
    winners, shares = parse_winners(args.winners)
    session = open_session(settings, args)
    about = session.about_task(args.task)
    session.send(Call(session.bounty, "award", [args.task, winners, shares]), about)
    return 0
