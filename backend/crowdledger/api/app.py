"""The HTTP API and the web pages, assembled: one error shape for every 4xx, then a router per resource.

Routes are thin: they validate, call one query function (crowdledger.api.queries) and return a response model
(crowdledger.api.convert turns rows into them)."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from crowdledger import web
from crowdledger.api import audit, schemas
from crowdledger.api.cache import PageCache
from crowdledger.api.queries import BadCursor
from crowdledger.api.reader import Reader
from crowdledger.api.routes import accounts, campaigns, service, stats, tasks
from crowdledger.web.config import WebConfig

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = schemas.ErrorResponse(
        error=schemas.ErrorBody(status=status, code=code, message=message, details=details or [])
    )
    return JSONResponse(status_code=status, content=body.model_dump())


def create_app(
    engine: Engine,
    page_cache_seconds: float = 1.0,
    page_cache_bytes: int = 32 * 1024 * 1024,
    web_config: WebConfig | None = None,
) -> FastAPI:
    reader = Reader(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What exists once the app is built lives as long as the process; left to the collector, every full
        # collection walks it all again, and those walks were the slowest requests' wait (/health's p95 under
        # load 100-300 ms with them, about 20 ms without). Frozen, collections walk only what requests make.
        gc.collect()
        gc.freeze()
        yield
        await reader.close()

    app = FastAPI(
        lifespan=lifespan,
        title="CrowdLedger",
        summary="Campaigns, pledges and accounts indexed from the CrowdLedger contracts",
        responses={
            400: {"model": schemas.ErrorResponse},
            404: {"model": schemas.ErrorResponse},
            422: {"model": schemas.ErrorResponse},
        },
        docs_url=None,  # /docs and /redoc are the web app's, with their assets served locally
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.page_cache = PageCache(seconds=page_cache_seconds, max_bytes=page_cache_bytes)
    app.state.reader = reader

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "problem": e["msg"]}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
        return _error(422, "invalid_parameter", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 409: "conflict", 503: "not_ready"}.get(
            exc.status_code, "error"
        )
        response = _error(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})  # 405's Allow, for one
        return response

    @app.exception_handler(BadCursor)
    async def bad_cursor(_: Request, exc: BadCursor) -> JSONResponse:
        return _error(400, "invalid_cursor", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("Unhandled error", exc_info=exc)
        return _error(500, "internal_error", "the server failed; the error is logged")

    for resource in (service, campaigns, accounts, tasks, stats, audit):
        app.include_router(resource.router)
    web.install(app, engine, web_config or WebConfig())
    return app
