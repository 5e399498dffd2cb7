"""What Crowdfund and Bounty share (PlatformFees, Ownable2Step): the fee, the treasury, fees accrued per
asset, the owner. Kept as a part each replay holds, so the two replays stay one concern each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from crowdledger.audit.model import EventRef, Obligation, Refs
from crowdledger.audit.money import Flows
from crowdledger.audit.replay.base import ZERO_ADDRESS, ViewCheck
from crowdledger.chain.decode import Event


class Owned:
    """Ownable2Step: the owner and the pending owner."""

    def __init__(self) -> None:
        self.owner = ZERO_ADDRESS
        self.pending_owner = ZERO_ADDRESS
        self.refs = Refs()

    def apply(self, event: Event) -> bool:
        """Handle `event` if it is an ownership event; True when it was."""
        if event.name == "OwnershipTransferred":
            self.owner, self.pending_owner = event.args["newOwner"], ZERO_ADDRESS
        elif event.name == "OwnershipTransferStarted":
            self.pending_owner = event.args["newOwner"]
        else:
            return False
        self.refs.add(event)
        return True

    def view_checks(self, contract: str) -> Iterator[ViewCheck]:
        events = tuple(self.refs)
        yield ViewCheck(f"{contract} owner", "owner", (), {"out0": self.owner}, events)
        yield ViewCheck(f"{contract} pending owner", "pendingOwner", (), {"out0": self.pending_owner}, events)

    def state(self) -> list[Any]:
        return ["owner", self.owner, self.pending_owner]


class Platform(Owned):
    """PlatformFees: feeBps, treasury, feesAccrued[asset]."""

    def __init__(self, contract: str, flows: Flows, problem: Callable[[Event, str, str], None]) -> None:
        super().__init__()
        self.contract = contract
        self.flows = flows
        self.problem = problem
        self.fee_bps = 0
        self.treasury = ZERO_ADDRESS
        self.fees_accrued: dict[str, int] = {}
        self.fee_refs: dict[str, Refs] = {}

    def accrue(self, asset: str, fee: int, event: Event) -> None:
        self.fees_accrued[asset] = self.fees_accrued.get(asset, 0) + fee
        self.fee_refs.setdefault(asset, Refs()).add(event)

    def apply(self, event: Event) -> bool:
        a = event.args
        if event.name == "FeeChanged":
            self.fee_bps = a["newFeeBps"]
        elif event.name == "TreasuryChanged":
            self.treasury = a["newTreasury"]
        elif event.name == "FeesWithdrawn":
            accrued = self.fees_accrued.get(a["token"], 0)
            if a["amount"] != accrued:
                self.problem(
                    event, "fees", f"FeesWithdrawn.amount is {a['amount']}; the fees accrued were {accrued}"
                )
            self.fees_accrued[a["token"]] = 0
            self.fee_refs.setdefault(a["token"], Refs()).add(event)
            self.flows.received(self.contract, a["treasury"], a["token"], a["amount"], EventRef.of(event))
        elif not super().apply(event):
            return False
        self.refs.add(event)
        return True

    def obligations(self) -> Iterator[Obligation]:
        for asset, amount in sorted(self.fees_accrued.items()):
            if amount:
                yield Obligation(
                    self.contract,
                    self.treasury,
                    asset,
                    amount,
                    "platform fees accrued, not yet withdrawn",
                    "platform",
                    tuple(self.fee_refs[asset]),
                )

    def view_checks(self, contract: str, assets: set[str] | None = None) -> Iterator[ViewCheck]:
        events = tuple(self.refs)
        yield ViewCheck(f"{contract} fee", "feeBps", (), {"out0": self.fee_bps}, events)
        yield ViewCheck(f"{contract} treasury", "treasury", (), {"out0": self.treasury}, events)
        for asset in sorted(set(self.fees_accrued) | (assets or set())):
            refs = tuple(self.fee_refs[asset]) if asset in self.fee_refs else ()
            yield ViewCheck(
                f"{contract} fees accrued in {asset}",
                "feesAccrued",
                (asset,),
                {"out0": self.fees_accrued.get(asset, 0)},
                refs,
            )
        yield from super().view_checks(contract)

    def state(self) -> list[Any]:
        fees = [[asset, str(amount)] for asset, amount in sorted(self.fees_accrued.items())]
        return ["platform", self.fee_bps, self.treasury, fees, self.owner, self.pending_owner]
