"""Amounts as people read them: every amount on every page goes through TokenBook.format, which knows each
token's symbol and decimals. ETH is ETH with 18 decimals; an ERC-20's symbol() and decimals() are read once
with eth_call and kept for the life of the process (they never change for a deployed token)."""

import logging
import threading
from dataclasses import dataclass

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

from crowdledger.chain.rpc import Rpc
from crowdledger.errors import CrowdLedgerError
from crowdledger.wallet.units import format_units as exact_units

log = logging.getLogger(__name__)

ETH = "0x" + "00" * 20
SYMBOL = "0x95d89b41"  # symbol()
DECIMALS = "0x313ce567"  # decimals()
SHOWN_DECIMALS = 4  # digits after the point on pages; smaller amounts read "< 0.0001"


@dataclass(frozen=True)
class Token:
    address: str
    symbol: str
    decimals: int
    known: bool = True  # False: the chain could not be asked; the symbol is a short address


ETHER = Token(ETH, "ETH", 18)


class TokenBook:
    def __init__(self, rpc: Rpc | None) -> None:
        self._rpc = rpc
        self._tokens: dict[str, Token] = {ETH: ETHER}
        self._lock = threading.Lock()

    def token(self, address: str) -> Token:
        address = address.lower()
        found = self._tokens.get(address)
        if found is not None:
            return found
        token = self._read(address)
        if token.known:
            with self._lock:
                self._tokens[address] = token
        return token

    def _read(self, address: str) -> Token:
        fallback = Token(address, f"{address[:6]}…{address[-4:]}", 18, known=False)
        if self._rpc is None:
            return fallback
        try:
            raw_symbol = self._rpc.call("eth_call", [{"to": address, "data": SYMBOL}, "latest"])
            raw_decimals = self._rpc.call("eth_call", [{"to": address, "data": DECIMALS}, "latest"])
            (symbol,) = abi_decode(["string"], bytes.fromhex(raw_symbol[2:]))
            (decimals,) = abi_decode(["uint8"], bytes.fromhex(raw_decimals[2:]))
        # no contract there, not an ERC-20, or the RPC is down
        except (CrowdLedgerError, DecodingError, ValueError, TypeError) as failure:
            log.info("Token %s: symbol and decimals unreadable (%s)", address, failure)
            return fallback
        clean = "".join(ch for ch in str(symbol) if ch.isprintable())[:12] or fallback.symbol
        return Token(address, clean, int(decimals))

    def remember(self, token: Token) -> None:
        """Seed a token (tests, or a deployment that names its tokens)."""
        with self._lock:
            self._tokens[token.address.lower()] = token

    def format(self, units: int, address: str) -> str:
        return format_units(units, self.token(address))


def format_units(units: int, token: Token) -> str:
    """`units` of `token` as "1,234.5678 DUSD": grouped, at most four decimals, rounded down. In integers, so
    any uint256 in any token's decimals is exact (Decimal's 28 digits refused or rounded up the widest)."""
    step = 10 ** max(token.decimals - SHOWN_DECIMALS, 0)  # the smallest amount shown
    if 0 < abs(units) < step:
        return f"< 0.{'0' * (SHOWN_DECIMALS - 1)}1 {token.symbol}"
    shown = abs(units) // step * step
    return f"{exact_units(-shown if units < 0 else shown, token.decimals)} {token.symbol}"
