"""Accounts and reputation: a profile, the leaderboards, and a score explained line by line."""

from fastapi import APIRouter, HTTPException

from crowdledger.api import queries, schemas
from crowdledger.api.convert import campaign_summary, explained_line, pledge_out, reputation_out
from crowdledger.api.deps import AddressParam, Db, Limit, RoleName
from crowdledger.errors import ReplayMismatch
from crowdledger.reputation import Role, explain

router = APIRouter()


@router.get("/accounts/{address}", response_model=schemas.Account, tags=["accounts"])
def account(db: Db, address: AddressParam) -> schemas.Account:
    """What an account created, backed and did (its newest 100 of each)."""
    who = address.lower()
    return schemas.Account(
        address=who,
        reputation=reputation_out(db, who),
        campaigns=[campaign_summary(r) for r in queries.account_campaigns(db, who)],
        pledges=[pledge_out(p) for p in queries.account_pledges(db, who)],
        history=[
            schemas.HistoryItem(
                block_number=e.block_number,
                log_index=e.log_index,
                timestamp=e.timestamp,
                tx_hash=e.tx_hash,
                contract=e.contract,
                event=e.name,
                args={
                    k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v
                    for k, v in e.args.items()
                },
            )
            for e in queries.history(db, who, 100, None)
        ],
    )


@router.get("/leaderboards/{role}", response_model=schemas.Leaderboard, tags=["reputation"])
def leaderboard(db: Db, role: RoleName, limit: Limit = 20) -> schemas.Leaderboard:
    """The highest scores in one role, faded to the index's chain time."""
    board = queries.leaderboard(db, Role[role.name.upper()], limit)
    return schemas.Leaderboard(
        role=role.value,
        chain_time=board.chain_time,
        half_life=board.half_life,
        entries=[
            schemas.LeaderboardEntry(rank=i + 1, account=account, score=str(score))
            for i, (account, score) in enumerate(board.entries)
        ],
    )


@router.get(
    "/accounts/{address}/reputation/{role}",
    response_model=schemas.ExplainedScore,
    tags=["reputation"],
    responses={409: {"model": schemas.ErrorResponse, "description": "the score's events do not add up"}},
)
def explain_score(db: Db, address: AddressParam, role: RoleName) -> schemas.ExplainedScore:
    """A score line by line: every event that changed it, and what each still contributes today."""
    who, at = address.lower(), queries.now(db)
    try:
        lines = explain(who, Role[role.name.upper()], queries.reputation_events(db, who), at)
    except ReplayMismatch as mismatch:  # only a contract that is not the real Reputation
        raise HTTPException(409, f"this score does not add up from its events ({mismatch})") from None
    return schemas.ExplainedScore(
        account=who,
        role=role.value,
        score=str(sum(line.contribution for line in lines)),
        lines=[explained_line(line) for line in lines],
    )
