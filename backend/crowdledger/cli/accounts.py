"""Keystore accounts: list them, make a new one, import a private key (or a local development key)."""

import argparse
import getpass
import secrets
import sys
from typing import Any

from crowdledger.cli.common import command
from crowdledger.errors import ConfigError
from crowdledger.settings import Settings
from crowdledger.wallet.devchain import dev_key
from crowdledger.wallet.keystore import Keystore, new_password


def register(commands: Any) -> None:
    account = commands.add_parser(
        "account",
        help="list, create or import keystore accounts (brownie's folder, ~/.brownie/accounts)",
        description="Keystore accounts the commands sign with: encrypted files in CROWDLEDGER_KEYSTORE_DIR "
        "(default ~/.brownie/accounts, shared with `brownie accounts`).",
    )
    actions = account.add_subparsers(dest="action", required=True)
    command(actions, "list", "the accounts and their addresses", _list, ["crowdledger account list"])
    new = command(
        actions, "new", "make a new account with a random key", _new, ["crowdledger account new alice"]
    )
    new.add_argument("id")
    imported = command(
        actions,
        "import",
        "import a private key (typed at a prompt, or piped in), or a local development key",
        _import,
        [
            "crowdledger account import alice",
            "crowdledger account import dev1 --dev 1    # LOCAL chains only",
        ],
        details="--dev N imports anvil's well-known development account N (./dev up prints them): its key "
        "is public, so use it on a local chain only.",
    )
    imported.add_argument("id")
    imported.add_argument("--dev", type=int, metavar="N", help="anvil's development account N (0-19)")


def _keystore(settings: Settings) -> Keystore:
    return Keystore.at(settings.keystore_dir)


def _password(settings: Settings) -> str:
    return settings.account_password or new_password()


def _list(settings: Settings, args: argparse.Namespace) -> int:
    keystore = _keystore(settings)
    ids = keystore.ids()
    if not ids:
        print(
            f"No accounts in {keystore.folder}: "
            "`crowdledger account new ID` or `crowdledger account import ID`"
        )
    for account_id in ids:
        print(f"{account_id:<20} {keystore.address(account_id)}")
    return 0


def _new(settings: Settings, args: argparse.Namespace) -> int:
    keystore = _keystore(settings)
    keystore.path(args.id)  # checks the id before asking for a password
    account = keystore.save(args.id, "0x" + secrets.token_hex(32), _password(settings))
    print(f"Made account {args.id}: {account.address} ({keystore.path(args.id)})")
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    keystore = _keystore(settings)
    if keystore.path(args.id).exists():
        raise ConfigError(f"account {args.id} already exists ({keystore.path(args.id)}); choose another id")
    if args.dev is not None:
        if not 0 <= args.dev < 20:
            raise ConfigError("--dev is one of anvil's development accounts, 0 to 19")
        key = dev_key(args.dev)
    elif sys.stdin.isatty():
        key = getpass.getpass("Private key (64 hex digits): ")
    else:
        key = sys.stdin.readline()
    account = keystore.save(args.id, key, _password(settings))
    print(f"Imported account {args.id}: {account.address} ({keystore.path(args.id)})")
    if args.dev is not None:
        print("  a development key: LOCAL ONLY, anything sent to it on a real network is lost")
    return 0
