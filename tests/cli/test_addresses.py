"""Addresses as people type them: a checksum typo is caught, unchecked forms are taken as written."""

import pytest

from crowdledger.errors import ConfigError
from crowdledger.wallet.addresses import checked_address

CHECKSUMMED = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def test_a_checksummed_lowercase_or_uppercase_address_is_taken():
    assert checked_address(CHECKSUMMED, "x") == CHECKSUMMED
    assert checked_address(CHECKSUMMED.lower(), "x") == CHECKSUMMED
    assert checked_address("0x" + CHECKSUMMED[2:].upper(), "x") == CHECKSUMMED
    assert checked_address(f"  {CHECKSUMMED} ", "x") == CHECKSUMMED


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0x90f79bf6EB2c4f870365E785982E1f101E93b906", "do not match its checksum"),  # one capital lost
        ("0x90F79bf6EB2c4f870365E785982E1f101E93b90", "0x and 40 hex digits"),
        ("0x90F79bf6EB2c4f870365E785982E1f101E93b90g", "0x and 40 hex digits"),
        ("alice", "0x and 40 hex digits"),
        (None, "0x and 40 hex digits"),
        (42, "0x and 40 hex digits"),
    ],
)
def test_anything_else_is_refused_with_what_to_fix(text, says):
    with pytest.raises(ConfigError, match=says):
        checked_address(text, "the recipient")
