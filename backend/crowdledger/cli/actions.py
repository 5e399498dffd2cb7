"""The commands that sign transactions, with a brownie account (an encrypted keystore)."""

import argparse
from typing import Any

from crowdledger.settings import Settings


def register(commands: Any) -> None:
    launch = commands.add_parser("launch", help="launch a campaign described in a JSON file")
    launch.add_argument("file")
    launch.set_defaults(handler=_launch)
    pledge = commands.add_parser("pledge", help="pledge to a campaign")
    pledge.add_argument("campaign", type=int)
    pledge.add_argument("amount", help="in whole tokens, e.g. 0.5")
    pledge.add_argument("--tier", type=int, default=0)
    pledge.set_defaults(handler=_pledge)
    for wallet_command in (launch, pledge):
        wallet_command.add_argument(
            "--account", required=True, help="a brownie account id (encrypted keystore)"
        )
        wallet_command.add_argument("--network", default="development", help="a brownie network id")


def _launch(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger import wallet

    campaign_id = wallet.launch(settings, args.file, args.account, args.network)
    print(f"Launched campaign {campaign_id}")
    return 0


def _pledge(settings: Settings, args: argparse.Namespace) -> int:
    from crowdledger import wallet

    tx_hash = wallet.pledge(settings, args.campaign, args.amount, args.tier, args.account, args.network)
    print(f"Pledged to campaign {args.campaign}: transaction {tx_hash}")
    return 0
