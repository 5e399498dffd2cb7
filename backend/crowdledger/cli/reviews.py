"""Reviews after the requester's decision (docs/PROTOCOL.md §3.7): the co-reviewer confirms or objects, the
arbiter decides, a rejected worker appeals, and anyone carries out a decision whose windows have ended.

A contest's decision is an award (winners and shares); the contract keeps only its hash, so the commands read
the winners and shares from the task's last AwardProposed event and the user never types them twice. A
micro-task's decision is about one place: approve or reject."""

import argparse
import dataclasses
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from crowdledger.cli.common import (
    Session,
    arg,
    command,
    contract_command,
    open_session,
    positive_int,
    signer_options,
)
from crowdledger.cli.tasks import parse_winners
from crowdledger.errors import ConfigError
from crowdledger.settings import Settings
from crowdledger.wallet.abi import canonical
from crowdledger.wallet.explain import About
from crowdledger.wallet.send import Call

CONTEST = 0  # Bounty.Kind
APPROVE = 1  # Bounty.Verdict: None, Approve, Reject
WINNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # for examples


def register(commands: Any) -> None:
    co_review = command(
        commands,
        "co-review",
        "as a task's co-reviewer, confirm or object to the requester's decision (within 3 days of it)",
        _co_review,
        [
            "crowdledger co-review confirm 4 --account dave          # the award proposed for contest 4",
            "crowdledger co-review object 5 2 --account dave         # the decision on place 2 of task 5",
        ],
        details="A confirmed decision takes effect at once. After an objection the task's arbiter decides; "
        "without an arbiter, or if the arbiter stays silent, the requester's decision stands and anyone "
        "carries it out with `crowdledger finalize`. Silence for 3 days also lets the decision stand.",
    )
    co_review.add_argument("action", choices=("confirm", "object"))
    co_review.add_argument("task", metavar="TASK", type=positive_int)
    co_review.add_argument(
        "place", metavar="PLACE", type=positive_int, nargs="?", help="a micro-task's place"
    )
    signer_options(co_review)

    arbitrate = command(
        commands,
        "arbitrate",
        "as a task's arbiter, award a contest or approve or reject a place",
        _arbitrate,
        [
            f"crowdledger arbitrate 4 {WINNER} --account erin                  # a contest: any valid award",
            "crowdledger arbitrate 5 2 approve --account erin                   # place 2 of micro-task 5",
        ],
        details="The arbiter decides after the co-reviewer objected, when the requester made no decision "
        "in the review period, and on a rejected worker's appeal; 7 days each time. For a contest give "
        "WINNER[=PERCENT] as `award` does; for a micro-task give PLACE and approve or reject.",
    )
    arbitrate.add_argument("task", metavar="TASK", type=positive_int)
    arbitrate.add_argument("decision", nargs="+", metavar="WINNER[=PERCENT] | PLACE approve|reject")
    signer_options(arbitrate)

    contract_command(
        commands,
        "appeal",
        "appeal the rejection of your work to the task's arbiter (once, within 3 days of the rejection)",
        ["crowdledger appeal 5 2 --account carol"],
        "appeal",
        "task",
        (arg("place", metavar="PLACE", type=positive_int),),
        details="The arbiter then has 7 days to approve (you are paid) or reject; silence lets the "
        "rejection stand, and `crowdledger finalize TASK PLACE` reopens the place.",
    )

    finalize = command(
        commands,
        "finalize",
        "carry out a decision whose co-review (and arbitration) windows have ended (anyone)",
        _finalize,
        ["crowdledger finalize 4 --account carol", "crowdledger finalize 5 2 --account carol"],
        details="For a contest, the award the requester proposed; for a micro-task's PLACE, the requester's "
        "decision on it, or a rejection the arbiter left standing.",
    )
    finalize.add_argument("task", metavar="TASK", type=positive_int)
    finalize.add_argument("place", metavar="PLACE", type=positive_int, nargs="?", help="a micro-task's place")
    signer_options(finalize)


def _is_contest(session: Session, task: int) -> bool:
    return int(session.chain.read(session.bounty, "task", task)["kind"]) == CONTEST


def _about(session: Session, task: int, place: int | None) -> About:
    return dataclasses.replace(session.about_task(task), place=place)


def _need_place(session: Session, task: int, place: int | None, command_name: str) -> int:
    if place is None:
        raise ConfigError(
            f"task {task} is a micro-task: name the place, `crowdledger {command_name} {task} PLACE`"
        )
    return place


def proposed_award(session: Session, task: int) -> tuple[list[str], list[int]]:
    """The winners and shares of the award the requester proposed for contest `task`: the last AwardProposed
    event whose arrays hash to the decision the contract holds."""
    decision = bytes(session.chain.read(session.bounty, "awardProposal", task)["decision"])
    if not any(decision):
        raise ConfigError(
            f"the requester has proposed no award for task {task} (`crowdledger show task {task}`)"
        )
    entry = next(
        e for e in session.bounty.abi if e.get("type") == "event" and e.get("name") == "AwardProposed"
    )
    data_types = [canonical(i) for i in entry["inputs"] if not i["indexed"]]
    for log in reversed(session.chain.logs(session.bounty, "AwardProposed", taskId=task)):
        winners, shares, _ = abi_decode(data_types, bytes.fromhex(log["data"][2:]))
        if keccak(abi_encode(["address[]", "uint16[]"], [winners, shares])) == decision:
            return [str(w) for w in winners], [int(s) for s in shares]
    raise ConfigError(
        f"no AwardProposed event of task {task} matches its proposal; is the deployment's start block right?"
    )


def _co_review(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    bounty, task = session.bounty, args.task
    if _is_contest(session, task):
        about = _about(session, task, None)
        if args.action == "object":
            call = Call(bounty, "objectToAward", [task])
        else:
            winners, shares = proposed_award(session, task)
            call = Call(bounty, "confirmAward", [task, winners, shares])
    else:
        place = _need_place(session, task, args.place, f"co-review {args.action}")
        about = _about(session, task, place)
        if args.action == "object":
            call = Call(bounty, "objectToPlace", [task, place])
        else:
            verdict = int(session.chain.read(bounty, "placeOf", task, place)["decision"])
            # without a decision the contract's own refusal (NoPendingDecision) says so
            call = Call(bounty, "confirmPlace", [task, place, verdict in (0, APPROVE)])
    session.send(call, about)
    return 0


def _arbitrate(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    task = args.task
    if _is_contest(session, task):
        winners, shares = parse_winners(args.decision)
        call = Call(session.bounty, "arbitrateAward", [task, winners, shares])
        about = _about(session, task, None)
    else:
        if len(args.decision) != 2 or args.decision[1] not in ("approve", "reject"):
            raise ConfigError(f"task {task} is a micro-task: give PLACE and approve or reject")
        place = positive_int(args.decision[0]) if args.decision[0].isdigit() else None
        if place is None:
            raise ConfigError(f"PLACE must be a whole number, got {args.decision[0]!r}")
        call = Call(session.bounty, "arbitratePlace", [task, place, args.decision[1] == "approve"])
        about = _about(session, task, place)
    session.send(call, about)
    return 0


def _finalize(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    task = args.task
    if _is_contest(session, task):
        winners, shares = proposed_award(session, task)
        call = Call(session.bounty, "finalizeAward", [task, winners, shares])
        about = _about(session, task, None)
    else:
        place = _need_place(session, task, args.place, "finalize")
        call = Call(session.bounty, "finalizePlace", [task, place])
        about = _about(session, task, place)
    session.send(call, about)
    return 0
