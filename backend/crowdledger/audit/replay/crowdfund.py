"""Crowdfund rebuilt from its events: campaigns, tiers, pledges, votes, refund pools, fees
(docs/PROTOCOL.md §1.5, "Rebuilding state from the log"), and what it owes at a block (§1.8).

Each event that carries a running total is checked against the total the earlier events give.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from crowdledger.audit.facts import Act, Ballot, Deal, Facts, VoteOutcome
from crowdledger.audit.model import BlockInfo, EventRef, Obligation, Refs
from crowdledger.audit.money import Flows
from crowdledger.audit.replay.base import ZERO_ADDRESS, Replay, Row, ViewCheck
from crowdledger.audit.replay.platform import Platform
from crowdledger.chain.decode import Event

BPS = 10_000


class VoteMode(IntEnum):
    PLEDGE_WEIGHTED = 0
    ONE_PER_VERIFIED_IDENTITY = 1


VOTE_MODES = ("pledge-weighted", "one-per-verified-identity")  # the indexer's names, by VoteMode


class State(IntEnum):
    UPCOMING = 0
    FUNDING = 1
    SUCCEEDED = 2
    FAILED = 3
    CANCELLED = 4
    REJECTED = 5


@dataclass
class Tier:
    price: int
    supply: int
    taken: int = 0


@dataclass
class Pledge:
    amount: int = 0
    tier_id: int = 0
    last_voted_milestone: int = 0
    delivery_confirmed: bool = False
    non_delivery_reported: bool = False
    rated: bool = False  # the backer rated the creator (the ledger's Rated event, source this contract)
    pledged: int = 0  # every Pledged.amount, summed (money in)
    refunded: int = 0
    delivery: str | None = None  # as the indexer keeps it ("confirmed", "not-delivered"), kept after a refund
    delivery_event: tuple[int, int, str] | None = None  # (block, time, tx) of the delivery report
    first_block: int = 0
    first_time: int = 0
    first_tx: str = ""
    refs: Refs = field(default_factory=Refs)


@dataclass(frozen=True)
class Vote:
    approve: bool
    weight: int
    block: int
    timestamp: int
    tx_hash: str


@dataclass
class Milestone:
    ends_at: int
    opened_tx: str
    unverified_bps: int
    approve_weight: int = 0
    reject_weight: int = 0
    closed: bool = False
    approved: bool | None = None
    closed_tx: str = ""


@dataclass
class Campaign:
    id: int
    creator: str
    token: str
    goal: int
    starts_at: int
    deadline: int
    fee_bps: int
    quorum_bps: int
    milestone_bps: list[int]
    metadata_uri: str
    metadata_hash: str
    launched_block: int
    launched_at: int
    launched_tx: str
    delivery_date: int
    vote_mode: VoteMode
    min_attestation_level: int
    stored_state: State = State.FUNDING
    raised: int = 0
    released: int = 0
    tier_count: int = 0
    milestones_approved: int = 0
    vote_open: bool = False
    vote_ends_at: int = 0
    vote_unverified_bps: int = 0  # the ledger's unverified weight when the last vote opened
    approve_weight: int = 0
    reject_weight: int = 0
    pool_remaining: int = 0
    pool_weight: int = 0
    failure_recorded: bool = False
    backer_count: int = 0  # as the indexer counts: pledges that went from 0 to more, less unpledges
    refund_pool_indexed: int = 0  # as the indexer keeps it: set at rejection, less each later refund
    tiers: dict[int, Tier] = field(default_factory=dict)
    pledges: dict[str, Pledge] = field(default_factory=dict)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    votes: dict[tuple[int, str], Vote] = field(default_factory=dict)
    refs: Refs = field(default_factory=Refs)

    @property
    def milestone_count(self) -> int:
        return max(1, len(self.milestone_bps))

    @property
    def schedule(self) -> int:
        """milestoneSchedule as the contract packs it: tranche i's bps in bits [16i, 16i + 16)."""
        if self.milestone_count == 1:
            return 0
        return sum(bps << (16 * i) for i, bps in enumerate(self.milestone_bps))

    def state_at(self, now: int) -> State:
        if self.stored_state != State.FUNDING:
            return self.stored_state
        if now < self.starts_at:
            return State.UPCOMING
        if now < self.deadline:
            return State.FUNDING
        return State.SUCCEEDED if self.raised >= self.goal else State.FAILED

    def unlocked(self) -> int:
        tranches = self.milestones_approved + 1
        if tranches >= self.milestone_count:
            return self.raised
        return self.raised * sum(self.milestone_bps[:tranches]) // BPS

    def refundable(self, backer: str, now: int) -> int:
        state = self.state_at(now)
        pledged = self.pledges[backer].amount if backer in self.pledges else 0
        if state in (State.FAILED, State.CANCELLED):
            return pledged
        if state != State.REJECTED or pledged == 0:
            return 0
        if pledged == self.pool_weight:
            return self.pool_remaining
        return self.pool_remaining * pledged // self.pool_weight


def rejects(c: Campaign, approve_weight: int, reject_weight: int, unverified_bps: int) -> bool:
    """Whether a milestone vote with these tallies rejects (Crowdfund.closeVote): one vote per verified
    identity rejects when rejects outnumber approvals; a pledge-weighted vote is a veto when the reject weight
    reaches quorumBps of `raised` as unverified backers would weigh it (approvals do not offset it)."""
    if c.vote_mode == VoteMode.ONE_PER_VERIFIED_IDENTITY:
        return reject_weight > approve_weight
    return reject_weight > 0 and reject_weight * BPS * BPS >= c.quorum_bps * c.raised * unverified_bps


class CrowdfundReplay(Replay):
    contract = "Crowdfund"

    def __init__(self, address: str, flows: Flows, names: dict[str, str]) -> None:
        super().__init__(address, flows, names)
        self.platform = Platform(self.contract, flows, self.problem)
        self.campaigns: dict[int, Campaign] = {}
        self.reputation = ZERO_ADDRESS
        self.paused = False
        self.tokens: set[str] = set()
        # the indexer's token_totals: pledged, unpledged, refunded, claimed, fees per token
        self.totals: dict[str, dict[str, int]] = {}
        # what each creator claimed per token over all their campaigns, fees included (claimedByCreator)
        self.claimed_by_creator: dict[tuple[str, str], int] = {}
        self.claimed_by_creator_refs: dict[tuple[str, str], Refs] = {}

    # ------------------------------------------------------------------ events

    def apply(self, event: Event, timestamp: int) -> None:
        if self.platform.apply(event):
            self.events += 1
            return
        super().apply(event, timestamp)

    def _campaign(self, event: Event) -> Campaign | None:
        campaign = self.campaigns.get(event.args["campaignId"])
        if campaign is None:
            self.problem(
                event, f"campaign {event.args['campaignId']}", f"{event.name} for a campaign never launched"
            )
            return None
        campaign.refs.add(event)
        return campaign

    def _pledge(self, campaign: Campaign, event: Event) -> Pledge:
        backer = event.args["backer"]
        pledge = campaign.pledges.get(backer)
        if pledge is None:
            pledge = campaign.pledges[backer] = Pledge(first_block=event.block_number, first_tx=event.tx_hash)
        pledge.refs.add(event)
        return pledge

    def on_CampaignLaunched(self, e: Event, a: dict[str, Any], at: int) -> None:
        expected_id = len(self.campaigns) + 1
        self.expect(e, f"campaign {a['campaignId']}", "campaignId", a["campaignId"], expected_id)
        c = Campaign(
            id=a["campaignId"],
            creator=a["creator"],
            token=a["token"],
            goal=a["goal"],
            starts_at=a["startsAt"],
            deadline=a["deadline"],
            fee_bps=a["feeBps"],
            quorum_bps=a["quorumBps"],
            milestone_bps=list(a["milestoneBps"]),
            metadata_uri=a["metadataURI"],
            metadata_hash=a["metadataHash"],
            launched_block=e.block_number,
            launched_at=at,
            launched_tx=e.tx_hash,
            delivery_date=a["deliveryDate"],
            vote_mode=VoteMode(a["voteMode"]),
            min_attestation_level=a["minAttestationLevel"],
        )
        c.refs.add(e)
        self.campaigns[c.id] = c
        self.tokens.add(c.token)
        self._total(c.token)

    def on_TierAdded(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        c.tier_count += 1
        self.expect(e, f"campaign {c.id}", "tierId", a["tierId"], c.tier_count)
        c.tiers[a["tierId"]] = Tier(a["price"], a["supply"])

    def on_TierSupplyRaised(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is not None and a["tierId"] in c.tiers:
            c.tiers[a["tierId"]].supply = a["supply"]

    def on_Pledged(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        p = self._pledge(c, e)
        subject = f"campaign {c.id} pledge of {a['backer']}"
        self.expect(e, subject, "pledgeTotal", a["pledgeTotal"], p.amount + a["amount"])
        self.expect(e, f"campaign {c.id}", "raised", a["raised"], c.raised + a["amount"])
        if p.amount == 0:
            c.backer_count += 1
        if p.first_time == 0:
            p.first_time = at
        if a["tierId"] != p.tier_id:
            if p.tier_id and p.tier_id in c.tiers:
                c.tiers[p.tier_id].taken -= 1
            if a["tierId"] and a["tierId"] in c.tiers:
                c.tiers[a["tierId"]].taken += 1
            p.tier_id = a["tierId"]
        p.amount = a["pledgeTotal"]
        p.pledged += a["amount"]
        c.raised = a["raised"]
        self._total(c.token)["pledged"] += a["amount"]
        self.flows.paid_in(self.contract, a["backer"], c.token, a["amount"], EventRef.of(e))

    def on_Unpledged(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        p = self._pledge(c, e)
        subject = f"campaign {c.id} pledge of {a['backer']}"
        self.expect(e, subject, "amount", a["amount"], p.amount)
        self.expect(e, subject, "tierId", a["tierId"], p.tier_id)
        self.expect(e, f"campaign {c.id}", "raised", a["raised"], c.raised - p.amount)
        if a["tierId"] and a["tierId"] in c.tiers:
            c.tiers[a["tierId"]].taken -= 1
        self._delete(p)
        c.backer_count -= 1
        c.raised = a["raised"]
        self._total(c.token)["unpledged"] += a["amount"]
        self.flows.received(self.contract, a["to"], c.token, a["amount"], EventRef.of(e))

    def on_CampaignCancelled(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is not None:
            c.stored_state = State.CANCELLED

    def on_Claimed(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        due = a["released"] - c.released
        self.expect(e, f"campaign {c.id}", "released", a["released"], c.unlocked())
        self.expect(e, f"campaign {c.id}", "amount + fee", a["amount"] + a["fee"], due)
        self.expect(e, f"campaign {c.id}", "fee", a["fee"], due * c.fee_bps // BPS)
        c.released = a["released"]
        key = (c.creator, c.token)
        self.claimed_by_creator[key] = self.claimed_by_creator.get(key, 0) + due
        self.claimed_by_creator_refs.setdefault(key, Refs()).add(e)
        self.platform.accrue(c.token, a["fee"], e)
        total = self._total(c.token)
        total["claimed"] += a["amount"]
        total["fees"] += a["fee"]
        self.flows.received(self.contract, a["to"], c.token, a["amount"], EventRef.of(e))

    def on_Refunded(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        p = self._pledge(c, e)
        expected = c.refundable(a["backer"], at)
        self.expect(e, f"campaign {c.id} refund of {a['backer']}", "amount", a["amount"], expected)
        if c.stored_state == State.REJECTED:
            c.pool_remaining -= a["amount"]
            c.pool_weight -= p.amount
            c.refund_pool_indexed -= a["amount"]
        self._delete(p)
        p.refunded += a["amount"]
        self._total(c.token)["refunded"] += a["amount"]
        self.flows.received(self.contract, a["to"], c.token, a["amount"], EventRef.of(e))

    def on_VoteOpened(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        self.expect(e, f"campaign {c.id}", "milestone", a["milestone"], c.milestones_approved + 1)
        c.vote_open, c.vote_ends_at = True, a["endsAt"]
        c.vote_unverified_bps = a["unverifiedWeightBps"]
        if c.vote_mode == VoteMode.ONE_PER_VERIFIED_IDENTITY or self.reputation == ZERO_ADDRESS:
            self.expect(e, f"campaign {c.id}", "unverifiedWeightBps", a["unverifiedWeightBps"], BPS)
        c.approve_weight = c.reject_weight = 0
        c.milestones[a["milestone"]] = Milestone(a["endsAt"], e.tx_hash, a["unverifiedWeightBps"])

    def on_Voted(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        p = self._pledge(c, e)
        subject = f"campaign {c.id} milestone {a['milestone']}"
        if c.vote_mode == VoteMode.ONE_PER_VERIFIED_IDENTITY:
            self.expect(e, subject, "weight", a["weight"], 1)
        elif self.reputation == ZERO_ADDRESS:
            self.expect(e, subject, "weight", a["weight"], p.amount)
        elif a["weight"] > p.amount:  # the pledge × the voter's identity weight (at most 10,000 bps)
            self.problem(e, subject, f"Voted.weight is {a['weight']}, more than the pledge {p.amount}")
        if a["approve"]:
            c.approve_weight += a["weight"]
        else:
            c.reject_weight += a["weight"]
        self.expect(e, subject, "approveWeight", a["approveWeight"], c.approve_weight)
        self.expect(e, subject, "rejectWeight", a["rejectWeight"], c.reject_weight)
        c.approve_weight, c.reject_weight = a["approveWeight"], a["rejectWeight"]
        p.last_voted_milestone = a["milestone"]
        m = c.milestones.get(a["milestone"])
        if m is not None:
            m.approve_weight, m.reject_weight = a["approveWeight"], a["rejectWeight"]
        c.votes[(a["milestone"], a["backer"])] = Vote(
            a["approve"], a["weight"], e.block_number, at, e.tx_hash
        )

    def on_VoteClosed(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        subject = f"campaign {c.id} milestone {a['milestone']}"
        self.expect(e, subject, "approved", a["approved"], not self._rejects(c))
        pool = 0 if a["approved"] else c.raised - c.unlocked()
        self.expect(e, subject, "refundPool", a["refundPool"], pool)
        c.vote_open = False
        if a["approved"]:
            c.milestones_approved += 1
        else:
            c.stored_state = State.REJECTED
            c.pool_remaining, c.pool_weight = a["refundPool"], c.raised
            c.refund_pool_indexed = a["refundPool"]
        m = c.milestones.get(a["milestone"])
        if m is not None:
            m.closed, m.approved, m.closed_tx = True, a["approved"], e.tx_hash

    def on_FailureRecorded(self, e: Event, a: dict[str, Any], at: int) -> None:
        c = self._campaign(e)
        if c is None:
            return
        if c.failure_recorded:
            self.problem(e, f"campaign {c.id}", "a failure recorded twice")
        state = c.state_at(at)
        if state != State.FAILED:
            self.problem(e, f"campaign {c.id}", f"a failure recorded for a {state.name.lower()} campaign")
        c.failure_recorded = True

    def on_DeliveryConfirmed(self, e: Event, a: dict[str, Any], at: int) -> None:
        self._delivery(e, a, at, confirmed=True)

    def on_NonDeliveryReported(self, e: Event, a: dict[str, Any], at: int) -> None:
        self._delivery(e, a, at, confirmed=False)

    def _delivery(self, e: Event, a: dict[str, Any], at: int, confirmed: bool) -> None:
        """A backer of a funded campaign confirms delivery or reports non-delivery (after the delivery date),
        once; the event carries the pledge the ledger prices."""
        c = self._campaign(e)
        if c is None:
            return
        p = self._pledge(c, e)
        subject = f"campaign {c.id} pledge of {a['backer']}"
        self.expect(e, subject, "pledge", a["pledge"], p.amount)
        state = c.state_at(at)
        if state not in (State.SUCCEEDED, State.REJECTED):
            self.problem(e, subject, f"delivery recorded for a {state.name.lower()} campaign")
        if p.delivery_confirmed or p.non_delivery_reported:
            self.problem(e, subject, "delivery recorded twice")
        if not confirmed and at < c.delivery_date:
            self.problem(e, subject, f"non-delivery reported before the delivery date {c.delivery_date}")
        if confirmed:
            p.delivery_confirmed, p.delivery = True, "confirmed"
        else:
            p.non_delivery_reported, p.delivery = True, "not-delivered"
        p.delivery_event = (e.block_number, at, e.tx_hash)

    def rated(self, event: Event, ref: int, rater: str, subject: str) -> None:
        """consumeRating: only a backer who confirmed or denied delivery rates, only the creator, once."""
        c = self.campaigns.get(ref)
        where = f"campaign {ref} rating by {rater}"
        if c is None:
            self.problem(event, where, "a rating about a campaign never launched")
            return
        p = c.pledges.get(rater)
        if subject != c.creator:
            self.problem(event, where, f"rated {subject}, who is not the creator {c.creator}")
        elif p is None or p.amount == 0:
            self.problem(event, where, "a rating by an account with no pledge")
        elif not (p.delivery_confirmed or p.non_delivery_reported):
            self.problem(event, where, "a rating before the backer confirmed or denied delivery")
        elif p.rated:
            self.problem(event, where, "the creator rated twice by one backer")
        else:
            p.rated = True
            p.refs.add(event)

    @staticmethod
    def _delete(p: Pledge) -> None:
        """Unpledge and refund delete the pledge's slot: amount, tier, vote and delivery flags."""
        p.amount, p.tier_id, p.last_voted_milestone = 0, 0, 0
        p.delivery_confirmed = p.non_delivery_reported = p.rated = False

    def on_ReputationChanged(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.reputation = a["newReputation"]
        self.platform.refs.add(e)

    def on_Paused(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.paused = True
        self.platform.refs.add(e)

    def on_Unpaused(self, e: Event, a: dict[str, Any], at: int) -> None:
        self.paused = False
        self.platform.refs.add(e)

    @staticmethod
    def _rejects(c: Campaign) -> bool:
        return rejects(c, c.approve_weight, c.reject_weight, c.vote_unverified_bps)

    def _total(self, token: str) -> dict[str, int]:
        return self.totals.setdefault(
            token, dict.fromkeys(("pledged", "unpledged", "refunded", "claimed", "fees"), 0)
        )

    # ------------------------------------------------------------------ at the audited block

    def obligations(self, block: BlockInfo) -> Iterator[Obligation]:
        now = block.timestamp
        for c in self.campaigns.values():
            state = c.state_at(now)
            ref = f"campaign:{c.id}"
            if state in (State.UPCOMING, State.FUNDING, State.FAILED, State.CANCELLED):
                basis = (
                    "pledge, which the backer may take back before the deadline"
                    if state in (State.UPCOMING, State.FUNDING)
                    else f"refund of the pledge to a {state.name.lower()} campaign"
                )
                for backer, p in c.pledges.items():
                    if p.amount:
                        yield Obligation(self.contract, backer, c.token, p.amount, basis, ref, tuple(p.refs))
                continue
            due = c.unlocked() - c.released
            if due:
                fee = due * c.fee_bps // BPS
                events = tuple(c.refs)
                yield Obligation(
                    self.contract,
                    c.creator,
                    c.token,
                    due - fee,
                    "unlocked funds the creator may claim",
                    ref,
                    events,
                )
                if fee:
                    yield Obligation(
                        self.contract,
                        self.platform.treasury,
                        c.token,
                        fee,
                        "fee on the creator's unclaimed funds",
                        ref,
                        events,
                    )
            if state == State.SUCCEEDED:
                locked = c.raised - c.unlocked()
                if locked:
                    yield Obligation(
                        self.contract,
                        ref,
                        c.token,
                        locked,
                        "tranches locked until milestone votes release them (the backers' if rejected)",
                        ref,
                        tuple(c.refs),
                    )
            else:  # rejected: each backer's pro-rata share of the pool; the rounding rides on the last refund
                shares = 0
                for backer, p in c.pledges.items():
                    share = c.refundable(backer, now)
                    if share:
                        shares += share
                        yield Obligation(
                            self.contract,
                            backer,
                            c.token,
                            share,
                            "pro-rata refund after a rejected milestone",
                            ref,
                            tuple(p.refs),
                        )
                if c.pool_remaining > shares:
                    yield Obligation(
                        self.contract,
                        ref,
                        c.token,
                        c.pool_remaining - shares,
                        "rounding left in the refund pool (paid with its last refund)",
                        ref,
                        tuple(c.refs),
                    )
        yield from self.platform.obligations()

    def view_checks(self, block: BlockInfo) -> Iterator[ViewCheck]:
        now = block.timestamp
        yield ViewCheck("Crowdfund campaign count", "campaignCount", (), {"out0": len(self.campaigns)})
        yield ViewCheck(
            "Crowdfund reputation ledger",
            "reputation",
            (),
            {"out0": self.reputation},
            tuple(self.platform.refs),
        )
        yield ViewCheck("Crowdfund paused", "paused", (), {"out0": self.paused}, tuple(self.platform.refs))
        yield from self.platform.view_checks(self.contract, self.tokens)
        for (creator, token), claimed in self.claimed_by_creator.items():
            yield ViewCheck(
                f"Crowdfund creator {creator} in {token}",
                "claimedByCreator",
                (creator, token),
                {"out0": claimed},
                tuple(self.claimed_by_creator_refs[(creator, token)]),
            )
        for c in self.campaigns.values():
            subject = f"Crowdfund campaign {c.id}"
            events = tuple(c.refs)
            yield ViewCheck(
                subject,
                "campaign",
                (c.id,),
                {
                    "token": c.token,
                    "startsAt": c.starts_at,
                    "deadline": c.deadline,
                    "storedState": int(c.stored_state),
                    "milestoneCount": c.milestone_count,
                    "raised": c.raised,
                    "goal": c.goal,
                    "creator": c.creator,
                    "feeBps": c.fee_bps,
                    "quorumBps": c.quorum_bps,
                    "tierCount": c.tier_count,
                    "milestonesApproved": c.milestones_approved,
                    "voteOpen": c.vote_open,
                    "voteEndsAt": c.vote_ends_at,
                    "released": c.released,
                    "failureRecorded": c.failure_recorded,
                    "milestoneSchedule": c.schedule,
                    "deliveryDate": c.delivery_date,
                    "voteMode": int(c.vote_mode),
                    "minAttestationLevel": c.min_attestation_level,
                    "voteUnverifiedWeightBps": c.vote_unverified_bps,
                },
                events,
            )
            yield ViewCheck(subject, "stateOf", (c.id,), {"out0": int(c.state_at(now))}, events)
            yield ViewCheck(
                subject,
                "tallies",
                (c.id,),
                {"approveWeight": c.approve_weight, "rejectWeight": c.reject_weight},
                events,
            )
            yield ViewCheck(
                subject,
                "refundPools",
                (c.id,),
                {"remaining": c.pool_remaining, "weight": c.pool_weight},
                events,
            )
            state = c.state_at(now)
            due = c.unlocked() - c.released if state in (State.SUCCEEDED, State.REJECTED) else 0
            yield ViewCheck(subject, "claimable", (c.id,), {"out0": due}, events)
            for tier_id, t in c.tiers.items():
                yield ViewCheck(
                    f"{subject} tier {tier_id}",
                    "tiers",
                    (c.id, tier_id),
                    {"price": t.price, "supply": t.supply, "taken": t.taken},
                    events,
                )
            for backer, p in c.pledges.items():
                pledge_subject = f"{subject} pledge of {backer}"
                yield ViewCheck(
                    pledge_subject,
                    "pledges",
                    (c.id, backer),
                    {
                        "amount": p.amount,
                        "tierId": p.tier_id,
                        "lastVotedMilestone": p.last_voted_milestone,
                        "deliveryConfirmed": p.delivery_confirmed,
                        "nonDeliveryReported": p.non_delivery_reported,
                        "rated": p.rated,
                    },
                    tuple(p.refs),
                )
                yield ViewCheck(
                    pledge_subject,
                    "refundable",
                    (c.id, backer),
                    {"out0": c.refundable(backer, now)},
                    tuple(p.refs),
                )

    def state(self, block: BlockInfo) -> Iterator[list[Any]]:
        now = block.timestamp
        yield ["crowdfund", self.reputation, self.paused, len(self.campaigns)]
        yield self.platform.state()
        for c in sorted(self.campaigns.values(), key=lambda c: c.id):
            yield [
                "campaign",
                c.id,
                c.creator,
                c.token,
                str(c.goal),
                c.starts_at,
                c.deadline,
                c.fee_bps,
                c.quorum_bps,
                c.milestone_bps,
                c.metadata_uri,
                c.metadata_hash,
                int(c.state_at(now)),
                str(c.raised),
                str(c.released),
                c.milestones_approved,
                c.vote_open,
                c.vote_ends_at,
                str(c.approve_weight),
                str(c.reject_weight),
                str(c.pool_remaining),
                str(c.pool_weight),
                c.failure_recorded,
                c.delivery_date,
                int(c.vote_mode),
                c.min_attestation_level,
                c.vote_unverified_bps,
            ]
            for tier_id, t in sorted(c.tiers.items()):
                yield ["tier", c.id, tier_id, str(t.price), t.supply, t.taken]
            for backer, p in sorted(c.pledges.items()):
                yield [
                    "pledge",
                    c.id,
                    backer,
                    str(p.amount),
                    p.tier_id,
                    p.last_voted_milestone,
                    str(p.refunded),
                    p.delivery_confirmed,
                    p.non_delivery_reported,
                    p.rated,
                ]
            for (milestone, voter), v in sorted(c.votes.items()):
                yield ["vote", c.id, milestone, voter, v.approve, str(v.weight)]

    def index_rows(self) -> dict[str, list[Row]]:
        campaigns: list[Row] = []
        tiers: list[Row] = []
        pledges: list[Row] = []
        milestones: list[Row] = []
        votes: list[Row] = []
        for c in self.campaigns.values():
            campaigns.append(
                {
                    "id": c.id,
                    "creator": c.creator,
                    "token": c.token,
                    "goal": c.goal,
                    "starts_at": c.starts_at,
                    "deadline": c.deadline,
                    "fee_bps": c.fee_bps,
                    "quorum_bps": c.quorum_bps,
                    "vote_mode": VOTE_MODES[c.vote_mode],
                    "min_attestation_level": c.min_attestation_level,
                    "delivery_date": c.delivery_date,
                    "milestone_bps": c.milestone_bps,
                    "metadata_uri": c.metadata_uri,
                    "metadata_hash": c.metadata_hash,
                    "raised": c.raised,
                    "released": c.released,
                    "backer_count": c.backer_count,
                    "funded_bps": c.raised * BPS // c.goal if c.goal else 0,
                    "cancelled": c.stored_state == State.CANCELLED,
                    "rejected": c.stored_state == State.REJECTED,
                    "milestones_approved": c.milestones_approved,
                    "refund_pool": c.refund_pool_indexed,
                    "failure_recorded": c.failure_recorded,
                    "launched_block": c.launched_block,
                    "launched_at": c.launched_at,
                    "_events": tuple(c.refs),
                }
            )
            for tier_id, t in c.tiers.items():
                tiers.append(
                    {
                        "campaign_id": c.id,
                        "tier_id": tier_id,
                        "price": t.price,
                        "supply": t.supply,
                        "taken": t.taken,
                    }
                )
            for backer, p in c.pledges.items():
                pledges.append(
                    {
                        "campaign_id": c.id,
                        "backer": backer,
                        "amount": p.amount,
                        "tier_id": p.tier_id,
                        "refunded": p.refunded,
                        "first_block": p.first_block,
                        "delivery": p.delivery,
                        "_events": tuple(p.refs),
                    }
                )
            for number, m in c.milestones.items():
                milestones.append(
                    {
                        "campaign_id": c.id,
                        "milestone": number,
                        "ends_at": m.ends_at,
                        "approve_weight": m.approve_weight,
                        "reject_weight": m.reject_weight,
                        "closed": m.closed,
                        "approved": m.approved,
                    }
                )
            for (milestone, voter), v in c.votes.items():
                votes.append(
                    {
                        "campaign_id": c.id,
                        "milestone": milestone,
                        "backer": voter,
                        "approve": v.approve,
                        "weight": v.weight,
                    }
                )
        totals = [{"token": token, **amounts} for token, amounts in self.totals.items()]
        return {
            "campaigns": campaigns,
            "tiers": tiers,
            "pledges": pledges,
            "milestone_votes": milestones,
            "votes": votes,
            "token_totals": totals,
        }

    def ledger(self, block: BlockInfo) -> dict[str, list[Row]]:
        now = block.timestamp
        rows = []
        for c in sorted(self.campaigns.values(), key=lambda c: c.id):
            refunded = sum(p.refunded for p in c.pledges.values())
            rows.append(
                {
                    "campaign": c.id,
                    "creator": c.creator,
                    "asset": c.token,
                    "state": c.state_at(now).name.lower(),
                    "goal": str(c.goal),
                    "raised": str(c.raised),
                    "released": str(c.released),
                    "refunded": str(refunded),
                    "backers": sum(1 for p in c.pledges.values() if p.amount),
                    "milestones": c.milestone_count,
                    "milestones_approved": c.milestones_approved,
                    "fee_bps": c.fee_bps,
                    "launched_block": c.launched_block,
                    "launch_tx": c.launched_tx,
                }
            )
        return {"campaigns": rows}

    def facts(self, into: Facts) -> None:
        for c in self.campaigns.values():
            deal = Deal(
                self.contract, c.id, "campaign", c.creator, None, c.token, c.raised, c.released, c.launched_tx
            )
            into.deals[deal.key] = deal
            for backer, p in c.pledges.items():
                total = p.pledged
                into.acts.append(
                    Act(deal.key, "pledge", backer, total, p.first_block, p.first_time, p.first_tx)
                )
            for (milestone, voter), v in c.votes.items():
                into.ballots.append(Ballot(c.id, milestone, voter, v.approve, v.weight, v.tx_hash))
                into.acts.append(Act(deal.key, "vote", voter, v.weight, v.block, v.timestamp, v.tx_hash))
            for number, m in c.milestones.items():
                if m.closed:
                    approved = bool(m.approved)
                else:
                    approved = not rejects(c, m.approve_weight, m.reject_weight, m.unverified_bps)
                into.outcomes.append(
                    VoteOutcome(
                        c.id,
                        number,
                        m.closed,
                        approved,
                        m.approve_weight,
                        m.reject_weight,
                        c.quorum_bps,
                        c.raised,
                        m.closed_tx or m.opened_tx,
                        c.vote_mode == VoteMode.ONE_PER_VERIFIED_IDENTITY,
                        m.unverified_bps,
                    )
                )

    def assets(self) -> set[str]:
        return {ZERO_ADDRESS} | self.tokens
