"""Campaigns: the filtered, sorted listing, one campaign, and its pledges."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from crowdledger.api import queries, schemas
from crowdledger.api.convert import campaign_page_json, campaign_summary, milestones_out, pledge_out, tier_out
from crowdledger.api.deps import ADDRESS, CampaignId, Db, Limit, lower
from crowdledger.api.queries import CampaignFilter, CampaignSort, CampaignState

router = APIRouter(tags=["campaigns"])


@router.get("/campaigns", response_model=schemas.CampaignPage)
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
    where = CampaignFilter(state, lower(creator), lower(token), q)
    after = queries.decode_cursor(cursor, sort) if cursor is not None else None
    # The cache key is what the query depends on, after validation: no spelling of the request makes a miss.
    key = (where, sort, limit, after)
    reader = request.app.state.reader

    async def page() -> bytes:
        rows, next_cursor, at = await queries.campaign_summaries(reader, where, sort, limit, after)
        return campaign_page_json(rows, next_cursor, at)

    return Response(await request.app.state.page_cache.page(key, page), media_type="application/json")


@router.get("/campaigns/{campaign_id}", response_model=schemas.CampaignDetail)
def campaign(db: Db, campaign_id: CampaignId) -> schemas.CampaignDetail:
    row = queries.campaign(db, campaign_id)
    if row is None:
        raise HTTPException(404, f"no campaign {campaign_id}")
    c = row.Campaign
    return schemas.CampaignDetail(
        **campaign_summary(row).model_dump(),
        quorum_bps=c.quorum_bps,
        vote_mode=c.vote_mode,
        min_attestation_level=c.min_attestation_level,
        delivery_date=c.delivery_date,
        milestones_approved=c.milestones_approved,
        refund_pool=str(c.refund_pool),
        failure_recorded=c.failure_recorded,
        tiers=[tier_out(t) for t in queries.tiers(db, campaign_id)],
        milestones=milestones_out(c, row.state, queries.milestone_votes(db, campaign_id)),
    )


@router.get("/campaigns/{campaign_id}/pledges", response_model=schemas.PledgePage)
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
    items = [pledge_out(p) for p in queries.pledges(db, campaign_id, limit, lower(after))]
    return schemas.PledgePage(items=items, next_after=items[-1].backer if len(items) == limit else None)
