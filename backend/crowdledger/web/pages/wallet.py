"""What the browser's scripts load: the chain and contracts (from the deployment record), the texts of the
wallet layer in the reader's language, and the live-update stream."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from crowdledger.web import i18n

router = APIRouter(include_in_schema=False)


@router.get("/web/chain.json")
def chain(request: Request) -> JSONResponse:
    return JSONResponse(request.app.state.web.config.chain_json(), headers={"Cache-Control": "no-cache"})


@router.get("/web/messages/{lang}.json")
def messages(lang: str) -> JSONResponse:
    if lang not in i18n.LANGUAGES:
        lang = i18n.DEFAULT
    return JSONResponse(i18n.wallet_messages(lang), headers={"Cache-Control": "public, max-age=300"})


@router.get("/web/events")
def events(request: Request) -> StreamingResponse:
    return StreamingResponse(
        request.app.state.web.watcher.stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
