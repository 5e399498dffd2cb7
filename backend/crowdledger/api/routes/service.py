"""Liveness, readiness and how far the index has got.

/status and /ready tell the truth about the indexer, even one in another process: the chain head is asked of
the node (through a HeadProbe, at most once a second), and the indexer's liveness is its heartbeat in the
database. `configure` gives the app its probe and thresholds (the command line does, from the settings);
without it the head is the indexer's last view and the thresholds are the settings' defaults.
"""

from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, HTTPException, Request

from crowdledger.api import schemas
from crowdledger.api.convert import index_status
from crowdledger.api.deps import Db
from crowdledger.chain.rpc import HeadProbe
from crowdledger.indexer.health import Health, assess
from crowdledger.settings import Settings

router = APIRouter(tags=["service"])


@dataclass(frozen=True)
class Readiness:
    head: HeadProbe | None = None
    max_blocks_behind: int = Settings.ready_max_blocks_behind
    stall_seconds: float = Settings.stall_seconds


def configure(app: FastAPI, readiness: Readiness) -> None:
    app.state.readiness = readiness


def _health(request: Request, db: Db) -> Health:
    readiness: Readiness = getattr(request.app.state, "readiness", Readiness())
    head, node_error = readiness.head.head() if readiness.head else (None, None)
    health = assess(db.connection(), head, node_error, readiness.max_blocks_behind, readiness.stall_seconds)
    if health is None:
        raise HTTPException(503, "no indexer has started on this database yet")
    return health


@router.get("/health", response_model=schemas.Health)
def health() -> schemas.Health:
    """Liveness: the process answers. Also the framework's floor for benchmarks."""
    return schemas.Health(status="ok")


@router.get("/ready", response_model=schemas.IndexStatus)
def ready(request: Request, db: Db) -> schemas.IndexStatus:
    """Readiness: 200 only when the indexer is alive (a recent heartbeat), has not failed, and is within
    the allowed number of blocks of the node's head; 503 naming what is wrong otherwise."""
    health = _health(request, db)
    if not health.ready:
        raise HTTPException(503, "; ".join(health.problems))
    return index_status(health)


@router.get("/status", response_model=schemas.IndexStatus)
def status(request: Request, db: Db) -> schemas.IndexStatus:
    """Where the index stands against the node's head, the indexer's state, heartbeat and last error."""
    return index_status(_health(request, db))
