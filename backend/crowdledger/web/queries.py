"""The few queries the pages need that the JSON API does not have (the API's own, in crowdledger.api.queries,
are shared, not copied)."""

from collections.abc import Sequence

from sqlalchemy import func, literal, select, true
from sqlalchemy.orm import Session

from crowdledger.store.models import (
    Attester,
    Campaign,
    Entry,
    Pledge,
    Rating,
    RawEvent,
    ReputationScore,
    Task,
)
from crowdledger.store.types import Uint256

HISTORY_LIMIT = 5_000  # pledge events a chart reads at most


def recent_pledges(db: Session, campaign_id: int, limit: int = 10) -> Sequence[Pledge]:
    """Backers of a campaign, newest first by their first pledge."""
    query = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign_id)
        .order_by(Pledge.first_block.desc(), Pledge.backer)
        .limit(limit)
    )
    return db.execute(query).scalars().all()


def raised_history(db: Session, campaign_id: int) -> list[tuple[int, int]]:
    """(time, raised) after every pledge and unpledge, oldest first: the events name the new total. They are
    found through the backers' index (anyone who ever pledged keeps a pledge row), not by scanning, and only
    this campaign's count toward the limit: its backers may have many more events in other campaigns.
    (SQL compares the campaign id as a number, exact in SQLite below 2**63; the check below is exact.)"""
    backers = select(Pledge.backer).where(Pledge.campaign_id == campaign_id)
    # SQLite reads larger JSON numbers as floats, and binds no larger int
    in_sql = campaign_id < 2**63 or db.get_bind().dialect.name == "postgresql"
    this_campaign = (
        RawEvent.args["campaignId"].as_numeric(78, 0) == literal(campaign_id, Uint256()) if in_sql else true()
    )
    rows = db.execute(
        select(RawEvent.timestamp, RawEvent.args)
        .where(
            RawEvent.actor.in_(backers),
            RawEvent.contract == "Crowdfund",
            RawEvent.name.in_(("Pledged", "Unpledged")),
            this_campaign,
        )
        .order_by(RawEvent.block_number, RawEvent.log_index)
        .limit(HISTORY_LIMIT)
    ).tuples()
    return [
        (int(timestamp), int(args["raised"]))
        for timestamp, args in rows
        if int(args["campaignId"]) == campaign_id
    ]


def largest_pledge(db: Session, campaign_id: int) -> int:
    return int(
        db.execute(select(func.max(Pledge.amount)).where(Pledge.campaign_id == campaign_id)).scalar() or 0
    )


def other_campaigns(db: Session, creator: str, campaign_id: int) -> int:
    query = select(func.count()).where(Campaign.creator == creator, Campaign.id != campaign_id)
    return int(db.execute(query).scalar_one())


def has_score(db: Session, account: str, role: int) -> bool:
    query = select(ReputationScore.changes).where(
        ReputationScore.account == account, ReputationScore.role == role
    )
    return bool(db.execute(query).scalar())


def ratings_given(db: Session, address: str) -> Sequence[Rating]:
    query = select(Rating).where(Rating.rater == address).order_by(Rating.timestamp.desc()).limit(100)
    return db.execute(query).scalars().all()


def worker_entries(db: Session, address: str) -> Sequence[tuple[Entry, Task]]:
    """The tasks an account worked on, with its record in each, newest task first."""
    query = (
        select(Entry, Task)
        .join(Task, Task.id == Entry.task_id)
        .where(Entry.worker == address)
        .order_by(Task.id.desc())
        .limit(100)
    )
    return [(entry, task) for entry, task in db.execute(query).tuples().all()]


def campaign_tokens(db: Session, campaign_ids: list[int]) -> dict[int, str]:
    query = select(Campaign.id, Campaign.token).where(Campaign.id.in_(campaign_ids))
    return {campaign_id: token for campaign_id, token in db.execute(query).tuples().all()}


def registered_attesters(db: Session) -> list[str]:
    """The accounts that may attest identities now (registered by the ledger's owner)."""
    return list(db.scalars(select(Attester.address).where(Attester.registered).order_by(Attester.address)))
