"""Rendering a page: the Jinja2 environment, the language of the request, and the helpers every template
uses (t for texts, amount for money, when and left for times). A page can also be rendered as its live
fragment alone (?fragment=live), which is what an open page re-fetches when the index moves."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from crowdledger.wallet.units import format_wad
from crowdledger.web import i18n
from crowdledger.web.tokens import TokenBook

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
YEAR_SECONDS = 365 * 86_400


def short(address: str | None) -> str:
    return f"{address[:6]}…{address[-4:]}" if address else ""


BEYOND_DATES = "> 9999-12-31"  # a chain time no calendar date shows: what a page says for it


def utc(timestamp: int) -> datetime | None:
    """A chain time as a UTC datetime; None past year 9999, which an event's uint64 or uint256 can be."""
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def when(timestamp: int | None) -> Markup:
    """A UTC time, marked up so that the page's script can show it in the reader's own time zone."""
    if not timestamp:
        return Markup("—")
    moment = utc(timestamp)
    if moment is None:
        return Markup("{}").format(BEYOND_DATES)
    return Markup('<time datetime="{}" data-local>{} UTC</time>').format(
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d %H:%M")
    )


def points(wad: int | str | None) -> str:
    """A reputation score or contribution (WAD: 10**18 per point) to the nearest hundredth."""
    return format_wad(int(wad or 0))


def percent(bps: int) -> str:
    return f"{bps / 100:g}%"


def funded(bps: int, decimals: int = 0) -> str:
    """How much of its goal a campaign raised (basis points, any width) as a percent rounded down, so that
    99.96% is never shown as 100%."""
    whole, rest = divmod(int(bps), 100)
    return f"{whole:,}" + (f".{rest // 10 ** (2 - decimals):0{decimals}d}" if decimals else "") + "%"


class Page:
    """What one request's templates see."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = i18n.negotiate(
            request.query_params.get("lang"),
            request.cookies.get(i18n.COOKIE),
            request.headers.get("accept-language"),
        )
        self.t = i18n.Translator(self.lang)
        self.tokens: TokenBook = request.app.state.web.tokens

    def amount(self, units: int | str | None, token: str) -> str:
        return self.tokens.format(int(units or 0), token)

    def left(self, until: int, now: int) -> str:
        """Time left until `until`, in words: the two largest units."""
        seconds = until - now
        if seconds <= 0:
            return self.t("time.ended")
        days, rest = divmod(seconds, 86_400)
        hours, rest = divmod(rest, 3_600)
        minutes = rest // 60
        if days:
            return self.t("time.left_days", days=days, hours=hours)
        if hours:
            return self.t("time.left_hours", hours=hours, minutes=minutes)
        return self.t("time.left_minutes", minutes=max(minutes, 1))

    def url(self, **changes: Any) -> str:
        """This page's URL with some query parameters changed (None removes one)."""
        params = dict(self.request.query_params)
        params.pop("fragment", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        query = urlencode(params)
        return self.request.url.path + ("?" + query if query else "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = Page(request)
    web = request.app.state.web
    values = {
        "page": page,
        "t": page.t,
        "lang": page.lang,
        "languages": i18n.LANGUAGES,
        "amount": page.amount,
        "when": when,
        "short": short,
        "percent": percent,
        "funded": funded,
        "points": points,
        "wallet_ready": web.config.wallet_ready,
        "indexed_block": context.pop("indexed_block", None),
        "scripts": context.pop("scripts", ()),
        **context,
    }
    compiled = ENV.get_template(template)
    # base.html renders only the live block when asked for the fragment (with the page's imports in scope)
    values["fragment"] = request.query_params.get("fragment") == "live" and "live" in compiled.blocks
    html = compiled.render(values)
    response = HTMLResponse(html, status_code=status)
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, chosen, max_age=YEAR_SECONDS, samesite="lax")
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response
