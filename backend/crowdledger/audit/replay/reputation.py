"""Reputation rebuilt from its events: scores (faded exactly as the contract fades them), ratings,
attestations, modules, attesters and the half-life (docs/PROTOCOL.md §2.6). It holds no money, so it owes
nothing.

Every ScoreChanged's newScore is checked against the replay, and a rating's points against its Rated event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crowdledger.audit.facts import Act, Earned, Facts, Rating
from crowdledger.audit.model import BlockInfo, Obligation, Refs
from crowdledger.audit.money import Flows
from crowdledger.audit.replay.base import ZERO_ADDRESS, Replay, Row, ViewCheck
from crowdledger.audit.replay.platform import Owned
from crowdledger.chain.decode import Event
from crowdledger.reputation import fade

BPS = 10_000
RATING_POINTS = 10 * 10**18
NEUTRAL_STARS = 3


def reason_text(reason: str) -> str:
    """A bytes32 reason (0x-hex) as the short text it holds, such as "campaign.succeeded"."""
    return bytes.fromhex(reason[2:]).rstrip(b"\0").decode("utf-8", "replace")


@dataclass
class Score:
    value: int = 0
    updated_at: int = 0
    changes: int = 0
    refs: Refs = field(default_factory=Refs)


@dataclass
class RatingRecord:
    stars: int
    weight_bps: int
    block: int
    timestamp: int
    tx_hash: str


class ReputationReplay(Replay):
    contract = "Reputation"

    def __init__(self, address: str, flows: Flows, names: dict[str, str]) -> None:
        super().__init__(address, flows, names)
        self.owned = Owned()
        self.half_life: int | None = None
        self.modules: dict[str, bool] = {}
        self.attesters: dict[str, bool] = {}
        self.attestations: dict[str, tuple[str, int, int]] = {}  # as stored: deleted on revoke
        self.attestation_rows: dict[str, tuple[str, int, int, bool]] = {}  # as the indexer keeps them
        self.scores: dict[tuple[str, int], Score] = {}
        self.ratings: dict[tuple[str, int, str, str], RatingRecord] = {}
        self.earned: dict[tuple[str, int, str, int], list[Any]] = {}  # -> [points, reason, first tx]
        self._last_rated: Event | None = None
        self.admin_refs = Refs()

    def apply(self, event: Event, timestamp: int) -> None:
        if self.owned.apply(event):
            self.events += 1
            return
        super().apply(event, timestamp)

    def on_HalfLifeChanged(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.expect(e, "half-life", "oldHalfLife", a["oldHalfLife"], self.half_life or 0)
        self.half_life = a["newHalfLife"]
        self.admin_refs.add(e)

    def on_ModuleSet(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.modules[a["module"]] = a["registered"]
        self.admin_refs.add(e)

    def on_AttesterSet(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.attesters[a["attester"]] = a["registered"]
        self.admin_refs.add(e)

    def on_Attested(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.attestations[a["account"]] = (a["attester"], a["level"], a["expiresAt"])
        self.attestation_rows[a["account"]] = (a["attester"], a["level"], a["expiresAt"], False)
        self.admin_refs.add(e)

    def on_AttestationRevoked(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.attestations.pop(a["account"], None)
        row = self.attestation_rows.get(a["account"])
        if row is not None:
            self.attestation_rows[a["account"]] = (*row[:3], True)
        self.admin_refs.add(e)

    def on_Rated(self, e: Event, a: dict[str, Any], at: int) -> None:
        key = (a["source"], a["ref"], a["rater"], a["subject"])
        if key in self.ratings:
            self.problem(
                e, f"rating of {a['subject']} by {a['rater']}", "rated twice for the same relationship"
            )
        self.ratings[key] = RatingRecord(a["stars"], a["weightBps"], e.block_number, at, e.tx_hash)
        self._last_rated = e

    def on_ScoreChanged(self, e: Event, a: dict[str, Any], at: int) -> None:
        subject = f"score of {a['subject']} as role {a['role']}"
        if self.half_life is None:
            self.problem(e, subject, "a score changed before any half-life was set")
            return
        key = (a["subject"], a["role"])
        score = self.scores.setdefault(key, Score())
        replayed = fade(score.value, at - score.updated_at, self.half_life) + a["points"]
        self.expect(e, subject, "newScore", a["newScore"], replayed)
        reason = reason_text(a["reason"])
        if reason == "rating":
            rated = self._last_rated
            if rated is None or rated.tx_hash != e.tx_hash or rated.args["subject"] != a["subject"]:
                self.problem(e, subject, "a rating's points without its Rated event")
            else:
                magnitude = RATING_POINTS * min(rated.args["weightBps"], BPS) // BPS
                self.expect(
                    e, subject, "points", a["points"], (rated.args["stars"] - NEUTRAL_STARS) * magnitude
                )
        score.value, score.updated_at = a["newScore"], at
        score.changes += 1
        score.refs.add(e)
        if a["points"] > 0:
            gained = self.earned.setdefault(
                (a["subject"], a["role"], a["module"], a["ref"]), [0, reason, e.tx_hash]
            )
            gained[0] += a["points"]

    # ------------------------------------------------------------------ at the audited block

    def obligations(self, block: BlockInfo) -> Iterator[Obligation]:
        return iter(())

    def view_checks(self, block: BlockInfo) -> Iterator[ViewCheck]:
        admin = tuple(self.admin_refs)
        yield ViewCheck("Reputation half-life", "halfLife", (), {"out0": self.half_life or 0}, admin)
        yield from self.owned.view_checks(self.contract)
        for module, registered in sorted(self.modules.items()):
            yield ViewCheck(f"Reputation module {module}", "isModule", (module,), {"out0": registered}, admin)
        for attester, registered in sorted(self.attesters.items()):
            yield ViewCheck(
                f"Reputation attester {attester}", "isAttester", (attester,), {"out0": registered}, admin
            )
        for account in sorted(self.attestation_rows):
            attester, level, expires = self.attestations.get(account, (ZERO_ADDRESS, 0, 0))
            yield ViewCheck(
                f"Reputation attestation of {account}",
                "attestationOf",
                (account,),
                {"attester": attester, "level": level, "expiresAt": expires},
                admin,
            )
        for (subject, role), score in self.scores.items():
            yield ViewCheck(
                f"Reputation score of {subject} as role {role}",
                "score",
                (subject, role),
                {"value": score.value, "updatedAt": score.updated_at},
                tuple(score.refs),
            )
        for source, ref, rater, subject in self.ratings:
            yield ViewCheck(
                f"Reputation rating of {subject} by {rater}",
                "hasRated",
                (source, ref, rater, subject),
                {"out0": True},
            )

    def state(self, block: BlockInfo) -> Iterator[list[Any]]:
        yield ["reputation", self.half_life or 0]
        yield self.owned.state()
        yield ["modules", sorted([m, r] for m, r in self.modules.items())]
        yield ["attesters", sorted([a, r] for a, r in self.attesters.items())]
        for account, (attester, level, expires) in sorted(self.attestations.items()):
            yield ["attestation", account, attester, level, expires]
        for (subject, role), score in sorted(self.scores.items()):
            yield ["score", subject, role, str(score.value), score.updated_at]
        for (source, ref, rater, subject), rating in sorted(self.ratings.items()):
            yield ["rating", source, str(ref), rater, subject, rating.stars, rating.weight_bps]

    def index_rows(self) -> dict[str, list[Row]]:
        return {
            "reputation_scores": [
                {
                    "account": subject,
                    "role": role,
                    "value": s.value,
                    "updated_at": s.updated_at,
                    "changes": s.changes,
                    "_events": tuple(s.refs),
                }
                for (subject, role), s in self.scores.items()
            ],
            "ratings": [
                {
                    "source": source,
                    "ref": ref,
                    "rater": rater,
                    "subject": subject,
                    "stars": r.stars,
                    "weight_bps": r.weight_bps,
                    "timestamp": r.timestamp,
                }
                for (source, ref, rater, subject), r in self.ratings.items()
            ],
            "attestations": [
                {
                    "account": account,
                    "attester": attester,
                    "level": level,
                    "expires_at": expires,
                    "revoked": revoked,
                }
                for account, (attester, level, expires, revoked) in self.attestation_rows.items()
            ],
            "attesters": [{"address": a, "registered": r} for a, r in self.attesters.items()],
        }

    def ledger(self, block: BlockInfo) -> dict[str, list[Row]]:
        return {}

    def facts(self, into: Facts) -> None:
        for (source, ref, rater, subject), r in self.ratings.items():
            into.ratings.append(
                Rating(
                    rater,
                    subject,
                    self.names.get(source, source),
                    ref,
                    r.stars,
                    r.weight_bps,
                    r.tx_hash,
                    r.timestamp,
                )
            )
            into.acts.append(Act(f"rated/{subject}", "rate", rater, 0, r.block, r.timestamp, r.tx_hash))
        for (subject, role, module, ref), (points, reason, tx) in self.earned.items():
            into.earned.append(Earned(subject, role, self.names.get(module, ""), ref, points, reason, tx))
