"""The HTTP API: thin routes that validate, call one query function and return a response model."""

import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from crowdledger.api import audit, pages, queries, schemas
from crowdledger.api.queries import BadCursor, CampaignFilter, CampaignSort, CampaignState, TaskKind
from crowdledger.reputation import Line, Role, explain, fade

log = logging.getLogger(__name__)

ADDRESS = r"^0x[0-9a-fA-F]{40}$"
MAX_ID = 2**63 - 1
AddressParam = Annotated[str, Path(pattern=ADDRESS, description="0x-prefixed, 40 hex digits")]
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]


class RoleName(StrEnum):
    creator = "creator"
    backer = "backer"
    requester = "requester"
    worker = "worker"
    reviewer = "reviewer"


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = schemas.ErrorResponse(
        error=schemas.ErrorBody(status=status, code=code, message=message, details=details or [])
    )
    return JSONResponse(status_code=status, content=body.model_dump())


def create_app(engine: Engine, page_cache_seconds: float = 1.0) -> FastAPI:
    app = FastAPI(
        title="CrowdLedger",
        summary="Campaigns, pledges and accounts indexed from the CrowdLedger contracts",
        responses={
            400: {"model": schemas.ErrorResponse},
            404: {"model": schemas.ErrorResponse},
            422: {"model": schemas.ErrorResponse},
        },
    )

    def session() -> Iterator[Session]:
        with Session(engine) as db:
            yield db

    Db = Annotated[Session, Depends(session)]

    # ------------------------------------------------------------------ one error shape

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "problem": e["msg"]}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
        return _error(422, "invalid_parameter", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 503: "not_ready"}.get(exc.status_code, "error")
        response = _error(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})  # 405's Allow, for one
        return response

    @app.exception_handler(BadCursor)
    async def bad_cursor(_: Request, exc: BadCursor) -> JSONResponse:
        return _error(400, "invalid_cursor", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("Unhandled error", exc_info=exc)
        return _error(500, "internal_error", "the server failed; the error is logged")

    # ------------------------------------------------------------------ service

    @app.get("/health", response_model=schemas.Health, tags=["service"])
    def health() -> schemas.Health:
        """Liveness: the process answers. Also the framework's floor for benchmarks."""
        return schemas.Health(status="ok")

    @app.get("/ready", response_model=schemas.IndexStatus, tags=["service"])
    def ready(db: Db) -> schemas.IndexStatus:
        """Readiness: the database answers and the indexer has started; 503 otherwise."""
        status = _status(db)
        if status is None:
            raise HTTPException(503, "the indexer has not indexed anything yet")
        return status

    @app.get("/status", response_model=schemas.IndexStatus, tags=["service"])
    def index_status(db: Db) -> schemas.IndexStatus:
        """How far behind the chain head the index is."""
        status = _status(db)
        if status is None:
            raise HTTPException(503, "the indexer has not indexed anything yet")
        return status

    # ------------------------------------------------------------------ campaigns

    pages_cache = PageCache(seconds=page_cache_seconds)

    @app.get("/campaigns", response_model=schemas.CampaignPage, tags=["campaigns"])
    async def list_campaigns(
        request: Request,
        state: CampaignState | None = None,
        creator: Annotated[str | None, Query(pattern=ADDRESS)] = None,
        token: Annotated[str | None, Query(pattern=ADDRESS, description="0x000…000 for ETH")] = None,
        q: Annotated[
            str | None,
            Query(
                min_length=1,
                max_length=200,
                pattern=r"^[^\x00-\x1f\x7f]*$",  # no control characters: PostgreSQL text cannot hold NUL
                description="text in title or description",
            ),
        ] = None,
        sort: CampaignSort = CampaignSort.newest,
        limit: Limit = 20,
        cursor: Annotated[str | None, Query(max_length=300)] = None,
    ) -> Response:
        """Campaigns, filtered and sorted, a page at a time. Pages may be up to a second old: the index
        itself moves on at most once per poll of the chain."""
        body = pages_cache.get(request.url.query)
        if body is None:

            def page() -> bytes:
                where = CampaignFilter(state, _lower(creator), _lower(token), q)
                with Session(engine) as db:
                    rows, next_cursor, at = queries.list_campaigns(db, where, sort, limit, cursor)
                items = [_summary(r) for r in rows]
                # Serialised once here, not validated again on the way out (the response model documents it).
                return (
                    schemas.CampaignPage.model_construct(items=items, next_cursor=next_cursor, chain_time=at)
                    .model_dump_json()
                    .encode()
                )

            body = await run_in_threadpool(page)
            pages_cache.put(request.url.query, body)
        return Response(body, media_type="application/json")

    @app.get("/campaigns/{campaign_id}", response_model=schemas.CampaignDetail, tags=["campaigns"])
    def campaign(db: Db, campaign_id: CampaignId) -> schemas.CampaignDetail:
        row = queries.campaign(db, campaign_id)
        if row is None:
            raise HTTPException(404, f"no campaign {campaign_id}")
        c = row.Campaign
        return schemas.CampaignDetail(
            **_summary(row).model_dump(),
            quorum_bps=c.quorum_bps,
            milestones_approved=c.milestones_approved,
            refund_pool=str(c.refund_pool),
            tiers=[_tier(t) for t in queries.tiers(db, campaign_id)],
            milestones=_milestones(c, row.state, queries.milestone_votes(db, campaign_id)),
        )

    @app.get("/campaigns/{campaign_id}/pledges", response_model=schemas.PledgePage, tags=["campaigns"])
    def campaign_pledges(
        db: Db,
        campaign_id: CampaignId,
        limit: Limit = 50,
        after: Annotated[
            str | None, Query(pattern=ADDRESS, description="the last backer of the previous page")
        ] = None,
    ) -> schemas.PledgePage:
        if queries.campaign(db, campaign_id) is None:
            raise HTTPException(404, f"no campaign {campaign_id}")
        items = [_pledge(p) for p in queries.pledges(db, campaign_id, limit, _lower(after))]
        return schemas.PledgePage(items=items, next_after=items[-1].backer if len(items) == limit else None)

    # ------------------------------------------------------------------ accounts and statistics

    @app.get("/accounts/{address}", response_model=schemas.Account, tags=["accounts"])
    def account(db: Db, address: AddressParam) -> schemas.Account:
        """What an account created, backed and did (its newest 100 of each)."""
        who = address.lower()
        return schemas.Account(
            address=who,
            reputation=_reputation(db, who),
            campaigns=[_summary(r) for r in queries.account_campaigns(db, who)],
            pledges=[_pledge(p) for p in queries.account_pledges(db, who)],
            history=[
                schemas.HistoryItem(
                    block_number=e.block_number,
                    log_index=e.log_index,
                    timestamp=e.timestamp,
                    tx_hash=e.tx_hash,
                    contract=e.contract,
                    event=e.name,
                    args={
                        k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v
                        for k, v in e.args.items()
                    },
                )
                for e in queries.history(db, who, 100, None)
            ],
        )

    @app.get("/leaderboards/{role}", response_model=schemas.Leaderboard, tags=["reputation"])
    def leaderboard(db: Db, role: RoleName, limit: Limit = 20) -> schemas.Leaderboard:
        """The highest scores in one role, faded to the index's chain time."""
        entries = queries.leaderboard(db, Role[role.name.upper()], limit)
        return schemas.Leaderboard(
            role=role.value,
            chain_time=queries.now(db),
            half_life=queries.half_life(db),
            entries=[
                schemas.LeaderboardEntry(rank=i + 1, account=account, score=str(score))
                for i, (account, score) in enumerate(entries)
            ],
        )

    @app.get(
        "/accounts/{address}/reputation/{role}", response_model=schemas.ExplainedScore, tags=["reputation"]
    )
    def explain_score(db: Db, address: AddressParam, role: RoleName) -> schemas.ExplainedScore:
        """A score line by line: every event that changed it, and what each still contributes today."""
        who, at = address.lower(), queries.now(db)
        lines = explain(who, Role[role.name.upper()], queries.reputation_events(db, who), at)
        return schemas.ExplainedScore(
            account=who,
            role=role.value,
            score=str(sum(line.contribution for line in lines)),
            lines=[_explained(line) for line in lines],
        )

    # ------------------------------------------------------------------ crowdsourcing

    @app.get("/tasks", response_model=schemas.TaskPage, tags=["tasks"])
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
        items = [_task(t) for t in queries.list_tasks(db, kind, _lower(requester), limit, before)]
        return schemas.TaskPage(items=items, next_before=items[-1].id if len(items) == limit else None)

    @app.get("/tasks/{task_id}", response_model=schemas.TaskDetail, tags=["tasks"])
    def task(db: Db, task_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> schemas.TaskDetail:
        """A task with its entries (contest) or places (micro-task), and what each worker earned."""
        t = queries.task(db, task_id)
        if t is None:
            raise HTTPException(404, f"no task {task_id}")
        return schemas.TaskDetail(
            **_task(t).model_dump(),
            entries=[
                schemas.EntryOut(
                    worker=e.worker,
                    commitment=e.commitment,
                    submitted_at=e.submitted_at,
                    revealed=e.revealed,
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
                    status=p.status,
                    worker=p.worker,
                    expires_at=p.expires_at,
                    deliverable_hash=p.deliverable_hash,
                    review_ends_at=p.review_ends_at,
                )
                for p in queries.task_places(db, task_id)
            ],
        )

    @app.get("/stats", response_model=schemas.Statistics, tags=["statistics"])
    def statistics(db: Db) -> schemas.Statistics:
        s = queries.statistics(db)
        tokens = [
            schemas.TokenStats(
                token=t.token,
                pledged=str(t.pledged),
                unpledged=str(t.unpledged),
                refunded=str(t.refunded),
                claimed=str(t.claimed),
                fees=str(t.fees),
            )
            for t in s["tokens"]
        ]
        return schemas.Statistics(**{**s, "tokens": tokens})

    app.include_router(pages.router(Db))
    app.include_router(audit.router(Db))
    return app


# ---------------------------------------------------------------------- rows to responses


def _reputation(db: Session, who: str) -> schemas.Reputation:
    at, period = queries.now(db), queries.half_life(db)
    scores = [
        schemas.RoleScore(
            role=Role(s.role).name.lower(),
            score=str(fade(s.value, at - s.updated_at, period)),
            stored=str(s.value),
            updated_at=s.updated_at,
            changes=s.changes,
        )
        for s in queries.account_scores(db, who)
    ]
    ratings = [
        schemas.RatingOut(
            source=r.source,
            ref=str(r.ref),
            rater=r.rater,
            stars=r.stars,
            weight_bps=r.weight_bps,
            timestamp=r.timestamp,
        )
        for r in queries.ratings_received(db, who)
    ]
    found = queries.attestation(db, who)
    attestation = None
    if found is not None:
        a, registered = found
        valid = registered and not a.revoked and a.expires_at > at
        attestation = schemas.AttestationOut(
            attester=a.attester, level=a.level, expires_at=a.expires_at, revoked=a.revoked, valid=valid
        )
    return schemas.Reputation(scores=scores, ratings_received=ratings, attestation=attestation)


def _task(t: Any) -> schemas.TaskOut:
    return schemas.TaskOut(
        id=t.id,
        kind=t.kind,
        status=t.status,
        requester=t.requester,
        token=t.token,
        reward=str(t.reward),
        paid=str(t.paid),
        reclaimed=str(t.reclaimed),
        deadline=t.deadline,
        review_period=t.review_period,
        fee_bps=t.fee_bps,
        co_reviewer=t.co_reviewer,
        pay=str(t.pay),
        places=t.places,
        places_approved=t.places_approved,
        access_rules=t.access_rules,
        entry_count=t.entry_count,
        revealed_count=t.revealed_count,
        metadata_uri=t.metadata_uri,
        posted_at=t.posted_at,
    )


def _explained(line: Line) -> schemas.ExplainedLine:
    e = line.event
    if e is None:
        return schemas.ExplainedLine(
            contribution=str(line.contribution),
            points=None,
            reason="rounding",
            module=None,
            ref=None,
            block_number=None,
            log_index=None,
            timestamp=None,
        )
    return schemas.ExplainedLine(
        contribution=str(line.contribution),
        points=str(e.points),
        reason=e.reason.rstrip(b"\0").decode(errors="replace"),
        module=e.module,
        ref=str(e.ref),
        block_number=e.block_number,
        log_index=e.log_index,
        timestamp=e.timestamp,
    )


class PageCache:
    """Response bodies kept for a short time, by query string: under load most requests ask for the same
    first pages, and a page as old as the index's own polling interval is as fresh as the index."""

    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds = seconds
        self.size = size
        self._pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        hit = self._pages.get(key)
        if hit is None or time.monotonic() - hit[0] > self.seconds:
            return None
        return hit[1]

    def put(self, key: str, body: bytes) -> None:
        if self.seconds <= 0:
            return
        self._pages[key] = (time.monotonic(), body)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)


def _lower(address: str | None) -> str | None:
    return address.lower() if address is not None else None


def _status(db: Session) -> schemas.IndexStatus | None:
    s = queries.sync_state(db)
    if (
        s is None or s.indexed_timestamp == 0
    ):  # the cursor exists from the start; nothing is indexed until then
        return None
    return schemas.IndexStatus(
        chain_id=s.chain_id,
        indexed_block=s.next_block - 1,
        chain_head=s.chain_head,
        blocks_behind=max(0, s.chain_head - (s.next_block - 1)),
        chain_time=s.indexed_timestamp,
        seconds_since_update=round(time.time() - s.updated_at, 3),
    )


def _summary(row: Any) -> schemas.CampaignSummary:
    c = row.Campaign
    return schemas.CampaignSummary.model_construct(
        id=c.id,
        state=row.state,
        creator=c.creator,
        token=c.token,
        goal=str(c.goal),
        raised=str(c.raised),
        released=str(c.released),
        percent_funded=c.funded_bps / 100,
        backer_count=c.backer_count,
        starts_at=c.starts_at,
        deadline=c.deadline,
        fee_bps=c.fee_bps,
        launched_at=c.launched_at,
        metadata=schemas.Metadata.model_construct(
            uri=c.metadata_uri,
            hash=c.metadata_hash,
            status=c.metadata_status,
            title=c.title,
            description=c.description,
            image=c.image,
        ),
    )


def _tier(t: Any) -> schemas.TierOut:
    left = t.supply - t.taken if t.supply else None
    return schemas.TierOut(tier_id=t.tier_id, price=str(t.price), supply=t.supply, taken=t.taken, left=left)


def _pledge(p: Any) -> schemas.PledgeOut:
    return schemas.PledgeOut(
        campaign_id=p.campaign_id,
        backer=p.backer,
        amount=str(p.amount),
        tier_id=p.tier_id,
        refunded=str(p.refunded),
    )


def _milestones(c: Any, state: str, votes: Any) -> list[schemas.MilestoneOut]:
    votes_by_milestone = {v.milestone: v for v in votes}
    out = []
    for index, bps in enumerate(c.milestone_bps or [10_000]):
        v = votes_by_milestone.get(index)
        if index == 0:
            status = "released-on-success" if state in ("Succeeded", "Rejected") else "pending"
        elif v is None:
            status = "pending"
        elif not v.closed:
            status = "voting"
        else:
            status = "approved" if v.approved else "rejected"
        out.append(
            schemas.MilestoneOut(
                milestone=index,
                bps=bps,
                status=status,
                vote_ends_at=v.ends_at if v else None,
                approve_weight=str(v.approve_weight) if v else None,
                reject_weight=str(v.reject_weight) if v else None,
            )
        )
    return out
