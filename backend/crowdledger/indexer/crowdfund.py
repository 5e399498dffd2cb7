"""Crowdfund events to the derived crowdfunding tables: campaigns, tiers, pledges, votes, money per token.

`apply` is the only writer of these tables, and it reads nothing but the events it is given and the rows they
touch, so replaying all events from the start rebuilds the same tables (which is how a reorg is undone).
Every rule here mirrors contracts/Crowdfund.sol; docs/PROTOCOL.md says which event carries what.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from crowdledger.chain.decode import Event
from crowdledger.store.models import Campaign, MilestoneVote, Pledge, Tier, TokenTotal, Vote
from crowdledger.store.rows import Row, Rows

BPS = 10_000
VOTE_MODES = ("pledge-weighted", "one-per-verified-identity")  # Crowdfund.VoteMode, by value
# Events a creator causes that do not name them; for account histories their actor is the campaign's creator.
# (A backer may open a vote after MILESTONE_GRACE; such a VoteOpened is still listed under the creator.)
_CREATOR_ACTIONS = frozenset({"CampaignCancelled", "Claimed", "VoteOpened", "TierAdded", "TierSupplyRaised"})


def actors(conn: Connection, events: Sequence[Event]) -> dict[tuple[int, int], str]:
    """The actor of each creator action among `events`, by event key."""
    wanted = [e for e in events if e.contract == "Crowdfund" and e.name in _CREATOR_ACTIONS]
    if not wanted:
        return {}
    creators = {e.args["campaignId"]: e.args["creator"] for e in events if e.name == "CampaignLaunched"}
    missing = sorted({e.args["campaignId"] for e in wanted} - creators.keys())
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        found = conn.execute(select(Campaign.id, Campaign.creator).where(Campaign.id.in_(chunk)))
        creators.update((campaign_id, creator) for campaign_id, creator in found)
    return {e.key: creators[e.args["campaignId"]] for e in wanted if e.args["campaignId"] in creators}


def _funded_bps(raised: int, goal: int) -> int:
    return raised * BPS // goal if goal else 0


class _Batch:
    def __init__(self) -> None:
        self.campaigns = Rows(Campaign.__table__, ("id",))  # type: ignore[arg-type]
        self.tiers = Rows(Tier.__table__, ("campaign_id", "tier_id"))  # type: ignore[arg-type]
        self.pledges = Rows(Pledge.__table__, ("campaign_id", "backer"))  # type: ignore[arg-type]
        self.milestones = Rows(MilestoneVote.__table__, ("campaign_id", "milestone"))  # type: ignore[arg-type]
        self.votes = Rows(Vote.__table__, ("campaign_id", "milestone", "backer"))  # type: ignore[arg-type]
        self.totals = Rows(TokenTotal.__table__, ("token",))  # type: ignore[arg-type]
        self.all = (self.campaigns, self.tiers, self.pledges, self.milestones, self.votes, self.totals)

    def total(self, token: str) -> Row:
        row = self.totals.get((token,))
        if row is None:
            zero = dict.fromkeys(("pledged", "unpledged", "refunded", "claimed", "fees"), 0)
            row = self.totals.add({"token": token, **zero})
        return row


def apply(conn: Connection, events: Sequence[Event], timestamps: dict[int, int]) -> None:
    """Apply Crowdfund events, in chain order, to the derived tables."""
    events = [e for e in events if e.contract == "Crowdfund"]
    if not events:
        return
    batch = _Batch()
    campaign_ids = {e.args["campaignId"] for e in events if "campaignId" in e.args}
    batch.campaigns.load(conn, ((i,) for i in campaign_ids))
    batch.pledges.load(conn, ((e.args["campaignId"], e.args["backer"]) for e in events if "backer" in e.args))
    tier_keys = {(e.args["campaignId"], e.args["tierId"]) for e in events if e.args.get("tierId")}
    tier_keys |= {(p["campaign_id"], p["tier_id"]) for p in batch.pledges.values() if p["tier_id"]}
    batch.tiers.load(conn, tier_keys)
    batch.milestones.load(
        conn, ((e.args["campaignId"], e.args["milestone"]) for e in events if "milestone" in e.args)
    )
    batch.votes.load(
        conn,
        ((e.args["campaignId"], e.args["milestone"], e.args["backer"]) for e in events if e.name == "Voted"),
    )
    tokens = {c["token"] for c in batch.campaigns.values()} | {
        e.args["token"] for e in events if e.name == "CampaignLaunched"
    }
    batch.totals.load(conn, ((t,) for t in tokens))

    for event in events:
        handler = _HANDLERS.get(event.name)
        if handler is not None:
            handler(batch, event.args, event, timestamps[event.block_number])
    for rows in batch.all:
        rows.flush(conn)


# ----------------------------------------------------------------------------- one handler per event


def _launched(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    b.campaigns.add(
        {
            "id": a["campaignId"],
            "creator": a["creator"],
            "token": a["token"],
            "goal": a["goal"],
            "starts_at": a["startsAt"],
            "deadline": a["deadline"],
            "fee_bps": a["feeBps"],
            "quorum_bps": a["quorumBps"],
            "vote_mode": VOTE_MODES[a["voteMode"]],
            "min_attestation_level": a["minAttestationLevel"],
            "delivery_date": a["deliveryDate"],
            "milestone_bps": list(a["milestoneBps"]),
            "metadata_uri": a["metadataURI"],
            "metadata_hash": a["metadataHash"],
            "raised": 0,
            "released": 0,
            "backer_count": 0,
            "funded_bps": 0,
            "cancelled": False,
            "rejected": False,
            "milestones_approved": 0,
            "refund_pool": 0,
            "failure_recorded": False,
            "launched_block": e.block_number,
            "launched_at": at,
            "metadata_status": "pending",
            "title": None,
            "description": None,
            "image": None,
        }
    )
    b.total(a["token"])


def _campaign(b: _Batch, a: dict[str, Any]) -> Row:
    row = b.campaigns.get((a["campaignId"],))
    if row is None:
        raise LookupError(f"event for campaign {a['campaignId']}, which was never launched")
    return row


def _tier(b: _Batch, campaign_id: int, tier_id: int) -> Row:
    row = b.tiers.get((campaign_id, tier_id))
    if row is None:
        raise LookupError(f"campaign {campaign_id} has no tier {tier_id}")
    return row


def _tier_added(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    b.tiers.add(
        {
            "campaign_id": a["campaignId"],
            "tier_id": a["tierId"],
            "price": a["price"],
            "supply": a["supply"],
            "taken": 0,
        }
    )


def _tier_supply_raised(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    _tier(b, a["campaignId"], a["tierId"])["supply"] = a["supply"]


def _pledged(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    c = _campaign(b, a)
    key = (a["campaignId"], a["backer"])
    p = b.pledges.get(key) or b.pledges.add(
        {
            "campaign_id": key[0],
            "backer": key[1],
            "amount": 0,
            "tier_id": 0,
            "refunded": 0,
            "first_block": e.block_number,
            "delivery": None,
        }
    )
    if p["amount"] == 0:
        c["backer_count"] += 1
    if a["tierId"] != p["tier_id"]:
        if p["tier_id"]:
            _tier(b, key[0], p["tier_id"])["taken"] -= 1
        if a["tierId"]:
            _tier(b, key[0], a["tierId"])["taken"] += 1
        p["tier_id"] = a["tierId"]
    p["amount"] = a["pledgeTotal"]
    c["raised"] = a["raised"]
    c["funded_bps"] = _funded_bps(c["raised"], c["goal"])
    b.total(c["token"])["pledged"] += a["amount"]


def _unpledged(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    c = _campaign(b, a)
    p = b.pledges.get((a["campaignId"], a["backer"]))
    assert p is not None, "unpledge without a pledge"
    if a["tierId"]:
        _tier(b, a["campaignId"], a["tierId"])["taken"] -= 1
    p["amount"], p["tier_id"] = 0, 0
    c["backer_count"] -= 1
    c["raised"] = a["raised"]
    c["funded_bps"] = _funded_bps(c["raised"], c["goal"])
    b.total(c["token"])["unpledged"] += a["amount"]


def _cancelled(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    _campaign(b, a)["cancelled"] = True


def _failure_recorded(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    _campaign(b, a)["failure_recorded"] = True


def _claimed(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    c = _campaign(b, a)
    c["released"] = a["released"]
    total = b.total(c["token"])
    total["claimed"] += a["amount"]
    total["fees"] += a["fee"]


def _refunded(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    """A refund leaves `raised`, the backer count and tier places as they were, as the contract does."""
    c = _campaign(b, a)
    p = b.pledges.get((a["campaignId"], a["backer"]))
    assert p is not None, "refund without a pledge"
    p["amount"], p["tier_id"] = 0, 0
    p["refunded"] += a["amount"]
    if c["rejected"]:
        c["refund_pool"] -= a["amount"]
    b.total(c["token"])["refunded"] += a["amount"]


def _delivery(outcome: str) -> Any:
    """A handler that records a backer's delivery `outcome` on their pledge (kept after a refund)."""

    def handle(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
        p = b.pledges.get((a["campaignId"], a["backer"]))
        assert p is not None, "delivery recorded without a pledge"
        p["delivery"] = outcome

    return handle


def _vote_opened(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    _campaign(b, a)
    key = (a["campaignId"], a["milestone"])
    row = b.milestones.get(key)
    fresh = {
        "ends_at": a["endsAt"],
        "approve_weight": 0,
        "reject_weight": 0,
        "closed": False,
        "approved": None,
    }
    if row is None:
        b.milestones.add({"campaign_id": key[0], "milestone": key[1], **fresh})
    else:  # a milestone voted on again: not possible today, but harmless
        row.update(fresh)


def _voted(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    m = b.milestones.get((a["campaignId"], a["milestone"]))
    assert m is not None, "vote without an open vote"
    m["approve_weight"], m["reject_weight"] = a["approveWeight"], a["rejectWeight"]
    b.votes.add(
        {
            "campaign_id": a["campaignId"],
            "milestone": a["milestone"],
            "backer": a["backer"],
            "approve": a["approve"],
            "weight": a["weight"],
        }
    )


def _vote_closed(b: _Batch, a: dict[str, Any], e: Event, at: int) -> None:
    c = _campaign(b, a)
    m = b.milestones.get((a["campaignId"], a["milestone"]))
    assert m is not None, "closing a vote never opened"
    m["closed"], m["approved"] = True, a["approved"]
    if a["approved"]:
        c["milestones_approved"] += 1
    else:
        c["rejected"] = True
        c["refund_pool"] = a["refundPool"]


_HANDLERS = {
    "CampaignLaunched": _launched,
    "TierAdded": _tier_added,
    "TierSupplyRaised": _tier_supply_raised,
    "Pledged": _pledged,
    "Unpledged": _unpledged,
    "CampaignCancelled": _cancelled,
    "Claimed": _claimed,
    "FailureRecorded": _failure_recorded,
    "Refunded": _refunded,
    "DeliveryConfirmed": _delivery("confirmed"),
    "NonDeliveryReported": _delivery("not-delivered"),
    "VoteOpened": _vote_opened,
    "Voted": _voted,
    "VoteClosed": _vote_closed,
}
