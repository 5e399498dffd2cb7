"""Campaign pages: the listing (the API's filters, sorts, search and paging), a campaign, the launch form."""

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdledger.api import convert, queries
from crowdledger.api.deps import ADDRESS, MAX_ID, Db
from crowdledger.api.queries import BadCursor, CampaignFilter, CampaignSort, CampaignState
from crowdledger.api.schemas import TierOut
from crowdledger.reputation import Role
from crowdledger.web import queries as web_queries
from crowdledger.web.chart import raised_chart
from crowdledger.web.pages import PageNotFound
from crowdledger.web.render import Page, render
from crowdledger.web.risk import CampaignFacts, risks
from crowdledger.web.tokens import ETH

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class TierView:
    row: TierOut
    name: str | None  # from the verified metadata document's tiers[i]
    description: str | None


PAGE_SIZE = 20
REFUNDABLE = ("Failed", "Cancelled", "Rejected")
MILESTONE_GRACE = 180 * 86400  # Crowdfund.MILESTONE_GRACE: from then on a backer may open the next vote


def milestone_flows(c: Any, state: str, milestones: list[Any], now: int, has_ledger: bool) -> set[str]:
    """The milestone and failure forms the contract would take now, by the index's clock. A vote open: the
    backers' votes until it ends, then anyone's closing (which unlocks the tranche or starts the refunds).
    None open and a milestone left in a succeeded campaign: the creator's opening ("open-vote"), and from
    MILESTONE_GRACE after the last unlock any backer's too ("open-vote-backers"), so a silent creator cannot
    hold the rest. A failed campaign whose failure is not recorded: anyone's recording."""
    flows = set()
    voting = next((m for m in milestones if m.status == "voting"), None)
    if voting is not None:
        flows.add("vote" if now < voting.vote_ends_at else "close-vote")
    elif state == "Succeeded" and c.milestones_approved + 1 < len(milestones):
        flows.add("open-vote")
        approved = c.milestones_approved
        last_unlock = c.deadline if approved == 0 else milestones[approved].vote_ends_at
        if now >= last_unlock + MILESTONE_GRACE:
            flows.add("open-vote-backers")
    if state == "Failed" and not c.failure_recorded and has_ledger:
        flows.add("record-failure")
    return flows


def claimable(c: Any, state: str) -> int:
    """What Crowdfund.claim would pay the creator now, before the fee (Crowdfund.claimable): the tranches
    unlocked (the first on success, one more per approved milestone; all of it at the last) less what was
    released; 0 unless the campaign succeeded, or was rejected after unlocking some."""
    if state not in ("Succeeded", "Rejected"):
        return 0
    tranches = c.milestones_approved + 1
    schedule = c.milestone_bps or [10_000]
    unlocked = c.raised if tranches >= len(schedule) else c.raised * sum(schedule[:tranches]) // 10_000
    return int(unlocked - c.released)


def _choice(value: str | None, kind: Any) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def parse_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None


@router.get("/", response_class=HTMLResponse)
def campaign_list(request: Request, db: Db) -> HTMLResponse:
    p = request.query_params
    state = _choice(p.get("state"), CampaignState)
    sort = _choice(p.get("sort"), CampaignSort) or CampaignSort.newest
    creator = p.get("creator", "").strip().lower() or None
    token = p.get("token", "").strip().lower() or None
    text = p.get("q", "").strip()[:200] or None
    bad = [name for name, v in (("creator", creator), ("token", token)) if v and not re.match(ADDRESS, v)]
    if text and not text.isprintable():
        bad.append("q")
    rows: Any = []
    next_cursor = None
    if not bad:
        try:
            where = CampaignFilter(state, creator, token, text)
            rows, next_cursor, _ = queries.list_campaigns(db, where, sort, PAGE_SIZE, p.get("cursor") or None)
        except BadCursor:
            bad.append("cursor")
    return render(
        request,
        "campaigns.html",
        status=400 if bad else 200,
        campaigns=[(convert.campaign_summary(r), r.Campaign.funded_bps) for r in rows],
        next_cursor=next_cursor,
        bad=bad,
        states=list(CampaignState),
        sorts=list(CampaignSort),
        chosen={
            "state": state,
            "sort": sort,
            "creator": creator or "",
            "token": token or "",
            "q": text or "",
        },
        indexed_block=indexed_block(db),
    )


def indexed_block(db: Db) -> int | None:
    s = queries.sync_state(db)
    return s.next_block - 1 if s else None


@router.get("/c/{raw_id}", response_class=HTMLResponse)
def campaign_page(request: Request, db: Db, raw_id: str) -> HTMLResponse:
    campaign_id = parse_id(raw_id)
    row = queries.campaign(db, campaign_id) if campaign_id else None
    if campaign_id is None or row is None:
        raise PageNotFound("page.no_campaign", id=raw_id[:20])
    c = row.Campaign
    web = request.app.state.web
    document = web.documents.get(c.metadata_uri, c.metadata_hash) if c.metadata_status == "verified" else None
    tiers = []
    for t in queries.tiers(db, campaign_id):
        texts = document.tiers[t.tier_id - 1] if document and t.tier_id <= len(document.tiers) else {}
        tiers.append(TierView(convert.tier_out(t), texts.get("name"), texts.get("description")))
    now = queries.now(db)
    milestones = convert.milestones_out(c, row.state, queries.milestone_votes(db, campaign_id))
    has_ledger = web.config.contract_address("Reputation") is not None
    history = web_queries.raised_history(db, campaign_id)
    facts = CampaignFacts(
        goal=c.goal,
        raised=c.raised,
        milestone_count=len(c.milestone_bps or [10_000]),
        quorum_bps=c.quorum_bps,
        largest_pledge=web_queries.largest_pledge(db, campaign_id),
        creator_other_campaigns=web_queries.other_campaigns(db, c.creator, campaign_id),
        creator_has_score=web_queries.has_score(db, c.creator, int(Role.CREATOR)),
        tiers=[(int(t.row.price), t.row.supply) for t in tiers],
        vote_mode=c.vote_mode,
        min_attestation_level=c.min_attestation_level,
    )
    page = Page(request)
    chart = raised_chart(
        history,
        c.starts_at,
        c.deadline,
        now,
        c.goal,
        page.t(
            "campaign.chart_label", raised=page.amount(c.raised, c.token), goal=page.amount(c.goal, c.token)
        ),
        page.t("campaign.goal_line", goal=page.amount(c.goal, c.token)),
    )
    return render(
        request,
        "campaign.html",
        c=c,
        state=row.state,
        summary=convert.campaign_summary(row),
        tiers=tiers,
        milestones=milestones,
        milestone_flows=milestone_flows(c, row.state, milestones, now, has_ledger),
        claimable=claimable(c, row.state),
        pledges=[convert.pledge_out(p) for p in web_queries.recent_pledges(db, campaign_id)],
        reputation=convert.reputation_out(db, c.creator),
        risks=risks(facts),
        chart=chart,
        now=now,
        refundable=row.state in REFUNDABLE,
        crowdfund_address=web.config.contract_address("Crowdfund"),
        has_ledger=has_ledger,
        is_eth=c.token == ETH,
        indexed_block=indexed_block(db),
        scripts=("wallet",),
    )


@router.get("/launch", response_class=HTMLResponse)
def launch_form(request: Request, db: Db) -> HTMLResponse:
    return render(request, "launch.html", now=queries.now(db), scripts=("wallet",))
