"""The SQL schema: raw chain data (blocks, events, the cursor) apart from the tables derived from it.

Raw tables are written once per block range and are the source of truth; derived tables (campaigns, tiers,
pledges, votes, totals) are a pure function of the raw events. A reorg rollback deletes raw rows and undoes
the derived rows' changes from the reorg journal (crowdledger.store.journal), or rebuilds them when it is
deeper than the journal. Addresses are stored lower-case; amounts in their token's smallest unit. Every
integer an event carries is stored at the full width its ABI type admits (Uint256), whatever the contract
would allow.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crowdledger.store.types import Int256, Uint256

Address = String(42)
Hash = String(66)
# The most a verified metadata document can show, in characters: the fetcher cuts longer fields, and listings
# cut them again, so a page of 100 campaigns stays under half a megabyte whatever creators publish.
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_IMAGE = 2048


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
    # The hash of the block before the deployment's first: the root every indexed range must link back to.
    anchor_hash: Mapped[str | None] = mapped_column(Hash)
    # Undoing the journal reaches back to this block; a reorg below it rebuilds the derived tables instead.
    journal_floor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    rebuild_required: Mapped[bool] = mapped_column(Boolean, server_default=sa_false())
    # Liveness: the indexer loop writes these as it goes, so readers can tell a live indexer from a dead one.
    heartbeat_at: Mapped[float | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), server_default="starting")  # IndexerStatus
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[float | None] = mapped_column()


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
    contract: Mapped[str] = mapped_column(Text)  # the contract's name in the deployment record
    name: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Address, index=True)  # the account acting, for histories
    args: Mapped[dict[str, Any]] = mapped_column(JSON)  # strings as safe text: valid UTF-8, no NUL
    # The exact bytes (0x-hex) of each string argument whose safe text differs from them; None when none does.
    exact: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_events_contract_name", "contract", "name"),)


class SkippedEvent(Base):
    """A log of our contracts that the indexer could not take in full, and went on: one that does not decode
    as its ABI says (stage decode), or an event kept in `events` whose effect on the derived tables a
    projection refused, e.g. a pledge to a campaign never launched (stage apply). /status counts these."""

    __tablename__ = "skipped_events"
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(8))  # decode (not in `events`: `log` holds it) | apply
    error: Mapped[str] = mapped_column(Text)
    log: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # an undecodable log's topics and data, exactly


class JournalEntry(Base):
    """One change to a derived row made while indexing a block within the finality depth of the head: the
    row as it was before (the new row's key for an insert). Written by triggers; see store/journal.py."""

    __tablename__ = "reorg_journal"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(1))  # I(nsert), U(pdate), D(elete)
    row: Mapped[dict[str, Any]] = mapped_column(JSON)


class JournalBlock(Base):
    """SQLite's switch for the journal triggers: the block being indexed, or None when not journaling.
    (PostgreSQL uses the transaction-local setting crowdledger.journal_block instead.)"""

    __tablename__ = "journal_block"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger)


# ----------------------------------------------------------------------------- derived: crowdfunding


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    creator: Mapped[str] = mapped_column(Address, index=True)
    token: Mapped[str] = mapped_column(Address, index=True)
    goal: Mapped[int] = mapped_column(Uint256)
    starts_at: Mapped[int] = mapped_column(Uint256)
    deadline: Mapped[int] = mapped_column(Uint256)
    fee_bps: Mapped[int] = mapped_column(Uint256)
    quorum_bps: Mapped[int] = mapped_column(Uint256)
    vote_mode: Mapped[str] = mapped_column(String(32))  # pledge-weighted | one-per-verified-identity
    min_attestation_level: Mapped[int] = mapped_column(Uint256)  # one-per-verified-identity only
    delivery_date: Mapped[int] = mapped_column(Uint256)  # rewards due; non-delivery reportable from then
    milestone_bps: Mapped[list[int]] = mapped_column(JSON)
    metadata_uri: Mapped[str] = mapped_column(Text)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    raised: Mapped[int] = mapped_column(Uint256)
    released: Mapped[int] = mapped_column(Uint256)
    backer_count: Mapped[int] = mapped_column(Integer)
    funded_bps: Mapped[int] = mapped_column(Uint256)  # raised * 10_000 // goal, for sorting by percent
    cancelled: Mapped[bool] = mapped_column(Boolean)
    rejected: Mapped[bool] = mapped_column(Boolean)
    milestones_approved: Mapped[int] = mapped_column(Integer)
    refund_pool: Mapped[int] = mapped_column(Uint256)
    failure_recorded: Mapped[bool] = mapped_column(Boolean)  # FailureRecorded: held against its creator, once
    launched_block: Mapped[int] = mapped_column(BigInteger)
    launched_at: Mapped[int] = mapped_column(BigInteger)
    # From the metadata document, once its keccak256 matches metadata_hash (crowdledger.indexer.metadata):
    metadata_status: Mapped[str] = mapped_column(String(16))  # pending|verified|mismatch|unreachable|refused
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        Index("ix_campaigns_deadline", "deadline", "id"),
        Index("ix_campaigns_raised", "raised", "id"),
        Index("ix_campaigns_backers", "backer_count", "id"),
        Index("ix_campaigns_funded", "funded_bps", "id"),
        Index("ix_campaigns_metadata_status", "metadata_status", "metadata_hash"),  # the fetcher's work list
    )


class Tier(Base):
    __tablename__ = "tiers"
    campaign_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    tier_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    price: Mapped[int] = mapped_column(Uint256)
    supply: Mapped[int] = mapped_column(Uint256)  # 0: unlimited
    taken: Mapped[int] = mapped_column(BigInteger)


class Pledge(Base):
    """A backer's position in a campaign; amount 0 once unpledged or refunded."""

    __tablename__ = "pledges"
    campaign_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    backer: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    amount: Mapped[int] = mapped_column(Uint256)
    tier_id: Mapped[int] = mapped_column(Uint256)
    refunded: Mapped[int] = mapped_column(Uint256)
    first_block: Mapped[int] = mapped_column(BigInteger)
    delivery: Mapped[str | None] = mapped_column(String(16))  # None | confirmed | not-delivered
    __table_args__ = (Index("ix_pledges_campaign_amount", "campaign_id", "amount"),)


class MilestoneVote(Base):
    __tablename__ = "milestone_votes"
    campaign_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    milestone: Mapped[int] = mapped_column(Uint256, primary_key=True)
    ends_at: Mapped[int] = mapped_column(Uint256)
    approve_weight: Mapped[int] = mapped_column(Uint256)
    reject_weight: Mapped[int] = mapped_column(Uint256)
    closed: Mapped[bool] = mapped_column(Boolean)
    approved: Mapped[bool | None] = mapped_column(Boolean)


class Vote(Base):
    __tablename__ = "votes"
    campaign_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    milestone: Mapped[int] = mapped_column(Uint256, primary_key=True)
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
    # crowdledger.ranking.rank_key of (value, updated_at) under the half-life in force: leaderboards read
    # scores in this order, so a page costs an index range, not a pass over every score
    rank_key: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_reputation_scores_rank", "role", "rank_key", "account"),)


class Rating(Base):
    __tablename__ = "ratings"
    source: Mapped[str] = mapped_column(Address, primary_key=True)
    ref: Mapped[int] = mapped_column(Uint256, primary_key=True)
    rater: Mapped[str] = mapped_column(Address, primary_key=True)
    subject: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    stars: Mapped[int] = mapped_column(Integer)
    weight_bps: Mapped[int] = mapped_column(Uint256)  # the rater's identity weight
    value_factor: Mapped[int] = mapped_column(Uint256)  # V of what the rater settled, capped at 1e18
    pair_deals: Mapped[int] = mapped_column(Uint256)  # deals between rater and subject before the rating
    # what the rating added to the subject's score; None for inputs past what int256 arithmetic prices
    points: Mapped[int | None] = mapped_column(Int256, nullable=True)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class Attestation(Base):
    """An account's current attestation (a new one replaces it); valid while unexpired, unrevoked and its
    attester registered."""

    __tablename__ = "attestations"
    account: Mapped[str] = mapped_column(Address, primary_key=True)
    attester: Mapped[str] = mapped_column(Address)
    level: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(Uint256)
    revoked: Mapped[bool] = mapped_column(Boolean)


class Attester(Base):
    __tablename__ = "attesters"
    address: Mapped[str] = mapped_column(Address, primary_key=True)
    registered: Mapped[bool] = mapped_column(Boolean)


# ----------------------------------------------------------------------------- derived: crowdsourcing


class Task(Base):
    """A contest or a micro-task, with its reward escrowed at posting."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    requester: Mapped[str] = mapped_column(Address, index=True)
    token: Mapped[str] = mapped_column(Address)
    kind: Mapped[str] = mapped_column(String(16))  # contest | micro-task
    status: Mapped[str] = mapped_column(String(16))  # open | awarded | split | reclaimed
    reward: Mapped[int] = mapped_column(Uint256)  # escrowed at posting
    paid: Mapped[int] = mapped_column(Uint256)  # credited to workers, fees included
    reclaimed: Mapped[int] = mapped_column(Uint256)
    deadline: Mapped[int] = mapped_column(Uint256)
    review_period: Mapped[int] = mapped_column(Uint256)
    fee_bps: Mapped[int] = mapped_column(Uint256)
    co_reviewer: Mapped[str | None] = mapped_column(Address)
    arbiter: Mapped[str | None] = mapped_column(Address)  # decides objections and appeals; None: no arbiter
    pay: Mapped[int] = mapped_column(Uint256)  # micro-task: per place
    places: Mapped[int] = mapped_column(Uint256)
    places_approved: Mapped[int] = mapped_column(Integer)
    work_window: Mapped[int] = mapped_column(Uint256)
    access_rules: Mapped[int] = mapped_column(Uint256)  # bits: 1 minimum worker score, 2 invited, 4 verified
    entry_count: Mapped[int] = mapped_column(Uint256)
    revealed_count: Mapped[int] = mapped_column(Uint256)
    verified_count: Mapped[int] = mapped_column(Uint256, default=0)  # revealed entries that are verified
    metadata_uri: Mapped[str] = mapped_column(Text)
    metadata_hash: Mapped[str] = mapped_column(Hash)
    posted_at: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_tasks_deadline", "deadline", "id"),)


class AwardProposal(Base):
    """A co-reviewed contest's award, proposed by its requester and waiting: for the co-reviewer to confirm or
    object, for the arbiter after an objection, or for anyone to finalize once it stands. Deleted when the
    contest is awarded (whoever decided); a new proposal replaces it."""

    __tablename__ = "award_proposals"
    task_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    proposer: Mapped[str] = mapped_column(Address)
    winners: Mapped[list[str]] = mapped_column(JSON)  # lower-case addresses, in the proposal's order
    shares_bps: Mapped[list[int]] = mapped_column(JSON)  # beside winners
    proposed_at: Mapped[int] = mapped_column(BigInteger)  # the block's timestamp
    stands_at: Mapped[int] = mapped_column(Uint256)  # anyone may finalize it from then, unless objected to
    objected: Mapped[bool] = mapped_column(Boolean)


class Entry(Base):
    """A worker's record in a task: their contest entry, and what they earned and withdrew."""

    __tablename__ = "entries"
    task_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    worker: Mapped[str] = mapped_column(Address, primary_key=True, index=True)
    commitment: Mapped[str | None] = mapped_column(Hash)
    submitted_at: Mapped[int | None] = mapped_column(BigInteger)
    revealed: Mapped[bool] = mapped_column(Boolean)
    # revealed with the identity attestation the task asks for: when any entry is, only those share a split
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    deliverable_hash: Mapped[str | None] = mapped_column(Hash)
    deliverable_uri: Mapped[str | None] = mapped_column(Text)
    share_bps: Mapped[int] = mapped_column(Uint256)
    earned: Mapped[int] = mapped_column(Uint256)  # net of fees
    withdrawn: Mapped[int] = mapped_column(Uint256)


class Place(Base):
    """One micro-task place; `worker` is None while it is open."""

    __tablename__ = "places"
    task_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    place_index: Mapped[int] = mapped_column(Uint256, primary_key=True)
    # open | taken | submitted | approved | rejected (held for an appeal) | appealed
    status: Mapped[str] = mapped_column(String(16))
    worker: Mapped[str | None] = mapped_column(Address)
    expires_at: Mapped[int | None] = mapped_column(Uint256)  # taken: the work window's end
    deliverable_hash: Mapped[str | None] = mapped_column(Hash)
    review_ends_at: Mapped[int | None] = mapped_column(Uint256)
    # submitted, with a co-reviewer: the requester's decision waiting for them (approve | reject), when anyone
    # may carry it out (after an objection, with an arbiter: when the arbiter's window ends), and whether the
    # co-reviewer objected; None, None, False otherwise
    decision: Mapped[str | None] = mapped_column(String(8))
    decision_stands_at: Mapped[int | None] = mapped_column(Uint256)
    decision_objected: Mapped[bool] = mapped_column(Boolean, default=False)


# ----------------------------------------------------------------------------- off-chain: what was fetched


class MetadataDocument(Base):
    """What the metadata fetcher learned about one (URI, hash) pair. Not derived from the chain and not
    rebuilt on a reorg: a campaign whose document did not change gets its status back from here without a
    request."""

    __tablename__ = "metadata_documents"
    hash: Mapped[str] = mapped_column(Hash, primary_key=True)  # the keccak256 committed on chain
    uri_digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the URI (URIs are long)
    uri: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending (a retry is due) | verified | mismatch | ...
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[float | None] = mapped_column()  # wall-clock time of the next try, while pending
    last_error: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[float] = mapped_column()  # wall-clock time of the last attempt
    __table_args__ = (Index("ix_metadata_documents_retry", "status", "next_attempt_at"),)


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
    AwardProposal,
    Entry,
    Place,
]
