"""Keystore accounts from the command line: import a key or a development key, list, make a new one; the
keystore brownie reads, so `brownie accounts` and `crowdledger` share accounts."""

import json

from eth_account import Account

from crowdledger.wallet.devchain import dev_key
from tests.cli.conftest import PASSWORD


def test_dev_key_is_anvils_first_well_known_key():
    assert dev_key(0) == "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


def test_import_a_development_key_and_list_it(world):
    folder = str(world.home / "fresh-keystores")
    out = world.ok("account", "import", "mine", "--dev", 3, CROWDLEDGER_KEYSTORE_DIR=folder)
    address = Account.from_key(dev_key(3)).address
    assert f"Imported account mine: {address}" in out and "LOCAL ONLY" in out
    assert world.ok("account", "list", CROWDLEDGER_KEYSTORE_DIR=folder).split() == ["mine", address]
    document = json.loads((world.home / "fresh-keystores" / "mine.json").read_text())
    assert Account.decrypt(document, PASSWORD) == bytes.fromhex(dev_key(3)[2:])  # a standard keystore


def test_import_a_piped_private_key(world):
    folder = str(world.home / "piped-keystores")
    result = world.cli(
        "account", "import", "piped", input="0x" + "22" * 32 + "\n", CROWDLEDGER_KEYSTORE_DIR=folder
    )
    assert result.code == 0, result.err
    assert Account.from_key("0x" + "22" * 32).address in result.out


def test_importing_something_that_is_not_a_key_is_one_line(world):
    result = world.cli(
        "account", "import", "bad", input="hello\n", CROWDLEDGER_KEYSTORE_DIR=str(world.home / "k")
    )
    assert (
        result.code == 1
        and result.line == "crowdledger: that is not a private key: 64 hex digits, with or without 0x"
    )


def test_an_existing_account_is_never_overwritten(world):
    line = world.refused("account", "import", "backer", "--dev", 5)
    assert "account backer already exists" in line


def test_new_makes_an_account_that_signs(world):
    folder = world.home / "new-keystores"
    out = world.ok("account", "new", "fresh", CROWDLEDGER_KEYSTORE_DIR=str(folder))
    assert out.startswith("Made account fresh: 0x")
    assert Account.decrypt(json.loads((folder / "fresh.json").read_text()), PASSWORD)
