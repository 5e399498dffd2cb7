"""Bounty rebuilt from its events: tasks, contest entries and awards (proposed, objected to, arbitrated),
default splits, micro-task places (decisions proposed and objected to, rejections held for appeal, appeals,
reopenings), earnings, fees (docs/PROTOCOL.md §3.4), and what it owes at a block (§3.8).

Each event that carries an amount or a counter is checked against what the earlier events give.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from crowdledger.audit.facts import Act, Deal, Facts
from crowdledger.audit.model import BlockInfo, EventRef, Obligation, Refs
from crowdledger.audit.money import Flows
from crowdledger.audit.replay.base import ZERO_ADDRESS, Replay, Row, ViewCheck
from crowdledger.audit.replay.platform import Platform
from crowdledger.chain.decode import Event

BPS = 10_000
CO_REVIEW_WINDOW = 3 * 86_400
ARBITRATION_WINDOW = 7 * 86_400
APPEAL_WINDOW = 3 * 86_400
ZERO_HASH = "0x" + "00" * 32
KINDS = ("contest", "micro-task")


class Status(IntEnum):
    OPEN = 0
    AWARDED = 1
    SPLIT_BY_DEFAULT = 2
    RECLAIMED = 3


class PlaceStatus(IntEnum):
    OPEN = 0
    TAKEN = 1
    SUBMITTED = 2
    APPROVED = 3
    REJECTED = 4  # held for its worker's appeal
    APPEALED = 5


class Verdict(IntEnum):
    NONE = 0
    APPROVE = 1
    REJECT = 2


class DecidedBy(IntEnum):
    DEFAULT = 0
    REQUESTER = 1
    REQUESTER_AND_CO_REVIEWER = 2
    ARBITER = 3


HAS_CO_REVIEWER, HAS_ARBITER = 1, 2


@dataclass
class Entry:
    commitment: str = ZERO_HASH
    owed: int = 0
    share_bps: int = 0
    places_approved: int = 0
    remainder: int = 0
    revealed: bool = False
    verified: bool = False
    default_share_collected: bool = False
    rated_by_requester: bool = False
    rated_requester: bool = False
    # beyond the contract's storage: what the indexer keeps, and when the worker first acted
    indexed: bool = False
    submitted_at: int | None = None
    deliverable_hash: str | None = None
    deliverable_uri: str | None = None
    earned: int = 0
    withdrawn: int = 0
    first: tuple[int, int, str] | None = None  # (block, time, tx) of the first entry
    refs: Refs = field(default_factory=Refs)


@dataclass
class Place:
    worker: str = ZERO_ADDRESS
    since: int = 0
    status: PlaceStatus = PlaceStatus.OPEN
    decision: Verdict = Verdict.NONE
    decided_after: int = 0
    objected: bool = False
    # as the indexer keeps it
    expires_at: int | None = None
    deliverable_hash: str | None = None
    review_ends_at: int | None = None
    refs: Refs = field(default_factory=Refs)


@dataclass
class Task:
    id: int
    requester: str
    token: str
    kind: int
    reward: int
    deadline: int
    review_period: int
    fee_bps: int
    co_reviewer: str
    arbiter: str
    metadata_uri: str
    metadata_hash: str
    posted_at: int
    posted_tx: str
    status: Status = Status.OPEN
    access_rules: int = 0
    min_worker_score: int = 0
    invite_root: str = ZERO_HASH
    min_verified_level: int = 0
    entry_count: int = 0
    revealed_count: int = 0
    verified_count: int = 0
    shares_collected: int = 0
    default_share: int = 0
    split_recipients: int = 0
    pay: int = 0
    places: int = 0
    work_window: int = 0
    pending: int = 0
    settled: int = 0
    award_decision: str = ZERO_HASH
    award_proposed_at: int = 0
    award_objected: bool = False
    award_proposal: Row | None = None  # the pending proposal as the indexer's award_proposals row holds it
    places_confirmed: int = 0
    places_arbitrated: int = 0
    awarded_gross: int = 0
    award_event: Event | None = None
    paid: int = 0  # credited to workers, fees included (the indexer's `paid`)
    reclaimed: int = 0
    places_approved: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    places_: dict[int, Place] = field(default_factory=dict)
    takers: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # first take per worker
    refs: Refs = field(default_factory=Refs)

    @property
    def is_contest(self) -> bool:
        return self.kind == 0

    @property
    def reviewers(self) -> int:
        return (HAS_CO_REVIEWER if self.co_reviewer != ZERO_ADDRESS else 0) | (
            HAS_ARBITER if self.arbiter != ZERO_ADDRESS else 0
        )

    def default_share_now(self) -> int:
        """The gross share the next collector of a default split takes (the first adds the remainder)."""
        if self.shares_collected == 0:
            return self.reward - self.default_share * (self.split_recipients - 1)
        return self.default_share

    def in_split(self, entry: Entry) -> bool:
        """Whether an entry shares the default split: the verified revealed ones if any, else all revealed."""
        return entry.verified if self.verified_count else entry.revealed


class BountyReplay(Replay):
    contract = "Bounty"

    def __init__(self, address: str, flows: Flows, names: dict[str, str]) -> None:
        super().__init__(address, flows, names)
        self.platform = Platform(self.contract, flows, self.problem)
        self.tasks: dict[int, Task] = {}
        self.tokens: set[str] = set()

    # ------------------------------------------------------------------ events

    def apply(self, event: Event, timestamp: int) -> None:
        if self.platform.apply(event):
            self.events += 1
            return
        super().apply(event, timestamp)

    def _task(self, event: Event) -> Task | None:
        task = self.tasks.get(event.args["taskId"])
        if task is None:
            self.problem(event, f"task {event.args['taskId']}", f"{event.name} for a task never posted")
            return None
        task.refs.add(event)
        return task

    def _entry(self, task: Task, event: Event, indexed: bool = True) -> Entry:
        worker = event.args["worker"]
        entry = task.entries.get(worker)
        if entry is None:
            entry = task.entries[worker] = Entry()
        entry.indexed = entry.indexed or indexed
        entry.refs.add(event)
        return entry

    def _place(self, task: Task, event: Event) -> Place:
        place = task.places_.setdefault(event.args["placeIndex"], Place())
        place.refs.add(event)
        return place

    def on_TaskPosted(self, e: Event, a: dict[str, Any], at: int) -> None:
        if a["kind"] >= len(KINDS):
            raise ValueError(f"task kind {a['kind']} is past the contract's TaskKind")
        self.expect(e, f"task {a['taskId']}", "taskId", a["taskId"], len(self.tasks) + 1)
        t = Task(
            id=a["taskId"],
            requester=a["requester"],
            token=a["token"],
            kind=a["kind"],
            reward=a["reward"],
            deadline=a["deadline"],
            review_period=a["reviewPeriod"],
            fee_bps=a["feeBps"],
            co_reviewer=a["coReviewer"],
            arbiter=a["arbiter"],
            metadata_uri=a["metadataURI"],
            metadata_hash=a["metadataHash"],
            posted_at=at,
            posted_tx=e.tx_hash,
        )
        t.refs.add(e)
        self.tasks[t.id] = t
        self.tokens.add(t.token)
        self.flows.paid_in(self.contract, t.requester, t.token, t.reward, EventRef.of(e))

    def on_PlacesOffered(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        self.expect(e, f"task {t.id}", "pay × places", a["pay"] * a["places"], t.reward)
        t.pay, t.places, t.work_window = a["pay"], a["places"], a["workWindow"]

    def on_TaskRestricted(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        t.access_rules = a["accessRules"]
        t.min_worker_score, t.invite_root = a["minWorkerScore"], a["inviteRoot"]
        t.min_verified_level = a["minVerifiedLevel"]

    def on_EntrySubmitted(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        entry = self._entry(t, e)
        if entry.commitment == ZERO_HASH:
            t.entry_count += 1
        self.expect(e, f"task {t.id}", "entryCount", a["entryCount"], t.entry_count)
        entry.commitment, entry.submitted_at = a["commitment"], at
        if entry.first is None:
            entry.first = (e.block_number, at, e.tx_hash)

    def on_EntryRevealed(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        entry = self._entry(t, e)
        t.revealed_count += 1
        self.expect(e, f"task {t.id}", "revealedCount", a["revealedCount"], t.revealed_count)
        if a["verified"]:
            t.verified_count += 1
        self.expect(e, f"task {t.id}", "verifiedCount", a["verifiedCount"], t.verified_count)
        entry.revealed, entry.verified = True, a["verified"]
        entry.deliverable_hash, entry.deliverable_uri = a["deliverableHash"], a["deliverableURI"]

    def on_AwardProposed(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        subject = f"task {t.id}"
        if t.award_objected:
            self.problem(e, subject, "an award proposed after the co-reviewer objected")
        self.expect(e, subject, "requester", a["requester"], t.requester)
        self.expect(e, subject, "standsAt", a["standsAt"], at + CO_REVIEW_WINDOW)
        encoded = abi_encode(["address[]", "uint16[]"], [a["winners"], a["sharesBps"]])
        t.award_decision = "0x" + keccak(encoded).hex()
        t.award_proposed_at = at
        t.award_proposal = {
            "task_id": t.id,
            "proposer": a["requester"],
            "winners": [w.lower() for w in a["winners"]],
            "shares_bps": list(a["sharesBps"]),
            "proposed_at": at,
            "stands_at": a["standsAt"],
            "objected": False,
            "_events": (EventRef.of(e),),
        }

    def on_AwardObjected(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        subject = f"task {t.id}"
        self.expect(e, subject, "coReviewer", a["coReviewer"], t.co_reviewer)
        if t.award_decision == ZERO_HASH:
            self.problem(e, subject, "an objection without a proposed award")
        window = CO_REVIEW_WINDOW + ARBITRATION_WINDOW
        until = t.award_proposed_at + window if t.arbiter != ZERO_ADDRESS else 0
        self.expect(e, subject, "arbiterUntil", a["arbiterUntil"], until)
        t.award_objected = True
        if t.award_proposal is not None:
            t.award_proposal["objected"] = True
            if until:  # the arbiter decides until then: the proposal stands no earlier
                t.award_proposal["stands_at"] = until
            t.award_proposal["_events"] += (EventRef.of(e),)

    def on_Awarded(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        gross = a["amount"] + a["fee"]
        subject = f"task {t.id} award to {a['worker']}"
        self.expect(e, subject, "fee", a["fee"], gross * t.fee_bps // BPS)
        self._check_decider(e, t, subject, a["decidedBy"])
        t.status = Status.AWARDED
        t.award_decision, t.award_proposed_at, t.award_objected = ZERO_HASH, 0, False
        t.award_proposal = None
        t.awarded_gross += gross
        t.award_event = e
        t.paid += gross
        entry = self._entry(t, e)
        entry.share_bps = a["shareBps"]
        entry.remainder = gross - t.reward * a["shareBps"] // BPS
        entry.owed += a["amount"]
        entry.earned += a["amount"]
        self.platform.accrue(t.token, a["fee"], e)

    def on_ContestSplitByDefault(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        recipients = t.verified_count or t.revealed_count
        self.expect(e, f"task {t.id}", "recipients", a["recipients"], recipients)
        self.expect(e, f"task {t.id}", "verifiedOnly", a["verifiedOnly"], t.verified_count != 0)
        self.expect(e, f"task {t.id}", "share", a["share"], t.reward // max(1, recipients))
        if t.award_decision != ZERO_HASH:
            self.problem(e, f"task {t.id}", "split by default while the requester's award was pending")
        t.status = Status.SPLIT_BY_DEFAULT
        t.default_share, t.split_recipients = a["share"], a["recipients"]

    def on_DefaultShareCredited(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        gross = a["amount"] + a["fee"]
        subject = f"task {t.id} default share of {a['worker']}"
        self.expect(e, subject, "amount + fee", gross, t.default_share_now())
        self.expect(e, subject, "fee", a["fee"], gross * t.fee_bps // BPS)
        entry = self._entry(t, e)
        if not t.in_split(entry):
            self.problem(e, subject, "a default share credited to an entry outside the split")
        t.shares_collected += 1
        t.paid += gross
        entry.default_share_collected = True
        entry.remainder = gross - t.reward // max(1, t.split_recipients)
        entry.owed += a["amount"]  # paid out by the Withdrawn of the same call
        entry.earned += a["amount"]
        self.platform.accrue(t.token, a["fee"], e)

    def on_RewardReclaimed(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        if t.is_contest:
            self.expect(e, f"task {t.id}", "amount", a["amount"], t.reward)
            t.status = Status.RECLAIMED
        else:
            unused = t.places - t.settled - t.pending
            self.expect(e, f"task {t.id}", "placesReclaimed", a["placesReclaimed"], unused)
            self.expect(e, f"task {t.id}", "amount", a["amount"], a["placesReclaimed"] * t.pay)
            t.settled += a["placesReclaimed"]
        t.reclaimed += a["amount"]
        self.flows.received(self.contract, a["to"], t.token, a["amount"], EventRef.of(e))

    def on_PlaceTaken(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        subject = f"task {t.id} place {a['placeIndex']}"
        self.expect(e, subject, "expiresAt", a["expiresAt"], at + t.work_window)
        place.worker, place.since, place.status = a["worker"], at, PlaceStatus.TAKEN
        place.decision, place.decided_after, place.objected = Verdict.NONE, 0, False
        place.expires_at, place.deliverable_hash, place.review_ends_at = a["expiresAt"], None, None
        t.takers.setdefault(a["worker"], (e.block_number, at, e.tx_hash))
        self._entry(t, e, indexed=False)

    def on_WorkSubmitted(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        self.expect(
            e, f"task {t.id} place {a['placeIndex']}", "reviewEndsAt", a["reviewEndsAt"], at + t.review_period
        )
        place.status, place.since = PlaceStatus.SUBMITTED, at
        place.deliverable_hash, place.review_ends_at = a["deliverableHash"], a["reviewEndsAt"]
        t.pending += 1

    def on_PlaceDecisionProposed(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        subject = f"task {t.id} place {a['placeIndex']}"
        self.expect(e, subject, "requester", a["requester"], t.requester)
        self.expect(e, subject, "standsAt", a["standsAt"], at + CO_REVIEW_WINDOW)
        if place.status != PlaceStatus.SUBMITTED or place.objected:
            self.problem(e, subject, "a decision proposed for a place not awaiting one")
        place.decision = Verdict.APPROVE if a["approve"] else Verdict.REJECT
        place.decided_after = at - place.since

    def on_PlaceObjected(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        subject = f"task {t.id} place {a['placeIndex']}"
        self.expect(e, subject, "coReviewer", a["coReviewer"], t.co_reviewer)
        if place.decision == Verdict.NONE:
            self.problem(e, subject, "an objection without a proposed decision")
        decided_at = place.since + place.decided_after
        until = decided_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW if t.arbiter != ZERO_ADDRESS else 0
        self.expect(e, subject, "arbiterUntil", a["arbiterUntil"], until)
        place.objected = True

    def on_PlaceAppealed(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        subject = f"task {t.id} place {a['placeIndex']}"
        if place.status != PlaceStatus.REJECTED or place.worker != a["worker"]:
            self.problem(e, subject, "an appeal of a place not rejected, or not by its worker")
        self.expect(e, subject, "arbiterUntil", a["arbiterUntil"], at + ARBITRATION_WINDOW)
        place.status, place.since = PlaceStatus.APPEALED, at

    def on_PlaceReopened(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        place = self._place(t, e)
        if place.status not in (PlaceStatus.REJECTED, PlaceStatus.APPEALED):
            self.problem(e, f"task {t.id} place {a['placeIndex']}", "a place reopened that was not rejected")
        t.places_[a["placeIndex"]] = Place(refs=place.refs)
        t.pending -= 1

    def rated(self, event: Event, ref: int, rater: str, subject: str) -> None:
        """consumeRating: the requester rates a worker paid in the task and such a worker the requester, once
        each way."""
        t = self.tasks.get(ref)
        where = f"task {ref} rating of {subject} by {rater}"
        if t is None:
            self.problem(event, where, "a rating about a task never posted")
            return
        worker = subject if rater == t.requester else rater if subject == t.requester else None
        entry = t.entries.get(worker) if worker is not None else None
        if entry is None or self._gross_paid(t, entry) == 0:
            self.problem(event, where, "a rating between accounts that are not a requester and a paid worker")
            return
        if rater == t.requester:
            if entry.rated_by_requester:
                self.problem(event, where, "the requester rated this worker twice")
            entry.rated_by_requester = True
        else:
            if entry.rated_requester:
                self.problem(event, where, "this worker rated the requester twice")
            entry.rated_requester = True
        entry.refs.add(event)

    @staticmethod
    def _gross_paid(t: Task, entry: Entry) -> int:
        """What the worker was paid in the task, gross (Bounty.grossPaid)."""
        if not t.is_contest:
            return entry.places_approved * t.pay
        if entry.share_bps:
            return t.reward * entry.share_bps // BPS + entry.remainder
        if entry.default_share_collected:
            return t.reward // max(1, t.split_recipients) + entry.remainder
        return 0

    def _check_decider(self, e: Event, t: Task, subject: str, decided_by: int) -> None:
        """Who decided must be one the task has: a co-reviewer to confirm, an arbiter to arbitrate."""
        if decided_by == DecidedBy.REQUESTER_AND_CO_REVIEWER and t.co_reviewer == ZERO_ADDRESS:
            self.problem(e, subject, "decided with a co-reviewer the task does not have")
        if decided_by == DecidedBy.ARBITER and t.arbiter == ZERO_ADDRESS:
            self.problem(e, subject, "decided by an arbiter the task does not have")

    def on_PlaceApproved(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        subject = f"task {t.id} place {a['placeIndex']}"
        self.expect(e, subject, "amount + fee", a["amount"] + a["fee"], t.pay)
        self.expect(e, subject, "fee", a["fee"], t.pay * t.fee_bps // BPS)
        self._check_decider(e, t, subject, a["decidedBy"])
        place = self._place(t, e)
        place.status = PlaceStatus.APPROVED
        place.decision, place.decided_after, place.objected = Verdict.NONE, 0, False
        if a["decidedBy"] == DecidedBy.REQUESTER_AND_CO_REVIEWER:
            t.places_confirmed += 1
        elif a["decidedBy"] == DecidedBy.ARBITER:
            t.places_arbitrated += 1
        t.pending -= 1
        t.settled += 1
        t.paid += a["amount"] + a["fee"]
        t.places_approved += 1
        entry = self._entry(t, e)
        entry.owed += a["amount"]
        entry.earned += a["amount"]
        entry.places_approved += 1
        self.platform.accrue(t.token, a["fee"], e)

    def on_PlaceRejected(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        subject = f"task {t.id} place {a['placeIndex']}"
        self._check_decider(e, t, subject, a["decidedBy"])
        place = self._place(t, e)
        held = t.arbiter != ZERO_ADDRESS and a["decidedBy"] != DecidedBy.ARBITER
        self.expect(e, subject, "appealableUntil", a["appealableUntil"], at + APPEAL_WINDOW if held else 0)
        if a["appealableUntil"]:  # held for the worker's appeal; its pay stays pending
            place.status, place.since = PlaceStatus.REJECTED, at
            place.decision, place.decided_after, place.objected = Verdict.NONE, 0, False
        else:
            t.places_[a["placeIndex"]] = Place(refs=place.refs)
            t.pending -= 1

    def on_Withdrawn(self, e: Event, a: dict[str, Any], at: int) -> None:
        t = self._task(e)
        if t is None:
            return
        entry = self._entry(t, e)
        self.expect(e, f"task {t.id} earnings of {a['worker']}", "amount", a["amount"], entry.owed)
        entry.owed = 0
        entry.withdrawn += a["amount"]
        self.flows.received(self.contract, a["to"], t.token, a["amount"], EventRef.of(e))

    def finish(self, block: BlockInfo) -> None:
        for t in self.tasks.values():
            if t.status == Status.AWARDED and t.award_event is not None and t.awarded_gross != t.reward:
                self.problem(
                    t.award_event,
                    f"task {t.id}",
                    f"the awards add up to {t.awarded_gross}, the reward is {t.reward}",
                )

    # ------------------------------------------------------------------ at the audited block

    def obligations(self, block: BlockInfo) -> Iterator[Obligation]:
        now = block.timestamp
        for t in self.tasks.values():
            ref = f"task:{t.id}"
            events = tuple(t.refs)
            if t.is_contest and t.status == Status.OPEN:
                yield Obligation(
                    self.contract,
                    ref,
                    t.token,
                    t.reward,
                    "escrowed contest reward (to the winners, a default split, or back to the requester)",
                    ref,
                    events,
                )
            elif t.is_contest and t.status == Status.SPLIT_BY_DEFAULT:
                uncollected = [
                    w for w, en in t.entries.items() if t.in_split(en) and not en.default_share_collected
                ]
                # the first collector took reward - share × (recipients - 1), each later one `share`
                collected = t.reward - t.default_share * (t.split_recipients - t.shares_collected)
                gross_left = t.reward - (collected if t.shares_collected else 0)
                for worker in uncollected:
                    fee = t.default_share * t.fee_bps // BPS
                    yield Obligation(
                        self.contract,
                        worker,
                        t.token,
                        t.default_share - fee,
                        "share of a default split, not yet collected",
                        ref,
                        tuple(t.entries[worker].refs),
                    )
                    if fee:
                        yield Obligation(
                            self.contract,
                            self.platform.treasury,
                            t.token,
                            fee,
                            "fee on an uncollected share of a default split",
                            ref,
                            events,
                        )
                rounding = gross_left - t.default_share * len(uncollected)
                if rounding:
                    yield Obligation(
                        self.contract,
                        ref,
                        t.token,
                        rounding,
                        "rounding of a default split (rides on its first collector's share)",
                        ref,
                        events,
                    )
            elif not t.is_contest:
                escrow = t.pay * (t.places - t.settled)
                if now >= t.deadline:
                    unused = t.places - t.settled - t.pending
                    if unused:
                        yield Obligation(
                            self.contract,
                            t.requester,
                            t.token,
                            unused * t.pay,
                            "pay of unused places, the requester's to reclaim",
                            ref,
                            events,
                        )
                    if t.pending:
                        yield Obligation(
                            self.contract,
                            ref,
                            t.token,
                            t.pending * t.pay,
                            "pay of submitted work awaiting review",
                            ref,
                            events,
                        )
                elif escrow:
                    yield Obligation(
                        self.contract,
                        ref,
                        t.token,
                        escrow,
                        "pay of places not yet settled (open, taken or awaiting review)",
                        ref,
                        events,
                    )
            for worker, entry in t.entries.items():
                if entry.owed:
                    yield Obligation(
                        self.contract,
                        worker,
                        t.token,
                        entry.owed,
                        "earnings credited, not yet withdrawn",
                        ref,
                        tuple(entry.refs),
                    )
        yield from self.platform.obligations()

    def view_checks(self, block: BlockInfo) -> Iterator[ViewCheck]:
        yield ViewCheck("Bounty task count", "taskCount", (), {"out0": len(self.tasks)})
        yield from self.platform.view_checks(self.contract, self.tokens)
        for t in self.tasks.values():
            subject = f"Bounty task {t.id}"
            events = tuple(t.refs)
            yield ViewCheck(
                subject,
                "task",
                (t.id,),
                {
                    "requester": t.requester,
                    "deadline": t.deadline,
                    "reviewPeriod": t.review_period,
                    "kind": t.kind,
                    "status": int(t.status),
                    "accessRules": t.access_rules,
                    "token": t.token,
                    "feeBps": t.fee_bps,
                    "reviewers": t.reviewers,
                    "coReviewer": t.co_reviewer,
                    "arbiter": t.arbiter,
                    "placesConfirmed": t.places_confirmed,
                    "placesArbitrated": t.places_arbitrated,
                },
                events,
            )
            contest = (
                (t.reward, t.entry_count, t.revealed_count, t.verified_count, t.shares_collected)
                if t.is_contest
                else (0, 0, 0, 0, 0)
            )
            names = ("reward", "entryCount", "revealedCount", "verifiedCount", "sharesCollected")
            yield ViewCheck(subject, "contest", (t.id,), dict(zip(names, contest, strict=True)), events)
            yield ViewCheck(
                subject,
                "microTask",
                (t.id,),
                {
                    "pay": t.pay,
                    "places": t.places,
                    "workWindow": t.work_window,
                    "pending": t.pending,
                    "settled": t.settled,
                },
                events,
            )
            yield ViewCheck(
                subject,
                "accessOf",
                (t.id,),
                {
                    "minWorkerScore": t.min_worker_score,
                    "inviteRoot": t.invite_root,
                    "minVerifiedLevel": t.min_verified_level,
                },
                events,
            )
            yield ViewCheck(
                subject,
                "awardProposal",
                (t.id,),
                {
                    "decision": t.award_decision,
                    "proposedAt": t.award_proposed_at,
                    "objected": t.award_objected,
                },
                events,
            )
            for worker, entry in t.entries.items():
                entry_subject = f"{subject} entry of {worker}"
                yield ViewCheck(
                    entry_subject,
                    "entryOf",
                    (t.id, worker),
                    {
                        "commitment": entry.commitment,
                        "owed": entry.owed,
                        "shareBps": entry.share_bps,
                        "placesApproved": entry.places_approved,
                        "remainder": entry.remainder,
                        "revealed": entry.revealed,
                        "verified": entry.verified,
                        "defaultShareCollected": entry.default_share_collected,
                        "ratedByRequester": entry.rated_by_requester,
                        "ratedRequester": entry.rated_requester,
                    },
                    tuple(entry.refs),
                )
                yield ViewCheck(
                    entry_subject,
                    "grossPaid",
                    (t.id, worker),
                    {"out0": self._gross_paid(t, entry)},
                    tuple(entry.refs),
                )
                yield ViewCheck(
                    entry_subject,
                    "withdrawable",
                    (t.id, worker),
                    {"amount": self._withdrawable(t, entry)},
                    tuple(entry.refs),
                )
            for index, place in t.places_.items():
                yield ViewCheck(
                    f"{subject} place {index}",
                    "placeOf",
                    (t.id, index),
                    {
                        "worker": place.worker,
                        "since": place.since,
                        "status": int(place.status),
                        "decision": int(place.decision),
                        "decidedAfter": place.decided_after,
                        "objected": place.objected,
                    },
                    tuple(place.refs),
                )

    @staticmethod
    def _withdrawable(t: Task, entry: Entry) -> int:
        amount = entry.owed
        if t.status == Status.SPLIT_BY_DEFAULT and t.in_split(entry) and not entry.default_share_collected:
            gross = t.default_share_now()
            amount += gross - gross * t.fee_bps // BPS
        return amount

    def state(self, block: BlockInfo) -> Iterator[list[Any]]:
        yield ["bounty", len(self.tasks)]
        yield self.platform.state()
        for t in sorted(self.tasks.values(), key=lambda t: t.id):
            yield [
                "task",
                t.id,
                t.requester,
                t.token,
                t.kind,
                int(t.status),
                str(t.reward),
                t.deadline,
                t.review_period,
                t.fee_bps,
                t.co_reviewer,
                t.arbiter,
                t.places_confirmed,
                t.places_arbitrated,
                t.access_rules,
                str(t.min_worker_score),
                t.invite_root,
                t.min_verified_level,
                t.metadata_uri,
                t.metadata_hash,
                t.entry_count,
                t.revealed_count,
                t.verified_count,
                t.shares_collected,
                str(t.pay),
                t.places,
                t.work_window,
                t.pending,
                t.settled,
                t.award_decision,
                t.award_proposed_at,
                t.award_objected,
            ]
            for worker, en in sorted(t.entries.items()):
                yield [
                    "entry",
                    t.id,
                    worker,
                    en.commitment,
                    str(en.owed),
                    en.share_bps,
                    en.places_approved,
                    en.remainder,
                    en.revealed,
                    en.verified,
                    en.default_share_collected,
                    en.rated_by_requester,
                    en.rated_requester,
                    str(en.earned),
                    str(en.withdrawn),
                ]
            for index, place in sorted(t.places_.items()):
                yield [
                    "place",
                    t.id,
                    index,
                    place.worker,
                    place.since,
                    int(place.status),
                    int(place.decision),
                    place.decided_after,
                    place.objected,
                ]

    @staticmethod
    def _pending_decision(t: Task, place: Place) -> dict[str, Any]:
        """A place's decision that stands later, as the index keeps it: a submitted place's waiting for the
        co-reviewer, or a rejection held for its worker's appeal, or appealed, until its window ends."""
        if place.status in (PlaceStatus.REJECTED, PlaceStatus.APPEALED):
            window = APPEAL_WINDOW if place.status == PlaceStatus.REJECTED else ARBITRATION_WINDOW
            return {
                "decision": "reject",
                "decision_stands_at": place.since + window,
                "decision_objected": False,
            }
        if place.status != PlaceStatus.SUBMITTED or place.decision == Verdict.NONE:
            return {"decision": None, "decision_stands_at": None, "decision_objected": False}
        stands_at = place.since + place.decided_after + CO_REVIEW_WINDOW
        if place.objected and t.arbiter != ZERO_ADDRESS:
            stands_at += ARBITRATION_WINDOW
        return {
            "decision": place.decision.name.lower(),
            "decision_stands_at": stands_at,
            "decision_objected": place.objected,
        }

    def index_rows(self) -> dict[str, list[Row]]:
        tasks: list[Row] = []
        proposals: list[Row] = []
        entries: list[Row] = []
        places: list[Row] = []
        for t in self.tasks.values():
            status = {
                Status.OPEN: "open",
                Status.AWARDED: "awarded",
                Status.SPLIT_BY_DEFAULT: "split",
                Status.RECLAIMED: "reclaimed",
            }[t.status]
            tasks.append(
                {
                    "id": t.id,
                    "requester": t.requester,
                    "token": t.token,
                    "kind": KINDS[t.kind],
                    "status": status,
                    "reward": t.reward,
                    "paid": t.paid,
                    "reclaimed": t.reclaimed,
                    "deadline": t.deadline,
                    "review_period": t.review_period,
                    "fee_bps": t.fee_bps,
                    "co_reviewer": None if t.co_reviewer == ZERO_ADDRESS else t.co_reviewer,
                    "arbiter": None if t.arbiter == ZERO_ADDRESS else t.arbiter,
                    "pay": t.pay,
                    "places": t.places,
                    "places_approved": t.places_approved,
                    "work_window": t.work_window,
                    "access_rules": t.access_rules,
                    "entry_count": t.entry_count,
                    "revealed_count": t.revealed_count,
                    "verified_count": t.verified_count,
                    "metadata_uri": t.metadata_uri,
                    "metadata_hash": t.metadata_hash,
                    "posted_at": t.posted_at,
                    "_events": tuple(t.refs),
                }
            )
            if t.award_proposal is not None:
                proposals.append(t.award_proposal)
            for worker, en in t.entries.items():
                if not en.indexed:
                    continue
                entries.append(
                    {
                        "task_id": t.id,
                        "worker": worker,
                        "commitment": None if en.commitment == ZERO_HASH else en.commitment,
                        "submitted_at": en.submitted_at,
                        "revealed": en.revealed,
                        "verified": en.verified,
                        "deliverable_hash": en.deliverable_hash,
                        "deliverable_uri": en.deliverable_uri,
                        "share_bps": en.share_bps,
                        "earned": en.earned,
                        "withdrawn": en.withdrawn,
                        "_events": tuple(en.refs),
                    }
                )
            for index, place in t.places_.items():
                places.append(
                    {
                        "task_id": t.id,
                        "place_index": index,
                        "status": place.status.name.lower(),
                        "worker": None if place.worker == ZERO_ADDRESS else place.worker,
                        "expires_at": place.expires_at,
                        "deliverable_hash": place.deliverable_hash,
                        "review_ends_at": place.review_ends_at,
                        **self._pending_decision(t, place),
                        "_events": tuple(place.refs),
                    }
                )
        return {"tasks": tasks, "award_proposals": proposals, "entries": entries, "places": places}

    def ledger(self, block: BlockInfo) -> dict[str, list[Row]]:
        rows = []
        for t in sorted(self.tasks.values(), key=lambda t: t.id):
            rows.append(
                {
                    "task": t.id,
                    "kind": KINDS[t.kind],
                    "requester": t.requester,
                    "asset": t.token,
                    "status": t.status.name.lower(),
                    "reward": str(t.reward),
                    "credited": str(t.paid),
                    "reclaimed": str(t.reclaimed),
                    "withdrawn": str(sum(en.withdrawn for en in t.entries.values())),
                    "entries": t.entry_count,
                    "places": t.places,
                    "places_approved": t.places_approved,
                    "fee_bps": t.fee_bps,
                    "post_tx": t.posted_tx,
                }
            )
        return {"tasks": rows}

    def facts(self, into: Facts) -> None:
        for t in self.tasks.values():
            co_reviewer = None if t.co_reviewer == ZERO_ADDRESS else t.co_reviewer
            deal = Deal(
                self.contract,
                t.id,
                KINDS[t.kind],
                t.requester,
                co_reviewer,
                t.token,
                t.reward,
                t.paid,
                t.posted_tx,
            )
            into.deals[deal.key] = deal
            for worker, en in t.entries.items():
                if en.first is not None:
                    block, at, tx = en.first
                    into.acts.append(Act(deal.key, "enter", worker, 0, block, at, tx))
            for worker, (block, at, tx) in t.takers.items():
                into.acts.append(Act(deal.key, "take", worker, 0, block, at, tx))

    def assets(self) -> set[str]:
        return {ZERO_ADDRESS} | self.tokens
