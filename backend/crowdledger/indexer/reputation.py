"""Reputation events to the derived reputation tables: scores as stored on chain, ratings, attestations.

Scores are stored as the contract stores them (value as of the last write); the fade to any later time is
crowdledger.reputation.fade, the same integer formula as the contract's, applied by the reader. Beside each
score goes its leaderboard key (crowdledger.ranking), under the half-life in force; a HalfLifeChanged
recomputes every key, since the new half-life applies to every score's whole age.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, tuple_, update

from crowdledger.chain.decode import Event
from crowdledger.ranking import rank_key
from crowdledger.reputation import DEFAULT_HALF_LIFE
from crowdledger.store.models import Attestation, Attester, Rating, RawEvent, ReputationScore
from crowdledger.store.rows import Rows

_REKEY_CHUNK = 5_000


def apply(conn: Connection, events: Sequence[Event], timestamps: dict[int, int]) -> None:
    events = [e for e in events if e.contract == "Reputation"]
    if not events:
        return
    changes = [e for e in events if e.name == "HalfLifeChanged"]
    half_life = changes[-1].args["newHalfLife"] if changes else _half_life_before(conn, events[0])
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
            scores.changed(row)
            row.update(
                value=a["newScore"],
                updated_at=at,
                changes=row["changes"] + 1,
                rank_key=rank_key(a["newScore"], at, half_life),
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
                attestations.changed(row)
        elif e.name == "AttestationRevoked":
            row = attestations.get((a["account"],))
            if row is not None:
                row["revoked"] = True
                attestations.changed(row)
        elif e.name == "AttesterSet":
            row = attesters.get((a["attester"],))
            if row is None:
                attesters.add({"address": a["attester"], "registered": a["registered"]})
            else:
                row["registered"] = a["registered"]
                attesters.changed(row)
    for rows in (scores, ratings, attestations, attesters):
        rows.flush(conn)
    if changes:
        rekey(conn, half_life)


def _half_life_before(conn: Connection, first: Event) -> int:
    """The half-life in force just before `first` (raw events are stored before projections run)."""
    key = (first.block_number, first.log_index)
    latest = conn.execute(
        select(RawEvent.args)
        .where(
            RawEvent.contract == "Reputation",
            RawEvent.name == "HalfLifeChanged",
            tuple_(RawEvent.block_number, RawEvent.log_index) < key,
        )
        .order_by(RawEvent.block_number.desc(), RawEvent.log_index.desc())
        .limit(1)
    ).scalar()
    return int(latest["newHalfLife"]) if latest else DEFAULT_HALF_LIFE


def rekey(conn: Connection, half_life: int) -> None:
    """Every score's leaderboard key under `half_life`, a chunk of scores at a time."""
    table = ReputationScore.__table__
    statement = (
        update(table)  # type: ignore[arg-type]
        .where(table.c.account == bindparam("key_account"), table.c.role == bindparam("key_role"))
        .values(rank_key=bindparam("new_key"))
    )
    after: tuple[str, int] = ("", -1)
    while True:
        rows = conn.execute(
            select(table.c.account, table.c.role, table.c.value, table.c.updated_at)
            .where(tuple_(table.c.account, table.c.role) > after)
            .order_by(table.c.account, table.c.role)
            .limit(_REKEY_CHUNK)
        ).all()
        if not rows:
            return
        conn.execute(
            statement,
            [
                {
                    "key_account": r.account,
                    "key_role": r.role,
                    "new_key": rank_key(r.value, r.updated_at, half_life),
                }
                for r in rows
            ],
        )
        after = (rows[-1].account, rows[-1].role)
