"""Backers: pledge (ETH or an ERC-20, by approval or permit), change tier, unpledge, refund, vote on a
milestone, confirm or report the delivery of the rewards, and record a failed campaign."""

import argparse
from typing import Any

from crowdledger.cli.common import (
    TO,
    Session,
    arg,
    check_all_but_allowance,
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
from crowdledger.wallet.explain import About
from crowdledger.wallet.permit import sign_permit
from crowdledger.wallet.send import Call

PERMIT_SECONDS = 3_600  # a permit signed now is good for an hour
ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # for examples


def register(commands: Any) -> None:
    pledge = command(
        commands,
        "pledge",
        "pledge to a campaign, in ETH or in the campaign's token",
        _pledge,
        [
            "crowdledger pledge 3 0.5 --account alice",
            "crowdledger pledge 4 250 --tier 1 --account alice   # a DUSD campaign: approve, then pledge",
            "crowdledger pledge 4 250 --permit --account alice   # one permit signature, one transaction",
        ],
        details="AMOUNT is in whole tokens of the campaign's token (ETH or its ERC-20), e.g. 0.5. A repeat "
        "pledge adds to the first. With a token, the command approves exactly AMOUNT to Crowdfund first "
        "(two transactions) unless --permit signs an EIP-2612 permit instead (one transaction).",
    )
    pledge.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
    pledge.add_argument("amount", metavar="AMOUNT", help="in whole tokens, e.g. 0.5")
    pledge.add_argument(
        "--tier",
        type=positive_int,
        help="the reward tier to hold (0: none); a repeat pledge without it keeps the tier held",
    )
    pledge.add_argument("--permit", action="store_true", help="sign an EIP-2612 permit instead of approving")
    signer_options(pledge)

    change = command(
        commands,
        "change-tier",
        "move your pledge to another reward tier",
        _change_tier,
        [
            "crowdledger change-tier 3 2 --account alice",
            "crowdledger change-tier 3 0 --add 0.1 --account alice",
        ],
        details="Crowdfund moves a place only with a pledge, so this pledges --add (by default what the new "
        "tier's price needs beyond your pledge, or the token's smallest unit when it needs nothing). TIER 0 "
        "gives up your tier and keeps the pledge.",
    )
    change.add_argument("campaign", metavar="CAMPAIGN", type=positive_int)
    change.add_argument("tier", metavar="TIER", type=positive_int)
    change.add_argument("--add", help="what to add to the pledge, in whole tokens")
    change.add_argument("--permit", action="store_true", help="sign an EIP-2612 permit instead of approving")
    signer_options(change)

    contract_command(
        commands,
        "unpledge",
        "take your whole pledge back while the campaign is funding",
        [
            "crowdledger unpledge 3 --account alice",
            f"crowdledger unpledge 3 --to {ADDRESS} --account alice",
        ],
        "unpledge",
        "campaign",
        (TO,),
        to_recipient,
        details="Refused in the campaign's last 24 hours when it would drop a campaign that reached its goal "
        "below it.",
    )
    contract_command(
        commands,
        "refund",
        "take your pledge back from a failed or cancelled campaign (your share after a rejected milestone)",
        [
            "crowdledger refund 2 --account alice",
            f"crowdledger refund 2 --to {ADDRESS} --account alice",
        ],
        "refund",
        "campaign",
        (TO,),
        to_recipient,
    )
    contract_command(
        commands,
        "vote",
        "approve or reject the milestone under vote (weighted by your pledge, or one per verified identity)",
        ["crowdledger vote 3 approve --account alice", "crowdledger vote 3 reject --account bob"],
        "vote",
        "campaign",
        (arg("choice", choices=("approve", "reject")),),
        lambda session, parsed, about: [parsed.campaign, parsed.choice == "approve"],
    )
    contract_command(
        commands,
        "confirm-delivery",
        "confirm that a funded campaign's reward reached you; then you may rate its creator",
        ["crowdledger confirm-delivery 3 --account alice", "crowdledger rate campaign 3 5 --account alice"],
        "confirmDelivery",
        "campaign",
        details="Once per backer, any time after the deadline of a campaign that reached its goal; the "
        "creator's reputation rises with your pledge's value (and yours a little). Confirm before you refund "
        "a rejected campaign: a refund ends the pledge.",
    )
    contract_command(
        commands,
        "report-not-delivered",
        "report that a funded campaign's reward did not reach you by its delivery date",
        ["crowdledger report-not-delivered 3 --account alice"],
        "reportNotDelivered",
        "campaign",
        details="Once per backer, from the campaign's delivery date (`crowdledger show campaign` shows it); "
        "it costs the creator reputation in proportion to your pledge, and opens your rating of the creator.",
    )
    contract_command(
        commands,
        "record-failure",
        "record a failed campaign against its creator's reputation (anyone may, once)",
        ["crowdledger record-failure 2 --account alice"],
        "recordFailure",
        "campaign",
    )


def pledge_call(session: Session, about: About, campaign: int, tier: int, amount: int, permit: bool) -> None:
    """Pledge `amount` base units: ETH as value, a token by permit or by approving first."""
    crowdfund = session.crowdfund
    if about.token.is_eth:
        if permit:
            raise ConfigError(
                f"campaign {campaign} is in ETH, and a permit is only for ERC-20 tokens; drop --permit"
            )
        session.send(Call(crowdfund, "pledge", [campaign, tier, amount], value=amount), about)
    elif permit:
        deadline = session.chain.now() + PERMIT_SECONDS
        unsigned = [campaign, tier, amount, deadline, 27, b"\0" * 32, b"\0" * 32]
        check_all_but_allowance(
            session, Call(crowdfund, "pledgeWithPermit", unsigned), about, amount, crowdfund.address
        )
        v, r, s = sign_permit(
            session.chain, session.account(), about.token, crowdfund.address, amount, deadline
        )
        session.send(Call(crowdfund, "pledgeWithPermit", [campaign, tier, amount, deadline, v, r, s]), about)
    else:
        call = Call(crowdfund, "pledge", [campaign, tier, amount])
        send_paying_token(session, call, about, amount, crowdfund.address)


def _pledge(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_campaign(args.campaign)
    amount = about.token.parse(args.amount)
    tier = args.tier
    if tier is None:  # the contract reads tier 0 as giving the reward place up: adding to a pledge keeps it
        tier = session.chain.read(session.crowdfund, "pledges", args.campaign, session.sender)["tierId"]
    pledge_call(session, about, args.campaign, tier, amount, args.permit)
    return 0


def _change_tier(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    about = session.about_campaign(args.campaign)
    pledge = session.chain.read(session.crowdfund, "pledges", args.campaign, session.sender)
    pledged, held = pledge["amount"], pledge["tierId"]
    if pledged == 0:
        raise ConfigError(
            f"{session.sender} has no pledge in campaign {args.campaign}; use `crowdledger pledge`"
        )
    if held == args.tier:
        raise ConfigError(f"the pledge already holds tier {args.tier}")
    if args.add is not None:
        amount = about.token.parse(args.add, "--add")
    else:
        tier = session.chain.read(session.crowdfund, "tiers", args.campaign, args.tier) if args.tier else None
        price = tier["price"] if tier else 0
        amount = max(price - pledged, 1)
        print(f"Adding {about.token.format(amount)} to the pledge to move it to tier {args.tier}")
    pledge_call(session, about, args.campaign, args.tier, amount, args.permit)
    return 0
