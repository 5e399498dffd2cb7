"""The platform's statistics and its leaderboards."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdledger.api import queries
from crowdledger.api.deps import Db, RoleName
from crowdledger.reputation import Role
from crowdledger.web.pages.campaigns import indexed_block
from crowdledger.web.render import render

router = APIRouter(include_in_schema=False)
LEADERS = 10


@router.get("/statistics", response_class=HTMLResponse)
def statistics(request: Request, db: Db) -> HTMLResponse:
    return render(request, "statistics.html", s=queries.statistics(db), indexed_block=indexed_block(db))


@router.get("/leaderboards", response_class=HTMLResponse)
def leaderboards(request: Request, db: Db) -> HTMLResponse:
    boards = {
        role.value: queries.leaderboard(db, Role[role.name.upper()], LEADERS).entries for role in RoleName
    }
    return render(
        request,
        "leaderboards.html",
        boards=boards,
        half_life=queries.half_life(db),
        indexed_block=indexed_block(db),
    )
