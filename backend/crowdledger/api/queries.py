"""Every SQL query the API runs; routes call these and nothing else touches the database."""

import base64
import binascii
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    distinct,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from crowdledger.api.reader import Reader
from crowdledger.indexer.reputation import half_life_periods
from crowdledger.ranking import upper_bound
from crowdledger.reputation import (
    ROLES,
    HalfLifeChanged,
    ReputationEvent,
    Role,
    Score,
    ScoreChanged,
    shown_score,
)
from crowdledger.store.models import (
    MAX_DESCRIPTION,
    MAX_IMAGE,
    MAX_TITLE,
    Attestation,
    Attester,
    AwardProposal,
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


Cursor = tuple[int, int]  # (the sort column's value, the id) of the last row of the previous page


# Each sort is a keyset: (column, descending?); ties are broken by the primary key in the same direction, so a
# cursor (last value, last id) marks a place that rows arriving later cannot shift.
_SORTS: dict[CampaignSort, tuple[Any, bool]] = {
    CampaignSort.newest: (Campaign.id, True),
    CampaignSort.ending_soon: (Campaign.deadline, False),
    CampaignSort.most_funded: (Campaign.raised, True),
    CampaignSort.most_backers: (Campaign.backer_count, True),
    CampaignSort.percent_funded: (Campaign.funded_bps, True),
}
# Past the largest value each sort's column can hold, a cursor was not issued here: ids as MAX_ID, uint40
# deadlines, counts; raised and funded_bps are uint256 (a goal of 1 wei funded with 0.001 ETH is 10**19 bps).
_CURSOR_VALUE_LIMITS = {
    CampaignSort.newest: 2**63,
    CampaignSort.ending_soon: 2**63,
    CampaignSort.most_funded: 2**256,
    CampaignSort.most_backers: 2**63,
    CampaignSort.percent_funded: 2**256,
}


def encode_cursor(sort: CampaignSort, value: Any, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort.value, value, row_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: CampaignSort) -> Cursor:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor("cursor is not one this API issued; start again without it") from None
    if name != sort.value:
        raise BadCursor(f"cursor belongs to sort={name}, not sort={sort.value}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (value, row_id)):
        raise BadCursor("cursor is not one this API issued; start again without it")
    if not (0 <= value < _CURSOR_VALUE_LIMITS[sort] and 0 < row_id < 2**63):
        raise BadCursor("cursor is not one this API issued; start again without it")
    return value, row_id


def now(conn: Session | Connection) -> int:
    """The index's clock: the time of the newest indexed block (the chain's time, not the server's)."""
    return conn.execute(select(SyncState.indexed_timestamp)).scalar() or 0


def clock() -> ColumnElement[int]:
    """The index's clock as a subquery, so that a listing needs one round trip to the database, not two."""
    return select(func.coalesce(func.max(SyncState.indexed_timestamp), 0)).scalar_subquery()


_CLOCK = select(clock())  # the clock on its own, for an empty page


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
    """A page of campaigns as whole rows (row.Campaign, row.state), the cursor of the next page (None at the
    end), and the chain time used."""
    after = decode_cursor(cursor, sort) if cursor is not None else None
    query = _listing(_Shape.of(where, sort, after), summaries=False)
    rows = conn.execute(query, _listing_values(where, limit, after)).all()
    chain_time = rows[0].chain_time if rows else now(conn)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1].Campaign
        next_cursor = encode_cursor(sort, getattr(last, _SORTS[sort][0].key), last.id)
    return rows, next_cursor, chain_time


async def campaign_summaries(
    reader: Reader, where: CampaignFilter, sort: CampaignSort, limit: int, after: Cursor | None
) -> tuple[Sequence[Sequence[Any]], str | None, int]:
    """The same page as list_campaigns, as plain rows of SUMMARY_FIELDS (metadata cut to its bounds): the
    listing endpoint's hot path, read through `reader` without building ORM objects."""
    query = _listing(_Shape.of(where, sort, after), summaries=True)
    rows = await reader.rows(query, _listing_values(where, limit, after))
    chain_time = rows[0][_CHAIN_TIME] if rows else (await reader.rows(_CLOCK, {}))[0][0]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(sort, rows[-1][_SORT_VALUE], rows[-1][0])
    return rows, next_cursor, chain_time


@dataclass(frozen=True)
class _Shape:
    """What a listing statement's SQL depends on; the values go in as bound parameters (_listing_values)."""

    state: CampaignState | None
    creator: bool
    token: bool
    text: bool
    sort: CampaignSort
    after: bool

    @classmethod
    def of(cls, where: CampaignFilter, sort: CampaignSort, after: Cursor | None) -> "_Shape":
        return cls(
            where.state,
            where.creator is not None,
            where.token is not None,
            bool(where.text),
            sort,
            after is not None,
        )


def _listing_values(where: CampaignFilter, limit: int, after: Cursor | None) -> dict[str, Any]:
    values: dict[str, Any] = {"creator": where.creator, "token": where.token, "rows": limit + 1}
    if where.text:
        escaped = where.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{escaped}%"
    if after is not None:
        values["after_value"], values["after_id"] = after
    return values


@functools.lru_cache(maxsize=512)
def _listing(shape: _Shape, summaries: bool) -> Select[Any]:
    """The listing statement for `shape`, built once: building a statement and its cache key cost more than
    running it. Filtered, then ordered by the sort's keyset from just after the cursor's (value, id)."""
    at = clock()
    column, descending = _SORTS[shape.sort]
    query: Select[Any] = (
        select(*_summary_columns(at), column.label("sort_value"))
        if summaries
        else select(Campaign, state_of(at).label("state"), at.label("chain_time"))
    )
    if shape.state is not None:
        query = query.where(_state_filter(shape.state, at))
    if shape.creator:
        query = query.where(Campaign.creator == bindparam("creator"))
    if shape.token:
        query = query.where(Campaign.token == bindparam("token"))
    if shape.text:
        pattern = bindparam("pattern", type_=Text)
        query = query.where(
            or_(Campaign.title.ilike(pattern, escape="\\"), Campaign.description.ilike(pattern, escape="\\"))
        )
    if shape.sort is CampaignSort.ending_soon:
        query = query.where(Campaign.deadline > at)
    if shape.after:
        # A row comparison, not "column < value OR (column = value AND id < row_id)": PostgreSQL starts an
        # index scan on (column, id) at a row value, but runs an OR as a filter from the top of the index.
        value, row_id = bindparam("after_value", type_=column.type), bindparam("after_id", type_=BigInteger)
        keyset, cursor = tuple_(column, Campaign.id), tuple_(value, row_id)
        query = query.where(keyset < cursor if descending else keyset > cursor)
    order = (column.desc(), Campaign.id.desc()) if descending else (column.asc(), Campaign.id.asc())
    return query.order_by(*order).limit(bindparam("rows", type_=Integer))


# The columns of campaign_summaries' rows, in order (crowdledger.api.convert.campaign_page_json reads so).
SUMMARY_FIELDS = (
    "id",
    "state",
    "creator",
    "token",
    "goal",
    "raised",
    "released",
    "funded_bps",
    "backer_count",
    "starts_at",
    "deadline",
    "fee_bps",
    "launched_at",
    "metadata_uri",
    "metadata_hash",
    "metadata_status",
    "title",
    "description",
    "image",
    "chain_time",
    "sort_value",
)
_CHAIN_TIME, _SORT_VALUE = SUMMARY_FIELDS.index("chain_time"), SUMMARY_FIELDS.index("sort_value")


def _summary_columns(at: ColumnElement[int]) -> list[Any]:
    c = Campaign
    return [
        c.id,
        state_of(at).label("state"),
        c.creator,
        c.token,
        c.goal,
        c.raised,
        c.released,
        c.funded_bps,
        c.backer_count,
        c.starts_at,
        c.deadline,
        c.fee_bps,
        c.launched_at,
        c.metadata_uri,
        c.metadata_hash,
        c.metadata_status,
        func.substr(c.title, 1, MAX_TITLE).label("title"),
        func.substr(c.description, 1, MAX_DESCRIPTION).label("description"),
        func.substr(c.image, 1, MAX_IMAGE).label("image"),
        at.label("chain_time"),
    ]


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


def half_life(conn: Session | Connection) -> int:
    """The half-life in force at the index's head."""
    return half_life_periods(conn)[-1].half_life


def account_scores(conn: Session, address: str) -> Sequence[ReputationScore]:
    query = select(ReputationScore).where(ReputationScore.account == address).order_by(ReputationScore.role)
    return conn.execute(query).scalars().all()


@dataclass(frozen=True)
class Leaderboard:
    entries: list[tuple[str, int]]  # (account, score faded to chain_time), highest first, ties by address
    chain_time: int
    half_life: int  # in force at chain_time


def leaderboard(conn: Session | Connection, role: Role, limit: int) -> Leaderboard:
    """The accounts with the highest scores in `role`, faded exactly to the index's time. Rows are read in
    rank_key order, which is the faded order up to crowdledger.ranking's FADE_BOUND; reading stops once no
    unread row can reach the page (usually after one short read). The first read also brings the clock, so
    a page is faded to the moment its rows were read at."""
    s = ReputationScore
    query = (
        select(s.account, s.value, s.updated_at, s.rank_key)
        .where(s.role == int(role))
        .order_by(s.rank_key.desc(), s.account.desc())
    )
    first = query.add_columns(clock().label("at"))
    periods = half_life_periods(conn)
    entries: list[tuple[str, int]] = []
    batch, after = limit + 16, None
    while True:
        if after is None:
            rows = conn.execute(first.limit(batch)).all()
            at = rows[0].at if rows else now(conn)
        else:
            rows = conn.execute(query.where(tuple_(s.rank_key, s.account) < after).limit(batch)).all()
        entries += [
            (r.account, shown_score(Score(r.value, min(r.updated_at, at)), at, periods)) for r in rows
        ]
        entries.sort(key=lambda entry: (-entry[1], entry[0]))
        del entries[limit:]
        if len(rows) < batch:  # every score was read
            return Leaderboard(entries, at, periods[-1].half_life)
        if len(entries) == limit and entries[-1][1] > upper_bound(rows[-1].rank_key, at, periods):
            # nothing unread can reach the page, nor tie with it
            return Leaderboard(entries, at, periods[-1].half_life)
        after, batch = (rows[-1].rank_key, rows[-1].account), batch * 2


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
        elif a["role"] in ROLES:  # one of no real role was skipped by the indexer, and has no line here
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


def award_proposal(conn: Session, task_id: int) -> AwardProposal | None:
    """The contest's award proposal waiting for a decision, or None."""
    return conn.get(AwardProposal, task_id)


def task_entries(conn: Session, task_id: int) -> Sequence[Entry]:
    query = (
        select(Entry).where(Entry.task_id == task_id).order_by(Entry.submitted_at, Entry.worker).limit(500)
    )
    return conn.execute(query).scalars().all()


def pending_places(conn: Session, task_id: int) -> int:
    """A micro-task's places holding work not yet settled (submitted, rejected and held, appealed): the
    contract's `pending`, which a reclaim leaves to their workers."""
    query = select(func.count()).where(
        Place.task_id == task_id, Place.status.in_(("submitted", "rejected", "appealed"))
    )
    return int(conn.execute(query).scalar_one())


AWAITING_DECISION = ("submitted", "rejected", "appealed")  # work a reviewer, an arbiter or the clock decides
FIRST_PLACES = 500  # rows of a micro-task's places listed from the first
MOST_AWAITING = 2_000  # rows of places awaiting a decision listed beyond those
FREE_SEARCH = 2_000  # places the search for free ones reads, at most


def task_places(conn: Session, task_id: int) -> list[Place]:
    """The rows of a micro-task's places (the index keeps one for every place someone took): the first
    FIRST_PLACES, then every place beyond them whose work awaits a decision (MOST_AWAITING at most), which a
    reviewer, an arbiter or the clock may still settle wherever it is; in index order."""
    of_task = select(Place).where(Place.task_id == task_id).order_by(Place.place_index)
    first = list(conn.execute(of_task.limit(FIRST_PLACES)).scalars())
    if len(first) < FIRST_PLACES:
        return first
    beyond = of_task.where(Place.place_index > first[-1].place_index, Place.status.in_(AWAITING_DECISION))
    return first + list(conn.execute(beyond.limit(MOST_AWAITING)).scalars())


def free_places(conn: Session, task_id: int, start: int, places: int, count: int, now: int) -> list[int]:
    """The first `count` places from `start` a worker could take now, among the FREE_SEARCH places from
    there (a page view reads no more): never taken (no row), reopened, or held past their work window."""
    end = min(places, start + FREE_SEARCH)
    query = select(Place.place_index, Place.status, Place.expires_at).where(
        Place.task_id == task_id, Place.place_index >= start, Place.place_index < end
    )
    rows = {index: (status, expires_at) for index, status, expires_at in conn.execute(query)}
    free = []
    for index in range(start, end):
        status, expires_at = rows.get(index, ("open", None))
        if status == "open" or (status == "taken" and expires_at is not None and expires_at <= now):
            free.append(index)
            if len(free) == count:
                break
    return free
