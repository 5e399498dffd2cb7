"""What the findings look at, in words every contract shares: deals (campaigns and tasks), who took part in
them and how, milestone ballots, ratings, reputation earned, and who funded whom with plain ETH transfers.

The replays fill these in; the rules in crowdledger.audit.findings read only these. When a contract's events
change, its replay changes and these stay, so the rules do not move with it. All of it is state-sized: one
record per deal, per (account, deal, kind of act), per ballot, per rating, per (account, role, source, ref).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from crowdledger.audit.source import Transfer


@dataclass(frozen=True)
class Deal:
    """A campaign or a task: money put up by some for the work of others."""

    contract: str
    ref: int
    kind: str  # "campaign", "contest" or "micro-task"
    owner: str  # the creator or the requester
    co_reviewer: str | None
    asset: str
    value: int  # raised (campaign) or the escrowed reward (task), in the asset's smallest unit
    settled: int  # paid out to the owner (campaign) or credited to workers (task), fees included
    tx_hash: str  # of the launch or the posting

    @property
    def key(self) -> str:
        return f"{self.contract}/{self.kind}/{self.ref}"


@dataclass(frozen=True)
class Act:
    """The first time `account` acted on a deal in one way: pledged, voted, entered, took a place, rated."""

    deal: str  # Deal.key, or for a rating "rated/SUBJECT"
    kind: str  # "pledge", "vote", "enter", "take", "rate"
    account: str
    amount: int  # pledged total, vote weight, 0 for the rest
    block: int
    timestamp: int
    tx_hash: str


@dataclass(frozen=True)
class Ballot:
    """One backer's vote on one milestone."""

    campaign: int
    milestone: int
    voter: str
    approve: bool
    weight: int
    tx_hash: str


@dataclass(frozen=True)
class VoteOutcome:
    """A milestone vote as it stands at the audited block (closed or not)."""

    campaign: int
    milestone: int
    closed: bool
    approved: bool  # as closed, or as it would close now
    approve_weight: int
    reject_weight: int
    quorum_bps: int
    raised: int
    tx_hash: str  # of the close, or of the opening while still open
    one_per_identity: bool = False  # counted one vote per verified identity, not by pledge
    unverified_bps: int = 10_000  # the ledger's unverified weight fixed when the vote opened


@dataclass(frozen=True)
class Rating:
    rater: str
    subject: str
    source: str  # the module's contract name
    ref: int
    stars: int
    weight_bps: int
    tx_hash: str
    timestamp: int


@dataclass(frozen=True)
class Earned:
    """Reputation points one (subject, role) gained from one (module, ref), positive changes summed."""

    subject: str
    role: int
    source: str  # the module's contract name ("" when the module is not in the deployment)
    ref: int
    points: int
    reason: str
    tx_hash: str  # of the first gain


FUNDINGS_KEPT = 8  # per account: enough to see who funded it, bounded whatever the history


@dataclass
class Facts:
    deals: dict[str, Deal] = field(default_factory=dict)
    acts: list[Act] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)
    outcomes: list[VoteOutcome] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    earned: list[Earned] = field(default_factory=list)
    funding: Funding = field(default_factory=lambda: Funding(window=0))
    # transactions each funded account had sent before its first funding (its nonce then), when known
    prior_transactions: dict[str, int] = field(default_factory=dict)


class Funding:
    """Plain ETH transfers to accounts that act on our contracts: who funded whom, and when.

    Transfers to accounts that have not acted yet are kept for `window` seconds; when such an account first
    acts, its transfers in the window are attached to it. Transfers to accounts that already acted are
    attached directly. Each account keeps at most FUNDINGS_KEPT; accounts that never act are forgotten after
    the window. So memory is bounded by the accounts that take part plus one window of transfers.
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self.fundings: dict[str, list[Transfer]] = {}
        self.first_act: dict[str, tuple[int, int]] = {}  # account -> (block, timestamp) of its first act
        self._pending: dict[str, list[Transfer]] = defaultdict(list)
        self._pending_order: deque[Transfer] = deque()

    def transfer(self, transfer: Transfer) -> None:
        self._forget_before(transfer.timestamp - self.window)
        if transfer.recipient in self.first_act:
            self._attach(transfer.recipient, transfer)
            return
        self._pending[transfer.recipient].append(transfer)
        self._pending_order.append(transfer)

    def acted(self, account: str, block: int, timestamp: int) -> None:
        if account in self.first_act:
            return
        self.first_act[account] = (block, timestamp)
        for transfer in self._pending.pop(account, []):
            if transfer.timestamp >= timestamp - self.window:
                self._attach(account, transfer)

    def funders_of(self, account: str) -> list[Transfer]:
        return self.fundings.get(account, [])

    def _attach(self, account: str, transfer: Transfer) -> None:
        kept = self.fundings.setdefault(account, [])
        if len(kept) < FUNDINGS_KEPT:
            kept.append(transfer)

    def _forget_before(self, timestamp: int) -> None:
        while self._pending_order and self._pending_order[0].timestamp < timestamp:
            old = self._pending_order.popleft()
            waiting = self._pending.get(old.recipient)
            if waiting and waiting[0] is old:
                waiting.pop(0)
                if not waiting:
                    del self._pending[old.recipient]
