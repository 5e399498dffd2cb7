"""Bounty events to the derived crowdsourcing tables: tasks, contests' pending award proposals, workers'
entries and earnings, micro-task places.

Mirrors contracts/Bounty.sol; like the other projections it reads only its events and the rows they touch.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from crowdledger.chain.decode import Event
from crowdledger.store.models import AwardProposal, Entry, Place, Task
from crowdledger.store.rows import Row, Rows

KINDS = ("contest", "micro-task")
ZERO = "0x" + "00" * 20


# A place without a decision that stands later (the columns PlaceDecisionProposed, and a rejection held for an
# appeal or appealed, fill).
_NO_DECISION: dict[str, Any] = {"decision": None, "decision_stands_at": None, "decision_objected": False}


class _Batch:
    def __init__(self) -> None:
        self.tasks = Rows(Task.__table__, ("id",))  # type: ignore[arg-type]
        self.proposals = Rows(AwardProposal.__table__, ("task_id",))  # type: ignore[arg-type]
        self.entries = Rows(Entry.__table__, ("task_id", "worker"))  # type: ignore[arg-type]
        self.places = Rows(Place.__table__, ("task_id", "place_index"))  # type: ignore[arg-type]

    def task(self, task_id: int) -> Row:
        row = self.tasks.get((task_id,))
        if row is None:
            raise LookupError(f"event for task {task_id}, which was never posted")
        return row

    def entry(self, task_id: int, worker: str) -> Row:
        row = self.entries.get((task_id, worker))
        if row is None:
            row = self.entries.add(
                {
                    "task_id": task_id,
                    "worker": worker,
                    "commitment": None,
                    "submitted_at": None,
                    "revealed": False,
                    "verified": False,
                    "deliverable_hash": None,
                    "deliverable_uri": None,
                    "share_bps": 0,
                    "earned": 0,
                    "withdrawn": 0,
                }
            )
        return row

    def place(self, task_id: int, index: int) -> Row:
        row = self.places.get((task_id, index))
        if row is None:
            row = self.places.add(
                {
                    "task_id": task_id,
                    "place_index": index,
                    "status": "open",
                    "worker": None,
                    "expires_at": None,
                    "deliverable_hash": None,
                    "review_ends_at": None,
                    **_NO_DECISION,
                }
            )
        return row


def apply(conn: Connection, events: Sequence[Event], timestamps: dict[int, int]) -> None:
    events = [e for e in events if e.contract == "Bounty"]
    if not events:
        return
    b = _Batch()
    b.tasks.load(conn, {(e.args["taskId"],) for e in events if "taskId" in e.args})
    b.proposals.load(conn, {(e.args["taskId"],) for e in events if e.name in _PROPOSAL_EVENTS})
    b.entries.load(conn, {(e.args["taskId"], e.args["worker"]) for e in events if "worker" in e.args})
    b.places.load(conn, {(e.args["taskId"], e.args["placeIndex"]) for e in events if "placeIndex" in e.args})
    for e in events:
        handler = _HANDLERS.get(e.name)
        if handler is not None:
            handler(b, e.args, timestamps[e.block_number])
    for rows in (b.tasks, b.proposals, b.entries, b.places):
        rows.flush(conn)


def _posted(b: _Batch, a: dict[str, Any], at: int) -> None:
    co_reviewer = a["coReviewer"] if a["coReviewer"] != ZERO else None
    arbiter = a["arbiter"] if a["arbiter"] != ZERO else None
    b.tasks.add(
        {
            "id": a["taskId"],
            "requester": a["requester"],
            "token": a["token"],
            "kind": KINDS[a["kind"]],
            "status": "open",
            "reward": a["reward"],
            "paid": 0,
            "reclaimed": 0,
            "deadline": a["deadline"],
            "review_period": a["reviewPeriod"],
            "fee_bps": a["feeBps"],
            "co_reviewer": co_reviewer,
            "arbiter": arbiter,
            "pay": 0,
            "places": 0,
            "places_approved": 0,
            "work_window": 0,
            "access_rules": 0,
            "entry_count": 0,
            "revealed_count": 0,
            "verified_count": 0,
            "metadata_uri": a["metadataURI"],
            "metadata_hash": a["metadataHash"],
            "posted_at": at,
        }
    )


def _places_offered(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.task(a["taskId"]).update(pay=a["pay"], places=a["places"], work_window=a["workWindow"])


def _restricted(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.task(a["taskId"])["access_rules"] = a["accessRules"]


def _submitted(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.task(a["taskId"])["entry_count"] = a["entryCount"]
    b.entry(a["taskId"], a["worker"]).update(commitment=a["commitment"], submitted_at=at)


def _revealed(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.task(a["taskId"]).update(revealed_count=a["revealedCount"], verified_count=a["verifiedCount"])
    b.entry(a["taskId"], a["worker"]).update(
        revealed=True,
        verified=a["verified"],
        deliverable_hash=a["deliverableHash"],
        deliverable_uri=a["deliverableURI"],
    )


def _credit(b: _Batch, a: dict[str, Any]) -> Row:
    task = b.task(a["taskId"])
    task["paid"] += a["amount"] + a["fee"]
    entry = b.entry(a["taskId"], a["worker"])
    entry["earned"] += a["amount"]
    return task


def _award_proposed(b: _Batch, a: dict[str, Any], at: int) -> None:
    """Records the proposal, or replaces the one waiting (the contract allows that until an objection)."""
    if b.tasks.get((a["taskId"],)) is None:
        raise LookupError(f"award proposed for task {a['taskId']}, which was never posted")
    values = {
        "proposer": a["requester"],
        "winners": [w.lower() for w in a["winners"]],
        "shares_bps": list(a["sharesBps"]),
        "proposed_at": at,
        "stands_at": a["standsAt"],
        "objected": False,
    }
    row = b.proposals.get((a["taskId"],))
    if row is None:
        b.proposals.add({"task_id": a["taskId"], **values})
    else:
        row.update(values)


def _award_objected(b: _Batch, a: dict[str, Any], at: int) -> None:
    row = b.proposals.get((a["taskId"],))
    if row is None:
        raise LookupError(f"objection to task {a['taskId']}'s award, which was never proposed")
    row["objected"] = True
    if a["arbiterUntil"]:  # the arbiter decides until then; without an arbiter the proposal still stands
        row["stands_at"] = a["arbiterUntil"]


def _awarded(b: _Batch, a: dict[str, Any], at: int) -> None:
    """One per winner; the first ends the proposal's wait, whoever decided (co-reviewer, arbiter, anyone)."""
    _credit(b, a)["status"] = "awarded"
    b.entry(a["taskId"], a["worker"])["share_bps"] = a["shareBps"]
    proposal = b.proposals.get((a["taskId"],))
    if proposal is not None:
        b.proposals.remove(proposal)


def _split(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.task(a["taskId"])["status"] = "split"


def _default_share(b: _Batch, a: dict[str, Any], at: int) -> None:
    _credit(b, a)


def _reclaimed(b: _Batch, a: dict[str, Any], at: int) -> None:
    task = b.task(a["taskId"])
    task["reclaimed"] += a["amount"]
    if task["kind"] == "contest":
        task["status"] = "reclaimed"


def _taken(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.place(a["taskId"], a["placeIndex"]).update(
        status="taken",
        worker=a["worker"],
        expires_at=a["expiresAt"],
        deliverable_hash=None,
        review_ends_at=None,
    )


def _work_submitted(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.place(a["taskId"], a["placeIndex"]).update(
        status="submitted", deliverable_hash=a["deliverableHash"], review_ends_at=a["reviewEndsAt"]
    )


def _decision_proposed(b: _Batch, a: dict[str, Any], at: int) -> None:
    """The requester's decision, for the co-reviewer; a new one replaces it."""
    b.place(a["taskId"], a["placeIndex"]).update(
        decision="approve" if a["approve"] else "reject",
        decision_stands_at=a["standsAt"],
        decision_objected=False,
    )


def _place_objected(b: _Batch, a: dict[str, Any], at: int) -> None:
    place = b.place(a["taskId"], a["placeIndex"])
    place["decision_objected"] = True
    if a["arbiterUntil"]:  # the arbiter decides until then; without an arbiter the decision still stands
        place["decision_stands_at"] = a["arbiterUntil"]


def _approved(b: _Batch, a: dict[str, Any], at: int) -> None:
    _credit(b, a)["places_approved"] += 1
    b.place(a["taskId"], a["placeIndex"]).update(status="approved", **_NO_DECISION)


def _rejected(b: _Batch, a: dict[str, Any], at: int) -> None:
    """Reopens the place, or, while its worker may appeal to the task's arbiter, holds it for them: the
    rejection stands (anyone may reopen the place) when the appeal window ends."""
    if a["appealableUntil"]:
        b.place(a["taskId"], a["placeIndex"]).update(
            status="rejected",
            decision="reject",
            decision_stands_at=a["appealableUntil"],
            decision_objected=False,
        )
    else:
        _reopened(b, a, at)


def _appealed(b: _Batch, a: dict[str, Any], at: int) -> None:
    """The arbiter rules until arbiterUntil; then the rejection stands."""
    b.place(a["taskId"], a["placeIndex"]).update(status="appealed", decision_stands_at=a["arbiterUntil"])


def _reopened(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.place(a["taskId"], a["placeIndex"]).update(
        status="open",
        worker=None,
        expires_at=None,
        deliverable_hash=None,
        review_ends_at=None,
        **_NO_DECISION,
    )


def _withdrawn(b: _Batch, a: dict[str, Any], at: int) -> None:
    b.entry(a["taskId"], a["worker"])["withdrawn"] += a["amount"]


_PROPOSAL_EVENTS = ("AwardProposed", "AwardObjected", "Awarded")
_HANDLERS = {
    "TaskPosted": _posted,
    "PlacesOffered": _places_offered,
    "TaskRestricted": _restricted,
    "EntrySubmitted": _submitted,
    "EntryRevealed": _revealed,
    "AwardProposed": _award_proposed,
    "AwardObjected": _award_objected,
    "Awarded": _awarded,
    "ContestSplitByDefault": _split,
    "DefaultShareCredited": _default_share,
    "RewardReclaimed": _reclaimed,
    "PlaceTaken": _taken,
    "WorkSubmitted": _work_submitted,
    "PlaceDecisionProposed": _decision_proposed,
    "PlaceObjected": _place_objected,
    "PlaceApproved": _approved,
    "PlaceRejected": _rejected,
    "PlaceAppealed": _appealed,
    "PlaceReopened": _reopened,
    "Withdrawn": _withdrawn,
}
