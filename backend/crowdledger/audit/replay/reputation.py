"""Reputation rebuilt from its events: scores (faded exactly as the contract fades them, period by period of
the half-life history), the prices of deals, settled values and ratings, the pairs' deal counts, registered
assets, identity weights, attestations, modules, attesters (docs/PROTOCOL.md §2.6). It holds no money, so it
owes nothing.

Every ScoreChanged's newScore is checked against the replay, and its points against the pricing event before
it (DealRecorded, ValueRecorded or Rated), whose inputs (value factor, identity weights, the pair's earlier
deals) are in turn checked against the assets, attestations and deals the replay holds.
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
from crowdledger.reputation import (
    HalfLifePeriod,
    deal_points,
    fade_across,
    int256_or_none,
    rating_points,
    value_factor,
    value_points,
)

BPS = 10_000
WAD = 10**18


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
    value_factor: int
    pair_deals: int
    block: int
    timestamp: int
    tx_hash: str


class ReputationReplay(Replay):
    contract = "Reputation"

    def __init__(self, address: str, flows: Flows, names: dict[str, str]) -> None:
        super().__init__(address, flows, names)
        self.owned = Owned()
        self.half_life: int | None = None
        self.periods: list[HalfLifePeriod] = []
        self.assets_: dict[str, tuple[int, int]] = {}  # token -> (unit, minimum)
        self.identity_level = 0
        self.unverified_weight_bps = 0
        self.nonces: dict[tuple[str, str], int] = {}  # (attester, account) -> nonce set by a revoke or void
        self.pair_deals: dict[tuple[str, str], int] = {}
        self.modules: dict[str, bool] = {}
        self.attesters: dict[str, bool] = {}
        self.attestations: dict[str, tuple[str, int, int]] = {}  # as stored: deleted on revoke
        self.attestation_rows: dict[str, tuple[str, int, int, bool]] = {}  # as the indexer keeps them
        self.scores: dict[tuple[str, int], Score] = {}
        self.ratings: dict[tuple[str, int, str, str], RatingRecord] = {}
        self.earned: dict[tuple[str, int, str, int], list[Any]] = {}  # -> [points, reason, first tx]
        # the pricing event whose ScoreChanged events are due, and those still due: (subject, points)
        self._pricing: Event | None = None
        self._due: list[tuple[str, int]] = []
        self.admin_refs = Refs()

    def apply(self, event: Event, timestamp: int) -> None:
        if self.owned.apply(event):
            self.events += 1
            return
        super().apply(event, timestamp)

    def on_HalfLifeChanged(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.expect(e, "half-life", "oldHalfLife", a["oldHalfLife"], self.half_life or 0)
        self.half_life = a["newHalfLife"]
        self.periods.append(HalfLifePeriod(at, a["newHalfLife"]))
        self.admin_refs.add(e)

    def on_AssetSet(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.assets_[a["token"]] = (a["unit"], a["minimum"])
        self.admin_refs.add(e)

    def on_IdentityWeightsSet(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.identity_level, self.unverified_weight_bps = a["identityLevel"], a["unverifiedWeightBps"]
        self.admin_refs.add(e)

    def on_SignaturesVoided(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.nonces[(a["attester"], a["account"])] = a["nextNonce"]
        self.admin_refs.add(e)

    def _verified(self, account: str, min_level: int, at: int) -> bool:
        attester, level, expires = self.attestations.get(account, (ZERO_ADDRESS, 0, 0))
        return (
            attester != ZERO_ADDRESS
            and level >= min_level
            and at < expires
            and self.attesters.get(attester, False)
        )

    def _weight(self, account: str, at: int) -> int:
        """identityWeightBps at time `at`: full for an account verified at the identity level."""
        return BPS if self._verified(account, self.identity_level, at) else self.unverified_weight_bps

    def _factor(self, token: str, amount: int) -> int:
        unit, minimum = self.assets_.get(token, (0, 0))
        return value_factor(amount, unit, minimum)

    def _price(self, e: Event, due: list[tuple[str, int]]) -> None:
        """`e` prices a change: the ScoreChanged events that follow must carry exactly `due`."""
        self._close_pricing()
        self._pricing, self._due = e, [(subject, points) for subject, points in due if points != 0]

    def _close_pricing(self) -> None:
        if self._pricing is not None and self._due:
            subject, points = self._due[0]
            self.problem(
                self._pricing, f"score of {subject}", f"{points} points priced, no ScoreChanged carried them"
            )
        self._pricing, self._due = None, []

    @staticmethod
    def _pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if int(a, 16) < int(b, 16) else (b, a)

    def on_DealRecorded(self, e: Event, a: dict[str, Any], at: int) -> None:
        subject = f"deal between {a['payee']} and {a['payer']}"
        pair = self._pair(a["payee"], a["payer"])
        earlier = self.pair_deals.get(pair, 0)
        self.expect(e, subject, "earlierDeals", a["earlierDeals"], earlier)
        self.expect(e, subject, "valueFactor", a["valueFactor"], self._factor(a["token"], a["amount"]))
        self.expect(e, subject, "payerWeightBps", a["payerWeightBps"], self._weight(a["payer"], at))
        self.expect(e, subject, "payeeWeightBps", a["payeeWeightBps"], self._weight(a["payee"], at))
        self.pair_deals[pair] = earlier + 1
        factor = a["valueFactor"]
        self._price(
            e,
            [
                (a["payee"], deal_points(a["payeePoints"], factor, a["payerWeightBps"], a["earlierDeals"])),
                (a["payer"], deal_points(a["payerPoints"], factor, a["payeeWeightBps"], a["earlierDeals"])),
            ],
        )

    def on_ValueRecorded(self, e: Event, a: dict[str, Any], at: int) -> None:
        subject = f"value settled to {a['subject']} as role {a['role']}"
        before, after = a["valueFactorBefore"], a["valueFactorAfter"]
        self.expect(e, subject, "valueFactorBefore", before, self._factor(a["token"], a["valueBefore"]))
        self.expect(e, subject, "valueFactorAfter", after, self._factor(a["token"], a["valueAfter"]))
        self._price(e, [(a["subject"], value_points(a["basePoints"], before, after))])

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
        self.nonces[(a["attester"], a["account"])] = a["nextNonce"]
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
        subject = f"rating of {a['subject']} by {a['rater']}"
        self.expect(e, subject, "weightBps", a["weightBps"], self._weight(a["rater"], at))
        pair_deals = self.pair_deals.get(self._pair(a["rater"], a["subject"]), 0)
        self.expect(e, subject, "pairDeals", a["pairDeals"], pair_deals)
        if a["valueFactor"] > WAD:
            self.problem(e, subject, f"Rated.valueFactor {a['valueFactor']} is above the cap of 1 (WAD)")
        self.ratings[key] = RatingRecord(
            a["stars"], a["weightBps"], a["valueFactor"], a["pairDeals"], e.block_number, at, e.tx_hash
        )
        source = self.peers.get(a["source"])
        if source is not None:
            source.rated(e, a["ref"], a["rater"], a["subject"])
        points = rating_points(a["stars"], a["valueFactor"], a["weightBps"], a["pairDeals"])
        self._price(e, [(a["subject"], points)])
        if points == 0:  # a neutral or worthless rating still writes its score
            self._due = [(a["subject"], 0)]

    def on_ScoreChanged(self, e: Event, a: dict[str, Any], at: int) -> None:
        subject = f"score of {a['subject']} as role {a['role']}"
        if self.half_life is None:
            self.problem(e, subject, "a score changed before any half-life was set")
            return
        key = (a["subject"], a["role"])
        score = self.scores.setdefault(key, Score())
        faded = fade_across(score.value, score.updated_at, at, self.periods) if score.value else 0
        self.expect(e, subject, "newScore", a["newScore"], faded + a["points"])
        reason = reason_text(a["reason"])
        pricing = self._pricing
        if pricing is None or not self._due or pricing.tx_hash != e.tx_hash:
            self.problem(e, subject, "a score change no DealRecorded, ValueRecorded or Rated prices")
        else:
            due_subject, due_points = self._due.pop(0)
            self.expect(e, subject, "subject", a["subject"], due_subject)
            self.expect(e, subject, "points", a["points"], due_points)
        score.value, score.updated_at = a["newScore"], at
        score.changes += 1
        score.refs.add(e)
        if a["points"] > 0:
            gained = self.earned.setdefault(
                (a["subject"], a["role"], a["module"], a["ref"]), [0, reason, e.tx_hash]
            )
            gained[0] += a["points"]

    # ------------------------------------------------------------------ at the audited block

    def finish(self, block: BlockInfo) -> None:
        self._close_pricing()

    def obligations(self, block: BlockInfo) -> Iterator[Obligation]:
        return iter(())

    def view_checks(self, block: BlockInfo) -> Iterator[ViewCheck]:
        admin = tuple(self.admin_refs)
        yield ViewCheck("Reputation half-life", "halfLife", (), {"out0": self.half_life or 0}, admin)
        yield ViewCheck(
            "Reputation identity level", "identityLevel", (), {"out0": self.identity_level}, admin
        )
        yield ViewCheck(
            "Reputation unverified weight",
            "unverifiedWeightBps",
            (),
            {"out0": self.unverified_weight_bps},
            admin,
        )
        for token, (unit, minimum) in sorted(self.assets_.items()):
            yield ViewCheck(
                f"Reputation asset {token}", "assets", (token,), {"unit": unit, "minimum": minimum}, admin
            )
        for (a, b), deals in sorted(self.pair_deals.items()):
            yield ViewCheck(f"Reputation deals between {a} and {b}", "dealsBetween", (a, b), {"out0": deals})
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

    def state(self, block: BlockInfo) -> Iterator[list[Any]]:
        yield ["reputation", self.half_life or 0, self.identity_level, self.unverified_weight_bps]
        yield ["half-life periods", [[p.since, p.half_life] for p in self.periods]]
        yield ["assets", sorted([t, str(u), str(m)] for t, (u, m) in self.assets_.items())]
        yield ["pairs", sorted([a, b, n] for (a, b), n in self.pair_deals.items())]
        yield ["nonces", sorted([a, b, n] for (a, b), n in self.nonces.items())]
        yield self.owned.state()
        yield ["modules", sorted([m, r] for m, r in self.modules.items())]
        yield ["attesters", sorted([a, r] for a, r in self.attesters.items())]
        for account, (attester, level, expires) in sorted(self.attestations.items()):
            yield ["attestation", account, attester, level, expires]
        for (subject, role), score in sorted(self.scores.items()):
            yield ["score", subject, role, str(score.value), score.updated_at]
        for (source, ref, rater, subject), rating in sorted(self.ratings.items()):
            yield [
                "rating",
                source,
                str(ref),
                rater,
                subject,
                rating.stars,
                rating.weight_bps,
                str(rating.value_factor),
                rating.pair_deals,
            ]

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
                    "value_factor": r.value_factor,
                    "pair_deals": r.pair_deals,
                    "points": int256_or_none(
                        rating_points(r.stars, r.value_factor, r.weight_bps, r.pair_deals)
                    ),
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
