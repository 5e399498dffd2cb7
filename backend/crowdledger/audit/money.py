"""Money, apart from the checks: what each account paid into and received from each contract (flows), what
each contract owes at the audited block (obligations, from the replays), and whether it holds at least that.

Amounts are per asset (ETH is the zero address) in the asset's smallest unit and never mixed across assets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from crowdledger.audit.model import CheckResult, EventRef, Mismatch, Obligation, merged


@dataclass
class Flow:
    paid_in: int = 0  # sent to the contract by this account (pledges, escrowed rewards)
    received: int = 0  # sent by the contract to this account (unpledges, refunds, claims, withdrawals, fees)


class Flows:
    """Money moved per (contract, account, asset), from the events: one entry per account and asset."""

    def __init__(self) -> None:
        self.flows: dict[tuple[str, str, str], Flow] = defaultdict(Flow)
        self._last_moves: dict[tuple[str, str], list[EventRef]] = defaultdict(list)

    def paid_in(self, contract: str, account: str, asset: str, amount: int, ref: EventRef) -> None:
        self.flows[(contract, account, asset)].paid_in += amount
        self._moved(contract, asset, ref)

    def received(self, contract: str, account: str, asset: str, amount: int, ref: EventRef) -> None:
        self.flows[(contract, account, asset)].received += amount
        self._moved(contract, asset, ref)

    def last_moves(self, contract: str, asset: str) -> list[EventRef]:
        """The last few events that moved `asset` in or out of `contract`."""
        return self._last_moves.get((contract, asset), [])

    def _moved(self, contract: str, asset: str, ref: EventRef) -> None:
        moves = self._last_moves[(contract, asset)]
        moves.append(ref)
        if len(moves) > 4:
            del moves[0]


@dataclass
class Position:
    """One contract's books in one asset at the audited block."""

    contract: str
    asset: str
    owed: int = 0
    held: int = 0
    events: list[EventRef] = field(default_factory=list)

    @property
    def difference(self) -> int:
        """held - owed: negative is a shortfall, positive a surplus."""
        return self.held - self.owed


def owed_per_asset(obligations: Iterable[Obligation]) -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for o in obligations:
        totals[(o.contract, o.asset)] += o.amount
    return dict(totals)


def solvency(positions: list[Position]) -> CheckResult:
    """Each contract holds at least what it owes, asset by asset: a shortfall fails, a surplus is shown."""
    result = CheckResult("solvency", "Each contract holds at least what it owes, per asset")
    shortfalls = surpluses = 0
    for p in sorted(positions, key=lambda p: (p.contract, p.asset)):
        result.details.append(
            {
                "contract": p.contract,
                "asset": p.asset,
                "owed": str(p.owed),
                "held": str(p.held),
                "difference": str(p.difference),
                "verdict": "shortfall" if p.difference < 0 else "surplus" if p.difference > 0 else "exact",
            }
        )
        if p.difference < 0:
            shortfalls += 1
            result.add(
                Mismatch(
                    "solvency",
                    f"{p.contract} in {p.asset}",
                    f"holds {p.held} but owes {p.owed}: short by {-p.difference}. The last events that moved "
                    "this asset are listed; a balance that fell without them fell outside the rules",
                    tuple(merged(p.events)),
                )
            )
        elif p.difference > 0:
            surpluses += 1
    parts = [f"{len(positions)} positions"]
    if shortfalls:
        parts.append(f"{shortfalls} short")
    if surpluses:
        parts.append(f"{surpluses} with a surplus (more held than owed: shown, not a failure)")
    if not shortfalls and not surpluses:
        parts.append("every one held exactly")
    result.summary = ", ".join(parts)
    return result
