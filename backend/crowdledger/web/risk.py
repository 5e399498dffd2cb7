"""The risk notice on a campaign page, built only from on-chain facts. Every rule lives in `risks`, every
threshold in `THRESHOLDS`; the page shows each risk's message from the catalogue (key risk.CODE)."""

from dataclasses import dataclass, field
from typing import Any

BPS = 10_000
PLEDGE_WEIGHTED, ONE_PER_VERIFIED_IDENTITY = "pledge-weighted", "one-per-verified-identity"


@dataclass(frozen=True)
class Thresholds:
    concentration_bps: int = 5_000  # one account holds at least half the pledged weight
    # Pledge-weighted votes are a veto: a milestone is rejected when backers holding the quorum's share of the
    # money reject it (at most 50%, Crowdfund.MAX_QUORUM_BPS), and silence counts as approval.
    low_quorum_bps: int = 1_000  # backers holding under 10% of the money can reject for everyone
    high_quorum_bps: int = 3_000  # the money is released unless 30% or more of it actively rejects
    promise_ratio: int = 10  # the tiers promise rewards worth ten times the goal or more


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class CampaignFacts:
    goal: int
    raised: int
    milestone_count: int  # tranches; 1 when everything is released at success
    quorum_bps: int
    largest_pledge: int
    creator_other_campaigns: int  # launched before or after this one
    creator_has_score: bool  # any recorded reputation as a creator
    tiers: list[tuple[int, int]] = field(default_factory=list)  # (price, supply); supply 0 is unlimited
    vote_mode: str = PLEDGE_WEIGHTED
    min_attestation_level: int = 0  # one-per-verified-identity: the level a voter must hold


@dataclass(frozen=True)
class Risk:
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def risks(f: CampaignFacts, limits: Thresholds = THRESHOLDS) -> list[Risk]:
    found: list[Risk] = []
    if f.milestone_count <= 1:
        found.append(Risk("no_milestones"))
    if f.creator_other_campaigns == 0 and not f.creator_has_score:
        found.append(Risk("new_creator"))
    if f.raised > 0 and f.largest_pledge * BPS >= limits.concentration_bps * f.raised:
        found.append(Risk("concentrated", {"percent": _percent(f.largest_pledge * BPS // f.raised)}))
    if f.milestone_count > 1 and f.vote_mode == ONE_PER_VERIFIED_IDENTITY:
        # no quorum: more rejections than approvals among verified voters reject, whatever they pledged
        found.append(Risk("identity_votes", {"level": f.min_attestation_level}))
    elif f.milestone_count > 1:
        if f.quorum_bps < limits.low_quorum_bps:
            found.append(Risk("low_quorum", {"percent": _percent(f.quorum_bps)}))
        elif f.quorum_bps >= limits.high_quorum_bps:
            found.append(Risk("high_quorum", {"percent": _percent(f.quorum_bps)}))
    promised = sum(price * supply for price, supply in f.tiers if supply)
    if f.goal > 0 and promised >= limits.promise_ratio * f.goal:
        found.append(Risk("goal_below_promises", {"times": promised // f.goal}))
    return found


def _percent(bps: int) -> str:
    return f"{bps / 100:g}"
