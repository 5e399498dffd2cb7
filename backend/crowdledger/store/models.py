"""The SQL schema: raw chain data (blocks, events, the cursor) apart from the tables derived from it.

Raw tables are written once per block range and are the source of truth; derived tables (campaigns, tiers,
pledges, votes, totals) are a pure function of the raw events, so a reorg rollback deletes raw rows and
rebuilds the derived ones. Addresses are stored lower-case; amounts in their token's smallest unit.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crowdledger.store.types import Int256, Uint256

Address = String(42)
Hash = String(66)


class Base(DeclarativeBase):
    pass


# ----------------------------------------------------------------------------- raw chain data


class SyncState(Base):
    """The indexer's cursor: one row."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    next_block: Mapped[int] = mapped_column(BigInteger)  # the first block not yet indexed
    indexed_timestamp: Mapped[int] = mapped_column(
        BigInteger
    )  # time of block next_block - 1: the index's "now"
    chain_head: Mapped[int] = mapped_column(BigInteger)  # the head when last looked at
    updated_at: Mapped[float] = mapped_column()  # wall-clock time of the last commit


class IndexedBlock(Base):
    """Hashes of the blocks the index holds events from and of the newest indexed block, to detect reorgs."""

    __tablename__ = "blocks"
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[str] = mapped_column(Hash)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class RawEvent(Base):
    __tablename__ = "events"
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(Hash)
    contract: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(Address, index=True)  # the account acting, for histories
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    __table_args__ = (Index("ix_events_contract_name", "contract", "name"),)


# ----------------------------------------------------------------------------- derived: crowdfunding


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    creator: Mapped[str] = mapped_column(Address, index=True)
    token: Mapped[str] = mapped_column(Address, index=True)
    goal: Mapped[int] = mapped_column(Uint256)
    starts_at: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[int] = mapped_column(BigInteger)
    fee_bps: Mapped[int] = mapped_column(Integer)
    quorum_bps: Mapped[int] = mapped_column(Integer)
    milestone_bps: Mapped[list[int]] = mapped_column(JSON)
    metadata_uri: Mapped[str] = mapped_column(Text)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    raised: Mapped[int] = mapped_column(Uint256)
    released: Mapped[int] = mapped_column(Uint256)
    backer_count: Mapped[int] = mapped_column(Integer)
    funded_bps: Mapped[int] = mapped_column(BigInteger)  # raised * 10_000 // goal, for sorting by percent
    cancelled: Mapped[bool] = mapped_column(Boolean)
    rejected: Mapped[bool] = mapped_column(Boolean)
    milestones_approved: Mapped[int] = mapped_column(Integer)
    refund_pool: Mapped[int] = mapped_column(Uint256)
    launched_block: Mapped[int] = mapped_column(BigInteger)
    launched_at: Mapped[int] = mapped_column(BigInteger)
    # From the metadata document, only once its keccak256 matches metadata_hash:
    metadata_status: Mapped[str] = mapped_column(String(16))  # pending | verified | mismatch | unreachable
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        Index("ix_campaigns_deadline", "deadline", "id"),
        Index("ix_campaigns_raised", "raised", "id"),
        Index("ix_campaigns_backers", "backer_count", "id"),
        Index("ix_campaigns_funded", "funded_bps", "id"),
    )


class Tier(Base):
    __tablename__ = "tiers"
    campaign_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price: Mapped[int] = mapped_column(Uint256)
    supply: Mapped[int] = mapped_column(BigInteger)  # 0: unlimited
    taken: Mapped[int] = mapped_column(BigInteger)


class Pledge(Base):
    """A backer's position in a campaign; amount 0 once unpledged or refunded."""

    __tablename__ = "pledges"
    campaign_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    backer: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    amount: Mapped[int] = mapped_column(Uint256)
    tier_id: Mapped[int] = mapped_column(Integer)
    refunded: Mapped[int] = mapped_column(Uint256)
    first_block: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_pledges_campaign_amount", "campaign_id", "amount"),)


class MilestoneVote(Base):
    __tablename__ = "milestone_votes"
    campaign_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    milestone: Mapped[int] = mapped_column(Integer, primary_key=True)
    ends_at: Mapped[int] = mapped_column(BigInteger)
    approve_weight: Mapped[int] = mapped_column(Uint256)
    reject_weight: Mapped[int] = mapped_column(Uint256)
    closed: Mapped[bool] = mapped_column(Boolean)
    approved: Mapped[bool | None] = mapped_column(Boolean)


class Vote(Base):
    __tablename__ = "votes"
    campaign_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    milestone: Mapped[int] = mapped_column(Integer, primary_key=True)
    backer: Mapped[str] = mapped_column(Address, primary_key=True)
    approve: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[int] = mapped_column(Uint256)


class TokenTotal(Base):
    """Money per asset (address(0) is ETH), kept by the indexer so statistics need no SQL sums."""

    __tablename__ = "token_totals"
    token: Mapped[str] = mapped_column(Address, primary_key=True)
    pledged: Mapped[int] = mapped_column(Uint256)
    unpledged: Mapped[int] = mapped_column(Uint256)
    refunded: Mapped[int] = mapped_column(Uint256)
    claimed: Mapped[int] = mapped_column(Uint256)  # to creators, after fees
    fees: Mapped[int] = mapped_column(Uint256)


# ----------------------------------------------------------------------------- derived: reputation


class ReputationScore(Base):
    """A score as the contract stores it: `value` as of `updated_at`; readers fade it to their time."""

    __tablename__ = "reputation_scores"
    account: Mapped[str] = mapped_column(Address, primary_key=True)
    role: Mapped[int] = mapped_column(Integer, primary_key=True)  # crowdledger.reputation.Role
    value: Mapped[int] = mapped_column(Int256)
    updated_at: Mapped[int] = mapped_column(BigInteger)
    changes: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_reputation_scores_role", "role", "value"),)


class Rating(Base):
    __tablename__ = "ratings"
    source: Mapped[str] = mapped_column(Address, primary_key=True)
    ref: Mapped[int] = mapped_column(Uint256, primary_key=True)
    rater: Mapped[str] = mapped_column(Address, primary_key=True)
    subject: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    stars: Mapped[int] = mapped_column(Integer)
    weight_bps: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class Attestation(Base):
    """An account's current attestation (a new one replaces it); valid while unexpired, unrevoked and its
    attester registered."""

    __tablename__ = "attestations"
    account: Mapped[str] = mapped_column(Address, primary_key=True)
    attester: Mapped[str] = mapped_column(Address)
    level: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    revoked: Mapped[bool] = mapped_column(Boolean)


class Attester(Base):
    __tablename__ = "attesters"
    address: Mapped[str] = mapped_column(Address, primary_key=True)
    registered: Mapped[bool] = mapped_column(Boolean)


# ----------------------------------------------------------------------------- derived: crowdsourcing


class Task(Base):
    """A contest or a micro-task, with its reward escrowed at posting."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    requester: Mapped[str] = mapped_column(Address, index=True)
    token: Mapped[str] = mapped_column(Address)
    kind: Mapped[str] = mapped_column(String(16))  # contest | micro-task
    status: Mapped[str] = mapped_column(String(16))  # open | awarded | split | reclaimed
    reward: Mapped[int] = mapped_column(Uint256)  # escrowed at posting
    paid: Mapped[int] = mapped_column(Uint256)  # credited to workers, fees included
    reclaimed: Mapped[int] = mapped_column(Uint256)
    deadline: Mapped[int] = mapped_column(BigInteger)
    review_period: Mapped[int] = mapped_column(BigInteger)
    fee_bps: Mapped[int] = mapped_column(Integer)
    co_reviewer: Mapped[str | None] = mapped_column(Address)
    pay: Mapped[int] = mapped_column(Uint256)  # micro-task: per place
    places: Mapped[int] = mapped_column(Integer)
    places_approved: Mapped[int] = mapped_column(Integer)
    work_window: Mapped[int] = mapped_column(BigInteger)
    access_rules: Mapped[int] = mapped_column(Integer)  # bits: 1 minimum worker score, 2 invited, 4 verified
    entry_count: Mapped[int] = mapped_column(Integer)
    revealed_count: Mapped[int] = mapped_column(Integer)
    metadata_uri: Mapped[str] = mapped_column(Text)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    posted_at: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_tasks_deadline", "deadline", "id"),)


class Entry(Base):
    """A worker's record in a task: their contest entry, and what they earned and withdrew."""

    __tablename__ = "entries"
    task_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    worker: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    commitment: Mapped[str | None] = mapped_column(Hash)
    submitted_at: Mapped[int | None] = mapped_column(BigInteger)
    revealed: Mapped[bool] = mapped_column(Boolean)
    deliverable_hash: Mapped[str | None] = mapped_column(Hash)
    deliverable_uri: Mapped[str | None] = mapped_column(Text)
    share_bps: Mapped[int] = mapped_column(Integer)
    earned: Mapped[int] = mapped_column(Uint256)  # net of fees
    withdrawn: Mapped[int] = mapped_column(Uint256)


class Place(Base):
    """One micro-task place; `worker` is None while it is open."""

    __tablename__ = "places"
    task_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    place_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # open | taken | submitted | approved
    worker: Mapped[str | None] = mapped_column(Address)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)  # taken: the work window's end
    deliverable_hash: Mapped[str | None] = mapped_column(Hash)
    review_ends_at: Mapped[int | None] = mapped_column(BigInteger)


# ----------------------------------------------------------------------------- published audit reports


class AuditReport(Base):
    """A report `crowdledger audit --save` published (crowdledger.audit.report); the API serves the newest.
    Not derived from events: a reorg rebuild leaves it alone, and it names the block it is about."""

    __tablename__ = "audit_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(Hash)
    passed: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[str] = mapped_column(String(80))
    root: Mapped[str] = mapped_column(Hash)
    created_at: Mapped[float] = mapped_column()
    report: Mapped[str] = mapped_column(Text)  # the JSON report


DERIVED_TABLES = [
    Campaign,
    Tier,
    Pledge,
    MilestoneVote,
    Vote,
    TokenTotal,
    ReputationScore,
    Rating,
    Attestation,
    Attester,
    Task,
    Entry,
    Place,
]
