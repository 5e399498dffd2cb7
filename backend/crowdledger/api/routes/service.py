"""Liveness, readiness and how far the index has got."""

from fastapi import APIRouter, HTTPException

from crowdledger.api import schemas
from crowdledger.api.convert import index_status
from crowdledger.api.deps import Db

router = APIRouter(tags=["service"])


@router.get("/health", response_model=schemas.Health)
def health() -> schemas.Health:
    """Liveness: the process answers. Also the framework's floor for benchmarks."""
    return schemas.Health(status="ok")


@router.get("/ready", response_model=schemas.IndexStatus)
def ready(db: Db) -> schemas.IndexStatus:
    """Readiness: the database answers and the indexer has started; 503 otherwise."""
    status = index_status(db)
    if status is None:
        raise HTTPException(503, "the indexer has not indexed anything yet")
    return status


@router.get("/status", response_model=schemas.IndexStatus)
def status(db: Db) -> schemas.IndexStatus:
    """How far behind the chain head the index is."""
    status = index_status(db)
    if status is None:
        raise HTTPException(503, "the indexer has not indexed anything yet")
    return status
