"""Crowdsourcing: contests and micro-tasks, and one task with its entries or places."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from crowdledger.api import queries, schemas
from crowdledger.api.convert import award_proposal_out, place_status, task_out
from crowdledger.api.deps import ADDRESS, MAX_ID, Db, Limit, TaskId, lower
from crowdledger.api.queries import TaskKind

router = APIRouter(tags=["tasks"])


@router.get("/tasks", response_model=schemas.TaskPage)
def list_tasks(
    db: Db,
    kind: TaskKind | None = None,
    requester: Annotated[str | None, Query(pattern=ADDRESS)] = None,
    limit: Limit = 20,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="the last id of the previous page")
    ] = None,
) -> schemas.TaskPage:
    """Contests and micro-tasks, newest first."""
    items = [task_out(t) for t in queries.list_tasks(db, kind, lower(requester), limit, before)]
    return schemas.TaskPage(items=items, next_before=items[-1].id if len(items) == limit else None)


@router.get("/tasks/{task_id}", response_model=schemas.TaskDetail)
def task(db: Db, task_id: TaskId) -> schemas.TaskDetail:
    """A task with its entries (contest) or places (micro-task), and what each worker earned."""
    t = queries.task(db, task_id)
    if t is None:
        raise HTTPException(404, f"no task {task_id}")
    now = queries.now(db)
    return schemas.TaskDetail(
        **task_out(t).model_dump(),
        arbiter=t.arbiter,
        verified_count=t.verified_count,
        proposal=award_proposal_out(queries.award_proposal(db, task_id)),
        entries=[
            schemas.EntryOut(
                worker=e.worker,
                commitment=e.commitment,
                submitted_at=e.submitted_at,
                revealed=e.revealed,
                verified=e.verified,
                deliverable_hash=e.deliverable_hash,
                deliverable_uri=e.deliverable_uri,
                share_bps=e.share_bps,
                earned=str(e.earned),
                withdrawn=str(e.withdrawn),
            )
            for e in queries.task_entries(db, task_id)
        ],
        places_detail=[
            schemas.PlaceOut(
                place_index=p.place_index,
                status=place_status(p.status, t.deadline, now),
                worker=p.worker,
                expires_at=p.expires_at,
                deliverable_hash=p.deliverable_hash,
                review_ends_at=p.review_ends_at,
                decision=p.decision,
                decision_stands_at=p.decision_stands_at,
                decision_objected=p.decision_objected,
            )
            for p in queries.task_places(db, task_id)
        ],
    )
