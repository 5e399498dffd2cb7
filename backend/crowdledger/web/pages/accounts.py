"""An account: reputation per role with every point's history, ratings given and received, its attestation,
campaigns created and backed, and tasks posted and worked on."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdledger.api import convert, queries
from crowdledger.api.deps import ADDRESS, Db
from crowdledger.api.schemas import ExplainedLine
from crowdledger.errors import ReplayMismatch
from crowdledger.reputation import NEVER_EXPIRES, ReputationEvent, Role, explain
from crowdledger.web import queries as web_queries
from crowdledger.web.pages import PageNotFound
from crowdledger.web.pages.campaigns import indexed_block
from crowdledger.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/a/{address}", response_class=HTMLResponse)
def account_page(request: Request, db: Db, address: str) -> HTMLResponse:
    if not re.match(ADDRESS, address):
        raise PageNotFound("page.bad_address", address=address[:50])
    who = address.lower()
    reputation = convert.reputation_out(db, who)
    events = queries.reputation_events(db, who)
    at = queries.now(db)
    pledges = [convert.pledge_out(p) for p in queries.account_pledges(db, who)]
    histories = {
        score.role: _history(who, Role[score.role.upper()], events, at) for score in reputation.scores
    }
    attesters = web_queries.registered_attesters(db)
    # who may revoke: the attestation's attester, registered or not, until it is revoked
    attestation = reputation.attestation
    revocable_by = attestation.attester if attestation is not None and not attestation.revoked else None
    return render(
        request,
        "account.html",
        address=who,
        reputation=reputation,
        histories=histories,
        ratings_given=web_queries.ratings_given(db, who),
        campaigns=[convert.campaign_summary(r) for r in queries.account_campaigns(db, who)],
        pledges=pledges,
        pledge_tokens=web_queries.campaign_tokens(db, [p.campaign_id for p in pledges]),
        tasks=[convert.task_out(t) for t in queries.list_tasks(db, None, who, 100, None)],
        work=web_queries.worker_entries(db, who),
        now=at,
        indexed_block=indexed_block(db),
        attesters=attesters,
        never_expires=NEVER_EXPIRES,
        revocable_by=revocable_by,
        scripts=("wallet",) if attesters or revocable_by else (),
    )


def _history(who: str, role: Role, events: list[ReputationEvent], at: int) -> list[ExplainedLine] | None:
    """A score's lines, or None when its events do not add up to what the contract said (only a contract
    that is not the real Reputation emits such; the page says so and shows the rest)."""
    try:
        return [convert.explained_line(line) for line in explain(who, role, events, at)]
    except ReplayMismatch:  # NoHalfLife too: the events lack the one that begins the first period
        return None
