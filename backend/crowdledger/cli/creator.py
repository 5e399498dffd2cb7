"""Creators: launch a campaign from a file, add a tier or raise its supply, open and close a milestone vote,
claim, cancel."""

import argparse
from pathlib import Path
from typing import Any

from crowdledger.cli.common import (
    TO,
    arg,
    command,
    contract_command,
    open_session,
    positive_int,
    signer_options,
    to_recipient,
)
from crowdledger.errors import TransactionFailed
from crowdledger.settings import Settings
from crowdledger.wallet import specs
from crowdledger.wallet.explain import About
from crowdledger.wallet.send import Call

ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # for examples
CAMPAIGN_FILE = """\
The campaign file is JSON (examples/campaign.json); amounts in whole tokens of "token":
  token               "ETH" (default) or an ERC-20 address
  goal                "5"  (all or nothing: paid out only if reached by the deadline)
  duration_days       30   (1 to 90), or "deadline": "+30d" / "2026-12-31T12:00" (UTC)
  starts_at           optional: "+2d" or a date, at most 90 days ahead (default: now)
  quorum_percent      20   (share of the money raised that must vote for a rejection to count)
  milestones_percent  [40, 30, 30]  (optional: funds released in tranches; each later one by a vote)
  tiers               [{"price": "0.1", "supply": 50}, {"price": "1"}]  (supply 0 or absent: unlimited)
  metadata            {"title": "...", "description": "...", "image": "https://..."}
                      or "metadata_uri" with "metadata_hash" (keccak256 of the document, 0x-hex)"""


def register(commands: Any) -> None:
    launch = command(
        commands,
        "launch",
        "launch a campaign described in a JSON file",
        _launch,
        ["crowdledger launch examples/campaign.json --account alice"],
        details=CAMPAIGN_FILE,
    )
    launch.add_argument("file", metavar="FILE", type=Path)
    signer_options(launch)

    contract_command(
        commands,
        "add-tier",
        "add a reward tier to your campaign before it ends",
        ["crowdledger add-tier 3 0.25 --supply 100 --account alice"],
        "addTier",
        "campaign",
        (
            arg("price", metavar="PRICE", help="in whole tokens of the campaign's token"),
            arg("--supply", type=positive_int, default=0, help="places in the tier (default 0: unlimited)"),
        ),
        lambda session, parsed, about: [
            parsed.campaign,
            about.token.parse(parsed.price, "price"),
            parsed.supply,
        ],
    )
    contract_command(
        commands,
        "raise-supply",
        "raise a tier's supply (it can only grow; 0 makes it unlimited)",
        ["crowdledger raise-supply 3 1 80 --account alice"],
        "raiseTierSupply",
        "campaign",
        (arg("tier", metavar="TIER", type=positive_int), arg("supply", metavar="SUPPLY", type=positive_int)),
    )
    for name, summary, function in (
        ("open-vote", "open the backers' vote on releasing the next milestone", "openVote"),
        ("close-vote", "close a milestone vote whose week is over (anyone may)", "closeVote"),
        ("cancel", "cancel your campaign before it ends; backers can then refund", "cancel"),
    ):
        contract_command(
            commands, name, summary, [f"crowdledger {name} 3 --account alice"], function, "campaign"
        )
    contract_command(
        commands,
        "claim",
        "take what your funded campaign has unlocked, less the platform fee",
        [
            "crowdledger claim 3 --account alice",
            f"crowdledger claim 3 --to {ADDRESS} --account alice",
        ],
        "claim",
        "campaign",
        (TO,),
        to_recipient,
    )


def _launch(settings: Settings, args: argparse.Namespace) -> int:
    spec = specs.read_spec(args.file, "campaign")
    session = open_session(settings, args)
    token = session.chain.token_named(specs.token_of(spec))
    campaign = specs.campaign(spec, token, session.chain.now())
    about = About(sender=session.sender, token=token)
    sent = session.send(Call(session.crowdfund, "launch", [campaign.params]), about)
    if sent is not None and not any(e.name == "CampaignLaunched" for e in sent.events):
        raise TransactionFailed(f"transaction {sent.tx_hash} succeeded but launched no campaign")
    return 0
