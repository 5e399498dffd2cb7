"""Every SQL query the API runs; routes call these and nothing else touches the database."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from crowdledger.reputation import (
    DEFAULT_HALF_LIFE,
    HalfLifeChanged,
    HalfLifePeriod,
    ReputationEvent,
    Role,
    Score,
    ScoreChanged,
    score_at,
)
from crowdledger.store.models import (
    Attestation,
    Attester,
    Campaign,
    Entry,
    MilestoneVote,
    Place,
    Pledge,
    Rating,
    RawEvent,
    ReputationScore,
    SyncState,
    Task,
    Tier,
    TokenTotal,
)


class CampaignState(StrEnum):
    Upcoming = "Upcoming"
    Funding = "Funding"
    Succeeded = "Succeeded"
    Failed = "Failed"
    Cancelled = "Cancelled"
    Rejected = "Rejected"


class CampaignSort(StrEnum):
    newest = "newest"
    ending_soon = "ending_soon"  # campaigns not yet ended, soonest deadline first
    most_funded = "most_funded"
    most_backers = "most_backers"
    percent_funded = "percent_funded"


class BadCursor(ValueError):
    pass


# Each sort is a keyset: (column, descending?); ties are broken by the primary key in the same direction, so a
# cursor (last value, last id) marks a place that rows arriving later cannot shift.
_SORTS: dict[CampaignSort, tuple[Any, bool]] = {
    CampaignSort.newest: (Campaign.id, True),
    CampaignSort.ending_soon: (Campaign.deadline, False),
    CampaignSort.most_funded: (Campaign.raised, True),
    CampaignSort.most_backers: (Campaign.backer_count, True),
    CampaignSort.percent_funded: (Campaign.funded_bps, True),
}


def encode_cursor(sort: CampaignSort, value: Any, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort.value, value, row_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: CampaignSort) -> tuple[int, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor("cursor is not one this API issued; start again without it") from None
    if name != sort.value:
        raise BadCursor(f"cursor belongs to sort={name}, not sort={sort.value}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (value, row_id)):
        raise BadCursor("cursor is not one this API issued; start again without it")
    value_limit = (
        2**256 if sort is CampaignSort.most_funded else 2**63
    )  # raised is a uint256; the rest BIGINT
    if not (0 <= value < value_limit and 0 < row_id < 2**63):
        raise BadCursor("cursor is not one this API issued; start again without it")
    return value, row_id


def now(conn: Session) -> int:
    """The index's clock: the time of the newest indexed block (the chain's time, not the server's)."""
    return conn.execute(select(SyncState.indexed_timestamp)).scalar() or 0


def clock() -> ColumnElement[int]:
    """The index's clock as a subquery, so that a listing needs one round trip to the database, not two."""
    return select(func.coalesce(func.max(SyncState.indexed_timestamp), 0)).scalar_subquery()


def state_of(at: int | ColumnElement[int]) -> ColumnElement[str]:
    """The campaign state as the contract derives it, at chain time `at`."""
    return case(
        (Campaign.cancelled, "Cancelled"),
        (Campaign.rejected, "Rejected"),
        (Campaign.starts_at > at, "Upcoming"),
        (Campaign.deadline > at, "Funding"),
        (Campaign.raised >= Campaign.goal, "Succeeded"),
        else_="Failed",
    )


def _state_filter(state: CampaignState, at: int | ColumnElement[int]) -> ColumnElement[bool]:
    live = and_(Campaign.cancelled.is_(False), Campaign.rejected.is_(False))
    return {
        CampaignState.Cancelled: Campaign.cancelled.is_(True),
        CampaignState.Rejected: and_(Campaign.cancelled.is_(False), Campaign.rejected.is_(True)),
        CampaignState.Upcoming: and_(live, Campaign.starts_at > at),
        CampaignState.Funding: and_(live, Campaign.starts_at <= at, Campaign.deadline > at),
        CampaignState.Succeeded: and_(live, Campaign.deadline <= at, Campaign.raised >= Campaign.goal),
        CampaignState.Failed: and_(live, Campaign.deadline <= at, Campaign.raised < Campaign.goal),
    }[state]


@dataclass(frozen=True)
class CampaignFilter:
    state: CampaignState | None = None
    creator: str | None = None
    token: str | None = None
    text: str | None = None


def list_campaigns(
    conn: Session, where: CampaignFilter, sort: CampaignSort, limit: int, cursor: str | None
) -> tuple[Sequence[Any], str | None, int]:
    """A page of campaigns, the cursor of the next page (None at the end), and the chain time used."""
    at = clock()
    column, descending = _SORTS[sort]
    query = select(Campaign, state_of(at).label("state"), at.label("chain_time"))
    if where.state is not None:
        query = query.where(_state_filter(where.state, at))
    if where.creator is not None:
        query = query.where(Campaign.creator == where.creator)
    if where.token is not None:
        query = query.where(Campaign.token == where.token)
    if where.text:
        pattern = "%" + where.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(Campaign.title.ilike(pattern, escape="\\"), Campaign.description.ilike(pattern, escape="\\"))
        )
    if sort is CampaignSort.ending_soon:
        query = query.where(Campaign.deadline > at)
    if cursor is not None:
        value, row_id = decode_cursor(cursor, sort)
        if descending:
            query = query.where(or_(column < value, and_(column == value, Campaign.id < row_id)))
        else:
            query = query.where(or_(column > value, and_(column == value, Campaign.id > row_id)))
    order = (column.desc(), Campaign.id.desc()) if descending else (column.asc(), Campaign.id.asc())
    rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
    chain_time = rows[0].chain_time if rows else now(conn)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1].Campaign
        next_cursor = encode_cursor(sort, getattr(last, column.key), last.id)
    return rows, next_cursor, chain_time


def campaign(conn: Session, campaign_id: int) -> Any | None:
    at = now(conn)
    return conn.execute(
        select(Campaign, state_of(at).label("state")).where(Campaign.id == campaign_id)
    ).first()


def tiers(conn: Session, campaign_id: int) -> Sequence[Any]:
    return (
        conn.execute(select(Tier).where(Tier.campaign_id == campaign_id).order_by(Tier.tier_id))
        .scalars()
        .all()
    )


def milestone_votes(conn: Session, campaign_id: int) -> Sequence[Any]:
    query = (
        select(MilestoneVote)
        .where(MilestoneVote.campaign_id == campaign_id)
        .order_by(MilestoneVote.milestone)
    )
    return conn.execute(query).scalars().all()


def pledges(conn: Session, campaign_id: int, limit: int, after: str | None) -> Sequence[Any]:
    """A campaign's backers in address order, after the backer `after`."""
    query = select(Pledge).where(Pledge.campaign_id == campaign_id)
    if after is not None:
        query = query.where(Pledge.backer > after)
    return conn.execute(query.order_by(Pledge.backer).limit(limit)).scalars().all()


def account_campaigns(conn: Session, address: str) -> Sequence[Any]:
    at = now(conn)
    query = select(Campaign, state_of(at).label("state")).where(Campaign.creator == address)
    return conn.execute(query.order_by(Campaign.id.desc()).limit(100)).all()


def account_pledges(conn: Session, address: str) -> Sequence[Any]:
    query = select(Pledge).where(Pledge.backer == address).order_by(Pledge.campaign_id.desc()).limit(100)
    return conn.execute(query).scalars().all()


def history(conn: Session, address: str, limit: int, before: tuple[int, int] | None) -> Sequence[Any]:
    """The events in which `address` acted, newest first, before the (block, log index) `before`."""
    query = select(RawEvent).where(RawEvent.actor == address)
    if before is not None:
        query = query.where(
            or_(
                RawEvent.block_number < before[0],
                and_(RawEvent.block_number == before[0], RawEvent.log_index < before[1]),
            )
        )
    order = (RawEvent.block_number.desc(), RawEvent.log_index.desc())
    return conn.execute(query.order_by(*order).limit(limit)).scalars().all()


def statistics(conn: Session) -> dict[str, Any]:
    at = now(conn)
    state = state_of(at).label("state")  # one expression, grouped by its label: PostgreSQL needs them equal
    by_state = dict(conn.execute(select(state, func.count()).group_by(state)).tuples().all())
    return {
        "campaigns": sum(by_state.values()),
        "campaigns_by_state": {state.value: by_state.get(state.value, 0) for state in CampaignState},
        "backers": conn.execute(select(func.count(distinct(Pledge.backer)))).scalar_one(),
        "pledges": conn.execute(select(func.count()).select_from(Pledge)).scalar_one(),
        "tokens": conn.execute(select(TokenTotal).order_by(TokenTotal.token)).scalars().all(),
        "events": conn.execute(select(func.count()).select_from(RawEvent)).scalar_one(),
    }


def sync_state(conn: Session) -> SyncState | None:
    return conn.execute(select(SyncState)).scalars().first()


# ----------------------------------------------------------------------------- reputation


def half_life_periods(conn: Session) -> list[HalfLifePeriod]:
    """Every half-life period the ledger began, oldest first (at most 16, the contract's bound); the
    constructor's default from time 0 until an event says."""
    rows = conn.execute(
        select(RawEvent.timestamp, RawEvent.args)
        .where(RawEvent.contract == "Reputation", RawEvent.name == "HalfLifeChanged")
        .order_by(RawEvent.block_number, RawEvent.log_index)
    ).all()
    periods = [HalfLifePeriod(row.timestamp, int(row.args["newHalfLife"])) for row in rows]
    return periods or [HalfLifePeriod(0, DEFAULT_HALF_LIFE)]


def half_life(conn: Session) -> int:
    """The half-life in force at the index's head."""
    return half_life_periods(conn)[-1].half_life


def account_scores(conn: Session, address: str) -> Sequence[ReputationScore]:
    query = select(ReputationScore).where(ReputationScore.account == address).order_by(ReputationScore.role)
    return conn.execute(query).scalars().all()


def leaderboard(conn: Session, role: Role, limit: int) -> list[tuple[str, int]]:
    """The accounts with the highest scores in `role`, faded to the index's time. Scores fade from different
    moments, so the order is computed on the faded values, not on the stored ones."""
    at, periods = now(conn), half_life_periods(conn)
    rows = conn.execute(
        select(ReputationScore.account, ReputationScore.value, ReputationScore.updated_at).where(
            ReputationScore.role == int(role)
        )
    ).all()
    faded = [
        (account, score_at(Score(value, updated_at), at, periods)) for account, value, updated_at in rows
    ]
    faded.sort(key=lambda entry: (-entry[1], entry[0]))
    return faded[:limit]


def ratings_received(conn: Session, address: str) -> Sequence[Rating]:
    query = select(Rating).where(Rating.subject == address).order_by(Rating.timestamp.desc()).limit(100)
    return conn.execute(query).scalars().all()


def attestation(conn: Session, address: str) -> tuple[Attestation, bool] | None:
    """The account's attestation and whether its attester is still registered."""
    row = conn.execute(
        select(Attestation, Attester.registered)
        .outerjoin(Attester, Attester.address == Attestation.attester)
        .where(Attestation.account == address)
    ).first()
    return (row[0], bool(row[1])) if row else None


def reputation_events(conn: Session, address: str) -> list[ReputationEvent]:
    """The account's ScoreChanged events and every HalfLifeChanged, as crowdledger.reputation records."""
    rows = conn.execute(
        select(RawEvent)
        .where(
            RawEvent.contract == "Reputation",
            or_(
                RawEvent.name == "HalfLifeChanged",
                and_(RawEvent.name == "ScoreChanged", RawEvent.actor == address),
            ),
        )
        .order_by(RawEvent.block_number, RawEvent.log_index)
    ).scalars()
    events: list[ReputationEvent] = []
    for r in rows:
        a = r.args
        if r.name == "HalfLifeChanged":
            events.append(
                HalfLifeChanged(r.block_number, r.log_index, r.timestamp, a["oldHalfLife"], a["newHalfLife"])
            )
        else:
            events.append(
                ScoreChanged(
                    r.block_number,
                    r.log_index,
                    r.timestamp,
                    a["subject"],
                    Role(a["role"]),
                    a["points"],
                    a["newScore"],
                    bytes.fromhex(a["reason"][2:]),
                    a["module"],
                    a["ref"],
                )
            )
    return events


# ----------------------------------------------------------------------------- crowdsourcing


class TaskKind(StrEnum):
    contest = "contest"
    micro_task = "micro-task"


def list_tasks(
    conn: Session, kind: TaskKind | None, requester: str | None, limit: int, before: int | None
) -> Sequence[Task]:
    """Tasks, newest first, with ids below `before` (the last id of the previous page)."""
    query = select(Task)
    if kind is not None:
        query = query.where(Task.kind == kind.value)
    if requester is not None:
        query = query.where(Task.requester == requester)
    if before is not None:
        query = query.where(Task.id < before)
    return conn.execute(query.order_by(Task.id.desc()).limit(limit)).scalars().all()


def task(conn: Session, task_id: int) -> Task | None:
    return conn.get(Task, task_id)


def task_entries(conn: Session, task_id: int) -> Sequence[Entry]:
    query = (
        select(Entry).where(Entry.task_id == task_id).order_by(Entry.submitted_at, Entry.worker).limit(500)
    )
    return conn.execute(query).scalars().all()


def task_places(conn: Session, task_id: int) -> Sequence[Place]:
    query = select(Place).where(Place.task_id == task_id).order_by(Place.place_index).limit(500)
    return conn.execute(query).scalars().all()
