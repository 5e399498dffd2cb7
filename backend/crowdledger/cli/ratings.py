"""Everyone who dealt with someone: rate them, once per campaign or task."""

import argparse
from typing import Any

from crowdledger.cli.common import address, command, open_session, positive_int, signer_options
from crowdledger.errors import ConfigError
from crowdledger.settings import Settings
from crowdledger.wallet.send import Call


def register(commands: Any) -> None:
    rate = command(
        commands,
        "rate",
        "rate a campaign's creator, or the other side of a task, 1 to 5 stars (3 is neutral)",
        _rate,
        [
            "crowdledger rate campaign 1 5 --account alice            # a backer rates the creator",
            "crowdledger rate task 4 4 --account carol                 # a paid worker rates the requester",
            "crowdledger rate task 4 5 --subject 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --account bob",
        ],
        details="A campaign's backers rate its creator once they recorded delivery (`confirm-delivery` or "
        "`report-not-delivered`); a task's requester rates each paid worker (--subject) and each paid worker "
        "rates the requester. A rating weighs the value the rater settled and its verified identity.",
    )
    rate.add_argument("kind", choices=("campaign", "task"))
    rate.add_argument("id", metavar="ID", type=positive_int)
    rate.add_argument("stars", type=int, choices=range(1, 6), metavar="STARS")
    rate.add_argument("--subject", type=address, help="who is rated (a task's requester rates a worker)")
    signer_options(rate)


def _rate(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    if args.kind == "campaign":
        about = session.about_campaign(args.id)
        source = session.crowdfund
        subject = args.subject or session.chain.read(source, "campaign", args.id)["creator"]
    else:
        about = session.about_task(args.id)
        source = session.bounty
        requester = session.chain.read(source, "task", args.id)["requester"]
        subject = args.subject or (requester if requester != session.sender else None)
        if subject is None:
            raise ConfigError("as the requester, name the worker you rate with --subject ADDRESS")
    call = Call(session.reputation, "rate", [source.address, args.id, subject, args.stars])
    session.send(call, about)
    return 0
