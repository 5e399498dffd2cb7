"""The task board: contests and micro-tasks, and one task with its phases, entries or places."""

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdledger.api import convert, queries
from crowdledger.api.deps import Db
from crowdledger.api.queries import TaskKind
from crowdledger.store.models import AwardProposal
from crowdledger.web.pages import PageNotFound
from crowdledger.web.pages.campaigns import indexed_block, parse_id
from crowdledger.web.render import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
CO_REVIEW_WINDOW = 3 * 86400  # BountyCore.CO_REVIEW_WINDOW: what a co-reviewer has to confirm or object
ARBITRATION_WINDOW = 7 * 86400  # BountyCore.ARBITRATION_WINDOW: what an arbiter has after a silent review


def _percent(share_bps: int) -> str:
    """7000 → "70", 3333 → "33.33": a share as the share inputs and the wallet flows write it."""
    return str(share_bps // 100 if share_bps % 100 == 0 else share_bps / 100)


def award_in_words(proposal: AwardProposal | None) -> str | None:
    """ "0x1234…abcd 60%, 0x5678…ef01 40%", as the flows' describe() puts it; None: nothing proposed."""
    if proposal is None:
        return None
    return ", ".join(
        f"{w[:6]}…{w[-4:]} {_percent(s)}%" for w, s in zip(proposal.winners, proposal.shares_bps, strict=True)
    )


def proposed_shares(proposal: AwardProposal | None) -> dict[str, str]:
    """Each proposed winner's share in %, pre-filled in the award forms' share inputs."""
    if proposal is None:
        return {}
    return {w: _percent(s) for w, s in zip(proposal.winners, proposal.shares_bps, strict=True)}


def _title(request: Request, t: Any) -> str | None:
    document = request.app.state.web.documents.get(t.metadata_uri, t.metadata_hash)
    return document.title if document.verified else None


@router.get("/t", response_class=HTMLResponse)
def task_board(request: Request, db: Db) -> HTMLResponse:
    p = request.query_params
    try:
        kind = TaskKind(p["kind"]) if p.get("kind") else None
    except ValueError:
        kind = None
    before = parse_id(p.get("before", ""))
    rows = queries.list_tasks(db, kind, None, PAGE_SIZE, before)
    return render(
        request,
        "tasks.html",
        tasks=[{"task": convert.task_out(t), "title": _title(request, t)} for t in rows],
        kinds=list(TaskKind),
        kind=kind,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        now=queries.now(db),
        indexed_block=indexed_block(db),
    )


@router.get("/t/new", response_class=HTMLResponse)
def post_task_form(request: Request) -> HTMLResponse:
    """The requester's form; ?kind= chooses which kind it opens with (a kind it does not know: 400)."""
    raw = request.query_params.get("kind", TaskKind.contest.value)
    bad = raw not in {k.value for k in TaskKind}
    return render(
        request,
        "post_task.html",
        status=400 if bad else 200,
        kinds=list(TaskKind),
        kind=TaskKind.contest if bad else TaskKind(raw),
        bad=bad,
        scripts=("wallet",),
    )


def phases(t: Any, now: int) -> list[dict[str, Any]]:
    """The task's phases in order, each with its start, end and whether it is the current one."""
    if t.kind == TaskKind.contest.value:
        review_ends = t.deadline + t.review_period
        steps = [
            ("phase.entries", t.posted_at, t.deadline),
            ("phase.reveal", t.deadline, review_ends),
            ("phase.settled", review_ends, None),
        ]
    else:
        steps = [("phase.places", t.posted_at, t.deadline), ("phase.review", t.deadline, None)]
    out = []
    for key, start, end in steps:
        current = start <= now and (end is None or now < end)
        if t.status != "open" and key == "phase.settled":
            current = True
        out.append({"key": key, "start": start, "end": end, "current": current})
    if t.status != "open":
        for phase in out[:-1]:
            phase["current"] = False
    return out


SHOWN_PLACES = 500  # a micro-task's places listed from the first, taken or not
FREE_OFFERED = 20  # free places the take form offers beyond the first SHOWN_PLACES when those are all taken


def places_of(db: Db, t: Any, now: int) -> list[dict[str, Any]]:
    """The places the page lists and its forms act on: the first SHOWN_PLACES, the places the API lists
    (queries.task_places: every place whose work awaits a decision, wherever it is), and, once none of those
    can be taken, the next free ones. Each with its status as the API serves it (closed from the deadline on,
    if no work was submitted)."""
    rows = {p.place_index: p for p in queries.task_places(db, t.id)}
    indexes = set(range(min(t.places, SHOWN_PLACES))) | set(rows)
    places = [_place(index, rows.get(index), t, now) for index in sorted(indexes)]
    takeable = any("take" in _place_offers(p, bool(t.arbiter), now) for p in places)
    if t.places > SHOWN_PLACES and now < t.deadline and not takeable:
        free = queries.free_places(db, t.id, SHOWN_PLACES, t.places, FREE_OFFERED, now)
        places = sorted(places + [_place(i, None, t, now) for i in free if i not in rows], key=_index)
    return places


def _place(index: int, row: Any, t: Any, now: int) -> dict[str, Any]:
    return {
        "index": index,
        "status": convert.place_status(row.status if row else "open", t.deadline, now),
        "worker": row.worker if row else None,
        "expires_at": row.expires_at if row else None,
        "review_ends_at": row.review_ends_at if row else None,
        "decision": row.decision if row else None,
        "decision_stands_at": row.decision_stands_at if row else None,
        "decision_objected": row.decision_objected if row else False,
    }


def _index(place: dict[str, Any]) -> int:
    return int(place["index"])


def reclaimable(db: Db, t: Any, now: int) -> int:
    """What Bounty.reclaim would give the requester now, by the index's clock; 0 when it would refuse. A
    contest: its reward, if nobody entered by the deadline or nobody revealed by the review's end. A
    micro-task, from its deadline: the pay of every place neither approved, nor holding work, nor
    reclaimed."""
    if t.kind == TaskKind.contest.value:
        if t.status != "open" or t.revealed_count:
            return 0
        reclaimable_at = t.deadline if t.entry_count == 0 else t.deadline + t.review_period
        return int(t.reward) if now >= reclaimable_at else 0
    if now < t.deadline or not t.pay:
        return 0
    unused = t.places - t.places_approved - t.reclaimed // t.pay - queries.pending_places(db, t.id)
    return int(max(unused, 0) * t.pay)


PLACE_FLOWS = (
    "take",
    "review-place",
    "co-review-place",
    "appeal-place",
    "arbitrate-place",
    "approve-by-default",
    "finalize-place",
)


def place_flows(t: Any, places: list[dict[str, Any]], now: int) -> dict[str, list[dict[str, Any]]]:
    """The places each place form of a micro-task offers (PLACE_FLOWS): those the contract would take from the
    form's party now, by the index's clock. Each form is shown to its own party (the appeal to the workers of
    the places it offers)."""
    offered: dict[str, list[dict[str, Any]]] = {flow: [] for flow in PLACE_FLOWS}
    for place in places:
        for flow in _place_offers(place, bool(t.arbiter), now):
            offered[flow].append(place)
    return offered


def _place_offers(p: dict[str, Any], arbiter: bool, now: int) -> Iterator[str]:
    status, decision, objected = p["status"], p["decision"], p["decision_objected"]
    review_ends, stands_at = p["review_ends_at"], p["decision_stands_at"]
    standing = stands_at is None or now < stands_at  # not yet carried out by the clock
    if status == "open" or (status == "taken" and p["expires_at"] is not None and p["expires_at"] <= now):
        yield "take"  # free, or held past its work window (closed places are neither)
    if status == "submitted":
        if now < review_ends and not objected:
            yield "review-place"  # a decision, or a new one over the one the co-reviewer has not answered
        if decision and not objected and standing:
            yield "co-review-place"  # within the co-reviewer's window
        # work left undecided past its review (and the arbiter's window): nobody keeps work without paying
        if not decision and now >= review_ends + (ARBITRATION_WINDOW if arbiter else 0):
            yield "approve-by-default"
    if arbiter and status == "rejected" and standing:
        yield "appeal-place"  # a held rejection, within its appeal window
    if arbiter and (
        (status == "appealed" or (status == "submitted" and objected))
        and standing
        or (status == "submitted" and not decision and review_ends <= now < review_ends + ARBITRATION_WINDOW)
    ):
        yield "arbitrate-place"  # an appeal or an objection until it stands; a silent review, for a while
    if status in ("submitted", "rejected", "appealed") and stands_at is not None and now >= stands_at:
        yield "finalize-place"  # a decision that stands: carried out, or a rejection reopens the place


def contest_flows(t: Any, proposal: AwardProposal | None, now: int) -> set[str]:
    """The forms of an open contest that the contract would take now, by the index's clock (each form is
    shown to its own party): entering until the deadline, revealing from it until the review ends; with
    revealed entries, the requester's award until the review ends (not over an objected proposal); the
    co-reviewer's confirmation or objection within CO_REVIEW_WINDOW of a proposal; the arbiter's ruling on an
    objected proposal, or on a review that ended without one, within their window; anyone's finalization of
    a proposal that stands."""
    if t.kind != TaskKind.contest.value or t.status != "open":
        return set()
    review_ends = t.deadline + t.review_period
    flows = {"commit-entry"} if now < t.deadline else {"reveal-entry"} if now < review_ends else set()
    if not t.revealed_count:
        return flows
    # a new proposal replaces the one waiting, unless the co-reviewer objected (then the arbiter decides)
    if now < review_ends and not (proposal and proposal.objected):
        flows.add("award")
    if proposal is None:
        if t.arbiter and review_ends <= now < review_ends + ARBITRATION_WINDOW:
            flows.add("arbitrate-award")
        return flows
    if not proposal.objected and now < proposal.proposed_at + CO_REVIEW_WINDOW:
        flows.add("co-review-award")
    if t.arbiter and proposal.objected and now < proposal.proposed_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW:
        flows.add("arbitrate-award")
    if now >= proposal.stands_at:
        flows.add("finalize-award")
    return flows


def splittable(t: Any, proposal: AwardProposal | None, now: int) -> bool:
    """Whether Bounty.splitByDefault would split the contest now, by the index's clock: open, an entry
    revealed, no award proposed, and the review over (and the arbiter's window after it, if any)."""
    if t.kind != TaskKind.contest.value or t.status != "open" or not t.revealed_count or proposal is not None:
        return False
    return bool(now >= t.deadline + t.review_period + (ARBITRATION_WINDOW if t.arbiter else 0))


@router.get("/t/{raw_id}", response_class=HTMLResponse)
def task_page(request: Request, db: Db, raw_id: str) -> HTMLResponse:
    task_id = parse_id(raw_id)
    t = queries.task(db, task_id) if task_id else None
    if t is None or task_id is None:
        raise PageNotFound("page.no_task", id=raw_id[:20])
    now = queries.now(db)
    proposal = queries.award_proposal(db, task_id)
    places = places_of(db, t, now)
    return render(
        request,
        "task.html",
        task=convert.task_out(t),
        arbiter=t.arbiter,
        verified_count=t.verified_count,
        proposal=proposal,
        proposal_words=award_in_words(proposal),
        proposed_shares=proposed_shares(proposal),
        title=_title(request, t),
        phases=phases(t, now),
        entries=queries.task_entries(db, task_id),
        places=places,
        place_flows=place_flows(t, places, now),
        contest_flows=contest_flows(t, proposal, now),
        splittable=splittable(t, proposal, now),
        reclaimable=reclaimable(db, t, now),
        now=now,
        indexed_block=indexed_block(db),
        scripts=("wallet",),
    )
