"""Plain web pages over the same queries as the JSON API: the campaign list and a campaign, readable in
any browser with no JavaScript. Every value is escaped; unverified metadata is labelled, never shown."""

from decimal import Decimal
from html import escape
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse

from crowdledger.api import queries
from crowdledger.api.queries import CampaignFilter, CampaignSort, CampaignState

ETH = "0x" + "00" * 20
_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .5rem;border-bottom:1px solid #ddd}
.num{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#a00}nav a{margin-right:.8rem}"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)} · CrowdLedger</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{_STYLE}</style>"
        "<nav><a href='/'>Campaigns</a><a href='/docs'>API</a><a href='/stats'>Statistics (JSON)</a>"
        "<a href='/audit/report'>Audit</a></nav>" + body
    )


def _amount(units: int, token: str) -> str:
    whole = Decimal(units) / Decimal(10**18)  # our demo tokens and ETH have 18 decimals
    return f"{whole:,.4f} {'ETH' if token == ETH else escape(token[:8]) + '…'}"


def _title(c: Any) -> str:
    if c.metadata_status == "verified" and c.title:
        return escape(str(c.title))
    label = {"mismatch": "metadata does not match its on-chain hash", "unreachable": "metadata unreachable"}
    return (
        f"<span class=flag>campaign {c.id}: {label.get(c.metadata_status, 'metadata not yet checked')}</span>"
    )


def router(session: Any) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/", response_class=HTMLResponse)
    def campaign_list(
        db: session,
        state: CampaignState | None = None,
        sort: CampaignSort = CampaignSort.newest,
        cursor: str | None = Query(None, max_length=300),
    ) -> HTMLResponse:
        rows, next_cursor, _ = queries.list_campaigns(db, CampaignFilter(state=state), sort, 50, cursor)
        lines = "".join(
            f"<tr><td><a href='/c/{r.Campaign.id}'>{_title(r.Campaign)}</a></td><td>{r.state}</td>"
            f"<td class=num>{_amount(r.Campaign.raised, r.Campaign.token)}</td>"
            f"<td class=num>{r.Campaign.funded_bps / 100:,.0f}%</td>"
            f"<td class=num>{r.Campaign.backer_count}</td></tr>"
            for r in rows
        )
        sorts = " ".join(f"<a href='/?sort={s.value}'>{s.value.replace('_', ' ')}</a>" for s in CampaignSort)
        more = (
            f"<p><a href='/?sort={sort.value}&cursor={escape(next_cursor)}'>more</a>" if next_cursor else ""
        )
        return _page(
            "Campaigns",
            f"<h1>Campaigns</h1><p>Sort: {sorts}<table><tr><th>Campaign<th>State<th class=num>Raised"
            f"<th class=num>Funded<th class=num>Backers</tr>{lines}</table>{more}",
        )

    @pages.get("/c/{campaign_id}", response_class=HTMLResponse)
    def campaign_page(db: session, campaign_id: int) -> HTMLResponse:
        row = queries.campaign(db, campaign_id) if 0 < campaign_id < 2**63 else None
        if row is None:
            raise HTTPException(404, f"no campaign {campaign_id}")
        c = row.Campaign
        tiers = "".join(
            f"<tr><td>{t.tier_id}<td class=num>{_amount(t.price, c.token)}<td class=num>"
            f"{t.taken} of {t.supply or '∞'}</tr>"
            for t in queries.tiers(db, campaign_id)
        )
        description = escape(c.description) if c.metadata_status == "verified" and c.description else ""
        return _page(
            f"Campaign {c.id}",
            f"<h1>{_title(c)}</h1><p>{description}<p><b>{row.state}</b> · raised "
            f"{_amount(c.raised, c.token)} of {_amount(c.goal, c.token)} from {c.backer_count} backers"
            f"<p>Creator <code>{escape(c.creator)}</code>"
            + (
                "<h2>Reward tiers</h2><table><tr><th>Tier<th class=num>Price<th class=num>Taken</tr>"
                + tiers
                + "</table>"
                if tiers
                else ""
            )
            + f"<p><a href='/campaigns/{c.id}'>JSON</a>",
        )

    return pages
