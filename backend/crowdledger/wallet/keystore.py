"""Accounts as encrypted keystore files (Web3 Secret Storage), in brownie's folder by default, so an account
made with `brownie accounts new` signs here too and one imported here deploys with brownie.

The commands decrypt a keystore with eth_account and sign with it directly; brownie's runtime is never loaded
(see docs/CLI.md, "Signing").
"""

import getpass
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from crowdledger.errors import ConfigError, KeystoreError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Keystore:
    """A folder of keystore files named ID.json."""

    folder: Path

    @classmethod
    def at(cls, folder: Path) -> "Keystore":
        return cls(folder.expanduser())

    def path(self, account_id: str) -> Path:
        if not _ID.match(account_id):
            raise ConfigError(
                f"an account id is letters, digits, '.', '_' or '-' (at most 64), got {account_id!r}"
            )
        return self.folder / f"{account_id}.json"

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.json")) if self.folder.is_dir() else []

    def address(self, account_id: str) -> str:
        """The account's address, read without the password (keystores carry it in the clear)."""
        return to_checksum_address("0x" + str(self._read(account_id).get("address", "")).removeprefix("0x"))

    def unlock(self, account_id: str, password: str | None = None) -> LocalAccount:
        """The account, decrypted with `password`, or with one typed at a prompt when it is None."""
        document = self._read(account_id)
        if password is None:
            password = _prompt(f"Password for account {account_id}: ")
        try:
            key = Account.decrypt(document, password)
        except ValueError:
            raise KeystoreError(
                f"wrong password for account {account_id} ({self.path(account_id)}); nothing was sent"
            ) from None
        account: LocalAccount = Account.from_key(key)
        return account

    def save(self, account_id: str, private_key: str, password: str) -> LocalAccount:
        """Encrypt `private_key` into ID.json (readable by its owner only); refuses to replace a file."""
        path = self.path(account_id)
        if path.exists():
            raise ConfigError(f"account {account_id} already exists ({path}); choose another id")
        try:
            account: LocalAccount = Account.from_key(private_key.strip())
        except (ValueError, TypeError):
            raise ConfigError("that is not a private key: 64 hex digits, with or without 0x") from None
        document = Account.encrypt(account.key, password)
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(document, file)
        return account

    def _read(self, account_id: str) -> dict[str, Any]:
        path = self.path(account_id)
        try:
            document: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError:
            known = ", ".join(self.ids()) or "none"
            raise KeystoreError(
                f"no account {account_id} in {self.folder} (known: {known}); "
                f"add one with `crowdledger account import {account_id}`"
            ) from None
        except (OSError, ValueError) as bad:
            raise KeystoreError(f"cannot read the keystore {path}: {bad}") from None
        return document


def _prompt(question: str) -> str:
    if not sys.stdin.isatty():
        raise KeystoreError(
            "a password is needed and there is no terminal to ask on: set CROWDLEDGER_ACCOUNT_PASSWORD"
        )
    try:
        return getpass.getpass(question)
    except EOFError:
        raise KeystoreError(
            "no password given: type it at the prompt, or set CROWDLEDGER_ACCOUNT_PASSWORD for scripts"
        ) from None


def new_password(ask: Callable[[str], str] = _prompt) -> str:
    """A password typed twice."""
    first = ask("New password for the keystore: ")
    if not first:
        raise ConfigError("the password is empty; a keystore needs one")
    if ask("The same password again: ") != first:
        raise ConfigError("the two passwords differ; nothing was saved")
    return first
