"""Rows from the query functions turned into response models: one place, shared by the JSON routes and the
pages."""

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import pydantic_core
from sqlalchemy.orm import Session

from crowdledger.api import queries, schemas
from crowdledger.indexer.health import Health
from crowdledger.indexer.reputation import half_life_periods
from crowdledger.reputation import Line, Role, Score, shown_score
from crowdledger.store.models import MAX_DESCRIPTION, MAX_IMAGE, MAX_TITLE, AwardProposal


def reputation_out(db: Session, who: str) -> schemas.Reputation:
    at, periods = queries.now(db), half_life_periods(db)
    scores = [
        schemas.RoleScore(
            role=Role(s.role).name.lower(),
            score=str(shown_score(Score(s.value, s.updated_at), at, periods)),
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
            value_factor=str(r.value_factor),
            pair_deals=r.pair_deals,
            points=None if r.points is None else str(r.points),
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


def task_out(t: Any) -> schemas.TaskOut:
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


def place_status(status: str, deadline: int, now: int) -> str:
    """A micro-task place's status as served: from the deadline on, a place open or taken without submitted
    work is "closed" (the contract takes no place and no work any more, and its pay is the requester's to
    reclaim; the contract counts such places, it marks none)."""
    return "closed" if now >= deadline and status in ("open", "taken") else status


def award_proposal_out(p: AwardProposal | None) -> schemas.AwardProposalOut | None:
    if p is None:
        return None
    return schemas.AwardProposalOut(
        winners=p.winners,
        shares_bps=p.shares_bps,
        proposer=p.proposer,
        proposed_at=p.proposed_at,
        stands_at=p.stands_at,
        objected=p.objected,
    )


def explained_line(line: Line) -> schemas.ExplainedLine:
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


def index_status(health: Health) -> schemas.IndexStatus:
    fields = {f.name: getattr(health, f.name) for f in dataclasses.fields(health)}
    return schemas.IndexStatus(**fields, ready=health.ready)


def campaign_summary(row: Any) -> schemas.CampaignSummary:
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
            title=_cut(c.title, MAX_TITLE),
            description=_cut(c.description, MAX_DESCRIPTION),
            image=_cut(c.image, MAX_IMAGE),
        ),
    )


def _cut(text: str | None, limit: int) -> str | None:
    return text[:limit] if text is not None else None


def campaign_page_json(rows: Sequence[Any], next_cursor: str | None, chain_time: int) -> bytes:
    """A listing page (rows of queries.SUMMARY_FIELDS, from queries.campaign_summaries) as the JSON of
    schemas.CampaignPage, written directly: a pydantic model per campaign cost more than the query, and so did
    reading rows by column name. Tests check each item equals the campaign's detail."""
    items = [
        {
            "id": campaign_id,
            "state": state,
            "creator": creator,
            "token": token,
            "goal": str(goal),
            "raised": str(raised),
            "released": str(released),
            "percent_funded": funded_bps / 100,
            "backer_count": backer_count,
            "starts_at": starts_at,
            "deadline": deadline,
            "fee_bps": fee_bps,
            "launched_at": launched_at,
            "metadata": {
                "uri": uri,
                "hash": digest,
                "status": status,
                "title": title,
                "description": description,
                "image": image,
            },
        }
        for (
            campaign_id,
            state,
            creator,
            token,
            goal,
            raised,
            released,
            funded_bps,
            backer_count,
            starts_at,
            deadline,
            fee_bps,
            launched_at,
            uri,
            digest,
            status,
            title,
            description,
            image,
            *_,
        ) in rows
    ]
    page = {"items": items, "next_cursor": next_cursor, "chain_time": chain_time}
    try:
        return pydantic_core.to_json(page)
    except pydantic_core.PydanticSerializationError:  # a lone surrogate: only the escaping encoder takes it
        return json.dumps(page, separators=(",", ":")).encode()


def tier_out(t: Any) -> schemas.TierOut:
    left = t.supply - t.taken if t.supply else None
    return schemas.TierOut(tier_id=t.tier_id, price=str(t.price), supply=t.supply, taken=t.taken, left=left)


def pledge_out(p: Any) -> schemas.PledgeOut:
    return schemas.PledgeOut(
        campaign_id=p.campaign_id,
        backer=p.backer,
        amount=str(p.amount),
        tier_id=p.tier_id,
        refunded=str(p.refunded),
        delivery=p.delivery,
    )


def milestones_out(c: Any, state: str, votes: Any) -> list[schemas.MilestoneOut]:
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
