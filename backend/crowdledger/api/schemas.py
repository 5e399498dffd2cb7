"""Response models. Amounts are decimal strings in the token's smallest unit: JSON numbers lose precision
above 2**53, and a wallet needs them exact."""

from typing import Annotated, Any

from pydantic import BaseModel, Field

from crowdledger.store.models import MAX_DESCRIPTION, MAX_IMAGE, MAX_TITLE


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorResponse(BaseModel):
    """The one shape of every 4xx and 5xx this API returns."""

    error: ErrorBody


class Metadata(BaseModel):
    uri: str
    hash: str
    # pending (not yet decided, or a retry is due) | verified | mismatch | unreachable | refused (the fetcher
    # will not read it: scheme, address or size); fields are null unless verified
    status: str
    title: Annotated[str, Field(max_length=MAX_TITLE)] | None
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] | None
    image: Annotated[str, Field(max_length=MAX_IMAGE)] | None


class CampaignSummary(BaseModel):
    id: int
    state: str
    creator: str
    token: str  # 0x000…000 is ETH
    goal: str
    raised: str
    released: str
    percent_funded: float
    backer_count: int
    starts_at: int
    deadline: int
    fee_bps: int
    launched_at: int
    metadata: Metadata


class TierOut(BaseModel):
    tier_id: int
    price: str
    supply: int  # 0: unlimited
    taken: int
    left: int | None  # None: unlimited


class MilestoneOut(BaseModel):
    milestone: int  # 0 is released on success; later ones by a vote
    bps: int
    status: str  # released-on-success | approved | rejected | voting | pending
    vote_ends_at: int | None
    approve_weight: str | None
    reject_weight: str | None


class CampaignDetail(CampaignSummary):
    quorum_bps: int  # pledge-weighted: the reject weight (unverified-equivalent) that vetoes a milestone
    vote_mode: str  # pledge-weighted | one-per-verified-identity
    min_attestation_level: int  # one-per-verified-identity: the level a voter must hold
    delivery_date: int  # rewards due; from then on a backer may report non-delivery
    milestones_approved: int
    refund_pool: str
    failure_recorded: bool  # held against the creator's reputation (recordFailure), once
    tiers: list[TierOut]
    milestones: list[MilestoneOut]


class CampaignPage(BaseModel):
    items: list[CampaignSummary]
    next_cursor: str | None
    chain_time: int


class PledgeOut(BaseModel):
    campaign_id: int
    backer: str
    amount: str
    tier_id: int
    refunded: str
    delivery: str | None  # None until the backer confirms (confirmed) or reports non-delivery (not-delivered)


class PledgePage(BaseModel):
    items: list[PledgeOut]
    next_after: str | None


class HistoryItem(BaseModel):
    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    contract: str
    event: str
    args: dict[str, Any]


class Account(BaseModel):
    address: str
    reputation: "Reputation"
    campaigns: list[CampaignSummary]
    pledges: list[PledgeOut]
    history: list[HistoryItem]


class TokenStats(BaseModel):
    token: str
    pledged: str
    unpledged: str
    refunded: str
    claimed: str
    fees: str


class Statistics(BaseModel):
    campaigns: int
    campaigns_by_state: dict[str, int]
    backers: int
    pledges: int
    events: int
    tokens: list[TokenStats]


class IndexStatus(BaseModel):
    chain_id: int
    indexed_block: int  # the newest block in the index
    chain_head: int  # as the node says now; the indexer's last view when the node does not answer
    chain_head_from: str  # node | indexer
    node_error: str | None  # why the node did not answer
    blocks_behind: int
    chain_time: int
    seconds_since_update: float  # since the indexer last wrote a block range
    indexer: str  # starting | indexing | following | retrying | failed | stopped
    heartbeat_age: float | None  # seconds since the indexer last showed a sign of life
    last_error: str | None
    last_error_age: float | None
    skipped_events: int  # logs kept but not applied (see skipped_events in the database)
    ready: bool
    problems: list[str]  # why it is not ready


class Health(BaseModel):
    status: str


class RoleScore(BaseModel):
    role: str
    score: str  # WAD (1 point = 10**18), faded to the index's chain time
    stored: str  # as the contract stores it, as of updated_at
    updated_at: int
    changes: int


class RatingOut(BaseModel):
    source: str  # the module that vouched for the relationship
    ref: str  # the campaign or task id in that module
    rater: str
    stars: int
    weight_bps: int  # the rater's identity weight: 10,000 verified, the ledger's unverified weight otherwise
    value_factor: str  # WAD: V of what the rater settled in the relationship, capped at 1e18
    pair_deals: int  # deals between rater and subject before the rating; divides its weight
    points: str | None  # WAD: what the rating added (negative below 3 stars); None: inputs no int256 prices
    timestamp: int


class AttestationOut(BaseModel):
    attester: str
    level: int
    expires_at: int
    revoked: bool
    valid: bool  # unexpired, unrevoked, and the attester still registered


class Reputation(BaseModel):
    scores: list[RoleScore]
    ratings_received: list[RatingOut]
    attestation: AttestationOut | None


class LeaderboardEntry(BaseModel):
    rank: int
    account: str
    score: str


class Leaderboard(BaseModel):
    role: str
    chain_time: int
    half_life: int
    entries: list[LeaderboardEntry]


class ExplainedLine(BaseModel):
    contribution: str  # what this event still adds to the score today
    points: str | None  # what it added when it happened; None for the rounding line
    reason: str | None
    module: str | None
    ref: str | None
    block_number: int | None
    log_index: int | None
    timestamp: int | None


class ExplainedScore(BaseModel):
    account: str
    role: str
    score: str
    lines: list[ExplainedLine]


class TaskOut(BaseModel):
    id: int
    kind: str  # contest | micro-task
    status: str  # open | awarded | split | reclaimed (a micro-task's places carry its state)
    requester: str
    token: str
    reward: str  # escrowed at posting
    paid: str  # credited to workers, fees included
    reclaimed: str
    deadline: int
    review_period: int
    fee_bps: int
    co_reviewer: str | None
    pay: str  # micro-task: per place
    places: int
    places_approved: int
    access_rules: int  # bits: 1 minimum worker score, 2 invited list, 4 verified accounts
    entry_count: int
    revealed_count: int
    metadata_uri: str
    posted_at: int


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_before: int | None


class EntryOut(BaseModel):
    worker: str
    commitment: str | None
    submitted_at: int | None
    revealed: bool
    verified: bool  # revealed with the attestation asked for: if any entry is, only those share a split
    deliverable_hash: str | None
    deliverable_uri: str | None
    share_bps: int
    earned: str
    withdrawn: str


class PlaceOut(BaseModel):
    place_index: int
    # open (reopened) | taken | submitted | approved | rejected | appealed; from the deadline on, an open
    # place or one taken without submitted work is closed (the contract takes no work any more; its pay is
    # the requester's to reclaim)
    status: str
    worker: str | None
    expires_at: int | None
    deliverable_hash: str | None
    review_ends_at: int | None
    # submitted, with a co-reviewer: the requester's decision waiting for them (approve | reject), from when
    # anyone may carry it out (after an objection, with an arbiter: once the arbiter's window ends), and
    # whether the co-reviewer objected; rejected (held for an appeal) or appealed: "reject", from when the
    # rejection stands and anyone may reopen the place (the appeal window's, or the arbiter's, end)
    decision: str | None
    decision_stands_at: int | None
    decision_objected: bool


class AwardProposalOut(BaseModel):
    """A co-reviewed contest's award, proposed and not yet carried out."""

    winners: list[str]
    shares_bps: list[int]  # beside winners
    proposer: str
    proposed_at: int
    stands_at: (
        int  # anyone may finalize it from then (after an objection, with an arbiter: once its window ends)
    )
    objected: bool  # the co-reviewer objected: the arbiter decides (if the task has one)


class TaskDetail(TaskOut):
    arbiter: str | None  # decides objections and a rejected worker's appeal; None: no arbiter
    verified_count: int  # a contest's verified entries (see EntryOut.verified)
    proposal: AwardProposalOut | None  # a contest's award waiting for its co-reviewer, arbiter or finalizer
    entries: list[EntryOut]
    # the first 500 places taken, then every place beyond whose work awaits a decision (2,000 at most)
    places_detail: list[PlaceOut]
