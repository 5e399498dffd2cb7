"""What every contract's replay provides, so that the rest of the audit never looks inside one.

A replay is fed its contract's events in chain order (`apply`) and keeps only the state they build (plus the
last few events per item, to name them in a mismatch). At the audited block it answers:

    obligations   who the contract owes what, per asset (money)
    view_checks   which view calls to make and what they must return (the contract against the replay)
    state         canonical records of everything it rebuilt, for the digest
    index_rows    the rows the indexer's tables should hold for this contract (the index against the replay)
    ledger        rows for the exports (one per campaign or task)
    facts         deals, acts, ballots, ratings and points for the findings

Inconsistencies inside the log itself (an event whose carried total is not what the earlier events give) are
collected in `problems` as they are found.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from crowdledger.audit.facts import Facts
from crowdledger.audit.model import BlockInfo, EventRef, Mismatch, Obligation
from crowdledger.audit.money import Flows
from crowdledger.chain.decode import Event

ZERO_ADDRESS = "0x" + "00" * 20
Row = dict[str, Any]


@dataclass(frozen=True)
class ViewCheck:
    """A view call at the audited block and the outputs the replay expects from it (by output name)."""

    subject: str
    function: str
    args: tuple[Any, ...]
    expected: dict[str, Any]
    events: tuple[EventRef, ...] = ()


class Replay(ABC):
    contract: ClassVar[str]  # the contract's name in the deployment record

    def __init__(self, address: str, flows: Flows, names: dict[str, str]) -> None:
        """`names`: every deployed address to its contract name, to name modules and rating sources."""
        self.address = address
        self.flows = flows
        self.names = names
        self.problems: list[Mismatch] = []
        self.problem_count = 0
        self.events = 0
        self.peers: dict[str, Replay] = {}  # every replay of the deployment by address (see link)
        self._handlers: dict[str, Callable[[Event, dict[str, Any], int], None]] = {}
        for attribute in dir(self):
            if attribute.startswith("on_"):
                self._handlers[attribute[3:]] = getattr(self, attribute)

    def apply(self, event: Event, timestamp: int) -> None:
        self.events += 1
        handler = self._handlers.get(event.name)
        if handler is None:
            return
        try:
            handler(event, event.args, timestamp)
        except (LookupError, ValueError, TypeError, ArithmeticError) as impossible:
            # No contract built from this source emits it (an enum past its members, an id never created):
            # a finding, and the audit goes on to report everything else it can check.
            self.problem(event, event.name, f"cannot be replayed ({type(impossible).__name__}: {impossible})")

    def link(self, peers: dict[str, Replay]) -> None:
        """Meet the deployment's other replays, by address: a rating the ledger records is consumed by its
        source contract, whose storage the rating changes without an event of its own."""
        self.peers = peers

    def rated(self, event: Event, ref: int, rater: str, subject: str) -> None:  # noqa: B027 (most ignore it)
        """The ledger recorded a rating this contract allowed (its consumeRating ran in `event`'s call)."""

    def problem(self, event: Event, subject: str, message: str) -> None:
        """The log contradicts itself at `event`."""
        self.problem_count += 1
        if len(self.problems) < 200:
            self.problems.append(
                Mismatch("replay", f"{self.contract} {subject}", message, (EventRef.of(event),))
            )

    def expect(self, event: Event, subject: str, field: str, carried: Any, replayed: Any) -> None:
        if carried != replayed:
            self.problem(
                event, subject, f"{event.name}.{field} is {carried}; the earlier events give {replayed}"
            )

    def finish(self, block: BlockInfo) -> None:  # noqa: B027 (a hook most replays leave empty)
        """Called once after the last event: checks that need a whole transaction's events."""

    @abstractmethod
    def obligations(self, block: BlockInfo) -> Iterator[Obligation]: ...

    @abstractmethod
    def view_checks(self, block: BlockInfo) -> Iterator[ViewCheck]: ...

    @abstractmethod
    def state(self, block: BlockInfo) -> Iterator[list[Any]]: ...

    @abstractmethod
    def index_rows(self) -> dict[str, list[Row]]: ...

    @abstractmethod
    def ledger(self, block: BlockInfo) -> dict[str, list[Row]]: ...

    @abstractmethod
    def facts(self, into: Facts) -> None: ...

    def assets(self) -> set[str]:
        """Every asset the contract dealt in (ETH always)."""
        return {ZERO_ADDRESS}
