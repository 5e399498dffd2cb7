"""The web app: server-rendered pages (Jinja2 templates in templates/, texts in messages/), static files, the
offline API docs, live updates, and the chain description the wallet layer (js/, bundled into static/build by
./dev) loads at run time. `install` adds all of it to the API's FastAPI app."""

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles

from crowdledger.store.models import SyncState
from crowdledger.web.config import WebConfig
from crowdledger.web.documents import Documents
from crowdledger.web.live import IndexWatcher
from crowdledger.web.pages import PageNotFound, accounts, campaigns, docs, platform, tasks, wallet
from crowdledger.web.render import render
from crowdledger.web.security import SecurityHeaders, page_policy
from crowdledger.web.tokens import TokenBook

STATIC = Path(__file__).resolve().parent / "static"


@dataclass
class WebState:
    config: WebConfig
    tokens: TokenBook
    documents: Documents
    watcher: IndexWatcher


def install(app: FastAPI, engine: Engine, config: WebConfig, live_seconds: float = 1.0) -> None:
    def newest_block() -> int | None:
        with Session(engine) as db:
            return db.execute(select(SyncState.next_block)).scalar()

    app.state.web = WebState(
        config=config,
        tokens=TokenBook(config.rpc),
        documents=Documents(config.fetch_policy),
        watcher=IndexWatcher(newest_block, interval=live_seconds),
    )
    for resource in (campaigns, tasks, accounts, platform, docs, wallet):
        app.include_router(resource.router)
    # Static files are compressed on the way out (JS and CSS shrink about fourfold); the JSON API is not.
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=512), name="static")
    app.add_middleware(SecurityHeaders, policy=page_policy(config.public_rpc_url))

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> HTMLResponse:
        return render(request, "not_found.html", status=404, key=exc.key, params=exc.params)
