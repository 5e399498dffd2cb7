"""The small types every part of the audit shares: where a value came from, what is owed, what disagrees."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from crowdledger.chain.decode import Event

ETH = "0x" + "00" * 20
REFS_KEPT = (
    4  # the last events kept per replayed item, so a mismatch can name them (state-sized, not history)
)


@dataclass(frozen=True, slots=True)
class EventRef:
    """One event by its place on the chain, as a mismatch or a finding names it."""

    block: int
    log_index: int
    tx_hash: str
    name: str

    @classmethod
    def of(cls, event: Event) -> EventRef:
        return cls(event.block_number, event.log_index, event.tx_hash, event.name)

    def to_json(self) -> dict[str, Any]:
        return {"block": self.block, "log_index": self.log_index, "tx": self.tx_hash, "event": self.name}


class Refs:
    """The last few events that changed one item (a campaign, a pledge, a task...)."""

    __slots__ = ("_refs",)

    def __init__(self) -> None:
        self._refs: deque[EventRef] = deque(maxlen=REFS_KEPT)

    def add(self, event: Event) -> None:
        self._refs.append(EventRef.of(event))

    def __iter__(self) -> Any:
        return iter(self._refs)

    def list(self) -> list[EventRef]:
        return list(self._refs)


def merged(*groups: Iterable[EventRef]) -> list[EventRef]:
    """Event references from several items, in chain order, without repeats."""
    return sorted({ref for group in groups for ref in group}, key=lambda r: (r.block, r.log_index))


@dataclass(frozen=True, slots=True)
class Obligation:
    """Money a contract owes at the audited block: `amount` of `asset` to `holder`.

    `holder` is an address, or for money no single account can claim yet, a label such as "campaign:3" (locked
    tranches) or "task:5" (an escrowed reward); `basis` says in words why it is owed.
    """

    contract: str
    holder: str
    asset: str
    amount: int
    basis: str
    ref: str  # "campaign:3", "task:5" or "platform"
    events: tuple[EventRef, ...] = ()


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Mismatch:
    """One disagreement, with the events the disputed value came from."""

    check: str
    subject: str  # what disagrees: "Crowdfund campaign 3", "pledges row (3, 0xab...)"
    message: str
    events: tuple[EventRef, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "subject": self.subject,
            "message": self.message,
            "events": [ref.to_json() for ref in self.events],
        }


MISMATCHES_KEPT = 200  # per check; the report counts the rest


@dataclass
class CheckResult:
    """The outcome of one check: pass or fail, a line that says why, the details behind it."""

    name: str
    title: str
    status: Status = Status.PASS
    summary: str = ""
    details: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatch_count: int = 0

    def add(self, mismatch: Mismatch) -> None:
        self.status = Status.FAIL
        self.mismatch_count += 1
        if len(self.mismatches) < MISMATCHES_KEPT:
            self.mismatches.append(mismatch)

    def skip(self, reason: str) -> CheckResult:
        self.status = Status.SKIPPED
        self.summary = reason
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status.value,
            "summary": self.summary,
            "details": self.details,
            "mismatch_count": self.mismatch_count,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


@dataclass(frozen=True)
class BlockInfo:
    """The audited block."""

    number: int
    hash: str
    timestamp: int
