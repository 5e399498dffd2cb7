"""Creators: launch a campaign from a file, add a tier or raise its supply, open and close a milestone vote,
claim, cancel."""

import argparse
from pathlib import Path
from typing import Any

from crowdledger.cli.common import address, command, open_session, positive_int, recipient, signer_options
from crowdledger.errors import TransactionFailed
from crowdledger.settings import Settings
from crowdledger.wallet import specs
from crowdledger.wallet.explain import About
from crowdledger.wallet.send import Call

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

    tier = command(
        commands,
        "add-tier",
        "add a reward tier to your campaign before it ends",
        _add_tier,
        ["crowdledger add-tier 3 0.25 --supply 100 --account alice"],
    )
    tier.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
    tier.add_argument("price", metavar="PRICE", help="in whole tokens of the campaign's token")
    tier.add_argument(
        "--supply", type=positive_int, default=0, help="places in the tier (default 0: unlimited)"
    )
    signer_options(tier)

    supply = command(
        commands,
        "raise-supply",
        "raise a tier's supply (it can only grow; 0 makes it unlimited)",
        _raise_supply,
        ["crowdledger raise-supply 3 1 80 --account alice"],
    )
    supply.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
    supply.add_argument("tier", metavar="TIER", type=positive_int)
    supply.add_argument("supply", metavar="SUPPLY", type=positive_int)
    signer_options(supply)

    for name, summary, handler, example in (
        ("open-vote", "open the backers' vote on releasing the next milestone", _open_vote, "open-vote 3"),
        ("close-vote", "close a milestone vote whose week is over (anyone may)", _close_vote, "close-vote 3"),
        ("cancel", "cancel your campaign before it ends; backers can then refund", _cancel, "cancel 3"),
    ):
        parser = command(commands, name, summary, handler, [f"crowdledger {example} --account alice"])
        parser.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
        signer_options(parser)

    claim = command(
        commands,
        "claim",
        "take what your funded campaign has unlocked, less the platform fee",
        _claim,
        [
            "crowdledger claim 3 --account alice",
            "crowdledger claim 3 --to 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --account alice",
        ],
    )
    claim.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
    claim.add_argument("--to", type=address, help="send it to this address instead of yours")
    signer_options(claim)


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


def _add_tier(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_campaign(args.campaign)
    price = about.token.parse(args.price, "price")
    session.send(Call(session.crowdfund, "addTier", [args.campaign, price, args.supply]), about)
    return 0


def _raise_supply(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_campaign(args.campaign)
    session.send(Call(session.crowdfund, "raiseTierSupply", [args.campaign, args.tier, args.supply]), about)
    return 0


def _open_vote(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    session.send(Call(session.crowdfund, "openVote", [args.campaign]), session.about_campaign(args.campaign))
    return 0


def _close_vote(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    session.send(Call(session.crowdfund, "closeVote", [args.campaign]), session.about_campaign(args.campaign))
    return 0


def _cancel(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    session.send(Call(session.crowdfund, "cancel", [args.campaign]), session.about_campaign(args.campaign))
    return 0


def _claim(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_campaign(args.campaign)
    session.send(Call(session.crowdfund, "claim", [args.campaign, recipient(session, args.to)]), about)
    return 0
