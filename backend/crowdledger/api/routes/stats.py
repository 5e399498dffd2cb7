"""Platform-wide statistics."""

from fastapi import APIRouter

from crowdledger.api import queries, schemas
from crowdledger.api.deps import Db

router = APIRouter(tags=["statistics"])


@router.get("/stats", response_model=schemas.Statistics)
def statistics(db: Db) -> schemas.Statistics:
    s = queries.statistics(db)
    tokens = [
        schemas.TokenStats(
            token=t.token,
            pledged=str(t.pledged),
            unpledged=str(t.unpledged),
            refunded=str(t.refunded),
            claimed=str(t.claimed),
            fees=str(t.fees),
        )
        for t in s["tokens"]
    ]
    return schemas.Statistics(**{**s, "tokens": tokens})
