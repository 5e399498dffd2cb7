"""Addresses a person types or a file holds, checked the way wallets check them.

eth_utils 5's is_address no longer checks an EIP-55 checksum (the capitals of a mixed-case address), so a
mistyped checksummed address would pass and be used: a refund or an award sent elsewhere."""

from eth_utils.address import is_checksum_address, is_hex_address, to_checksum_address

from crowdledger.errors import ConfigError


def checked_address(text: object, what: str) -> str:
    """`text` as a checksummed address. Refused when it is not 0x and 40 hex digits, or when it is mixed-case
    and its capitals do not match its checksum (all lowercase or all uppercase carries no checksum)."""
    if not isinstance(text, str) or not is_hex_address(text.strip()):
        raise ConfigError(f"{what} must be an address (0x and 40 hex digits), got {text!r}")
    text = text.strip()
    digits = text[2:]
    if digits != digits.lower() and digits != digits.upper() and not is_checksum_address(text):
        raise ConfigError(
            f"{what} {text} has capitals that do not match its checksum: a typo? Check it, or write it in "
            "lowercase"
        )
    return str(to_checksum_address(text))
