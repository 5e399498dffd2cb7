"""Reputation events to the derived reputation tables: scores as stored on chain, ratings, attestations.

Scores are stored as the contract stores them (value as of the last write); the fade to any later time is
crowdledger.reputation.score_at over the half-life periods, the same integer arithmetic as the contract's,
applied by the reader. Beside each score goes its leaderboard key (crowdledger.ranking), from the decay clock
of every half-life period so far; a period applies from its block forward, so no key ever needs recomputing.
A rating keeps the inputs of its price and the points they give.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from crowdledger.chain.decode import Event
from crowdledger.ranking import rank_key
from crowdledger.reputation import DEFAULT_HALF_LIFE, ROLES, HalfLifePeriod, int256_or_none, rating_points
from crowdledger.store.models import Attestation, Attester, Rating, RawEvent, ReputationScore
from crowdledger.store.rows import Rows


def apply(conn: Connection, events: Sequence[Event], timestamps: dict[int, int]) -> None:
    events = [e for e in events if e.contract == "Reputation"]
    if not events:
        return
    periods = half_life_periods(conn) if any(e.name == "ScoreChanged" for e in events) else []
    scores = Rows(ReputationScore.__table__, ("account", "role"))  # type: ignore[arg-type]
    ratings = Rows(Rating.__table__, ("source", "ref", "rater", "subject"))  # type: ignore[arg-type]
    attestations = Rows(Attestation.__table__, ("account",))  # type: ignore[arg-type]
    attesters = Rows(Attester.__table__, ("address",))  # type: ignore[arg-type]
    scores.load(conn, ((e.args["subject"], e.args["role"]) for e in events if e.name == "ScoreChanged"))
    attestations.load(conn, ((e.args["account"],) for e in events if "account" in e.args))
    attesters.load(conn, ((e.args["attester"],) for e in events if e.name == "AttesterSet"))

    for e in events:
        a: dict[str, Any] = e.args
        at = timestamps[e.block_number]
        if e.name == "ScoreChanged":
            if a["role"] not in ROLES:  # Solidity's enum cannot hold it: a look-alike contract's event
                raise LookupError(f"score of role {a['role']}, which Reputation does not have")
            row = scores.get((a["subject"], a["role"]))
            if row is None:
                row = scores.add(
                    {
                        "account": a["subject"],
                        "role": a["role"],
                        "value": 0,
                        "updated_at": 0,
                        "changes": 0,
                        "rank_key": 0.0,
                    }
                )
            row.update(
                value=a["newScore"],
                updated_at=at,
                changes=row["changes"] + 1,
                rank_key=rank_key(a["newScore"], at, periods),
            )
        elif e.name == "Rated":
            ratings.add(
                {
                    "source": a["source"],
                    "ref": a["ref"],
                    "rater": a["rater"],
                    "subject": a["subject"],
                    "stars": a["stars"],
                    "weight_bps": a["weightBps"],
                    "value_factor": a["valueFactor"],
                    "pair_deals": a["pairDeals"],
                    # the contract's price of these inputs (the ScoreChanged after it carries the same)
                    "points": int256_or_none(
                        rating_points(a["stars"], a["valueFactor"], a["weightBps"], a["pairDeals"])
                    ),
                    "timestamp": at,
                }
            )
        elif e.name == "Attested":
            fresh = {
                "attester": a["attester"],
                "level": a["level"],
                "expires_at": a["expiresAt"],
                "revoked": False,
            }
            row = attestations.get((a["account"],))
            if row is None:
                attestations.add({"account": a["account"], **fresh})
            else:
                row.update(fresh)
        elif e.name == "AttestationRevoked":
            row = attestations.get((a["account"],))
            if row is not None:
                row["revoked"] = True
        elif e.name == "AttesterSet":
            row = attesters.get((a["attester"],))
            if row is None:
                attesters.add({"address": a["attester"], "registered": a["registered"]})
            else:
                row["registered"] = a["registered"]
    for rows in (scores, ratings, attestations, attesters):
        rows.flush(conn)


def half_life_periods(conn: Connection | Session) -> list[HalfLifePeriod]:
    """Every half-life period the ledger began, oldest first (at most 16, the contract's bound), from the
    stored raw events; the constructor's default from time 0 until an event says. (The projection reads
    them after the range's raw events are stored; periods that begin after a score's write add nothing to
    its key.)"""
    rows = conn.execute(
        select(RawEvent.timestamp, RawEvent.args)
        .where(RawEvent.contract == "Reputation", RawEvent.name == "HalfLifeChanged")
        .order_by(RawEvent.block_number, RawEvent.log_index)
    ).all()
    periods = [HalfLifePeriod(row.timestamp, int(row.args["newHalfLife"])) for row in rows]
    return periods or [HalfLifePeriod(0, DEFAULT_HALF_LIFE)]
