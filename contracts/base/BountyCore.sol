// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PlatformFees} from "./PlatformFees.sol";
import {Deal, IReputation, Role} from "../interfaces/IReputation.sol";

/// @title BountyCore — what Bounty and its BountyReviews share: types, events, errors, storage, and the code that
/// executes a decision
/// @notice See Bounty for the protocol. Both contracts inherit this base so that their storage layouts are
/// identical: BountyReviews only ever runs in Bounty's storage, by delegatecall.
/// @dev Also declares every event and error of the protocol, so that Bounty's ABI carries those its reviews
/// emit and raise.
abstract contract BountyCore is PlatformFees {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    enum Kind {
        Contest,
        MicroTask
    }

    /// @notice A contest is Open until it is awarded, split by default or reclaimed. A micro-task stays Open:
    /// its places carry its state.
    enum Status {
        Open,
        Awarded,
        SplitByDefault,
        Reclaimed
    }

    /// @notice Open (never taken, or reopened), Taken (until its work window ends), Submitted, Approved;
    /// Rejected (held for its worker's appeal, only when the task has an arbiter) and Appealed (before the
    /// arbiter). Rejected and Appealed places reopen when their window ends without a payout.
    enum PlaceStatus {
        Open,
        Taken,
        Submitted,
        Approved,
        Rejected,
        Appealed
    }

    /// @notice The requester's decision about a submitted place while it waits for the co-reviewer.
    enum Verdict {
        None,
        Approve,
        Reject
    }

    /// @notice Who made a decision that took effect: nobody (the default), the requester alone (no co-reviewer,
    /// or their decision stood when its windows ended), the requester confirmed by the co-reviewer, the arbiter.
    enum DecidedBy {
        Default,
        Requester,
        RequesterAndCoReviewer,
        Arbiter
    }

    /// @dev Slot 0 holds what every call reads, slot 1 what a payout reads; slots 2 and 3 are written only when
    /// the task names a co-reviewer or an arbiter, and `reviewers` says which, so a task without them never
    /// reads those slots.
    struct Task {
        // slot 0
        address requester;
        uint40 deadline; // entries are submitted and places taken while block.timestamp < deadline
        uint24 reviewPeriod; // contest: after the deadline; micro-task: after each submission (≤ 90 days)
        Kind kind;
        Status status;
        uint8 accessRules; // ACCESS_* bits; 0: public
        uint8 reviewers; // HAS_CO_REVIEWER | HAS_ARBITER
        // slot 1
        address token; // address(0) for ETH
        uint16 feeBps; // platform fee in force at posting, fixed for the task's life
        // slot 2
        address coReviewer;
        uint32 placesConfirmed; // micro-task: approvals the co-reviewer confirmed (their Reviewer value so far)
        // slot 3
        address arbiter;
        uint32 placesArbitrated; // micro-task: approvals the arbiter made (their Reviewer value so far)
    }

    /// @dev One slot. After a default split each entry in it collects reward / (entries in the split), rounded
    /// down, and the first to collect also takes what rounding left, so the reward is paid out exactly. The split
    /// is among the verified revealed entries when there is one (verifiedCount > 0), else among all revealed.
    struct Contest {
        uint128 reward;
        uint32 entryCount;
        uint32 revealedCount;
        uint32 verifiedCount; // revealed entries whose worker was verified when revealing
        uint32 sharesCollected; // after a default split
    }

    /// @dev One slot. Places whose pay left the escrow are `settled` (approved or reclaimed); `pending` hold pay
    /// for submitted work (Submitted, Rejected, Appealed). The escrow holds pay × (places − settled).
    struct MicroTask {
        uint128 pay;
        uint32 places;
        uint32 workWindow; // how long a taken place is held for its worker to submit
        uint32 pending;
        uint32 settled;
    }

    /// @dev Each field is written only when its ACCESS_* rule is on.
    struct Access {
        int256 minWorkerScore; // IReputation.scoreOf(worker, Role.Worker) must be at least this
        bytes32 inviteRoot; // Merkle root over the invited workers, leaves as in OpenZeppelin's StandardMerkleTree
        uint8 minVerifiedLevel; // IReputation.isVerified(worker, minVerifiedLevel) must hold
    }

    /// @dev A worker's record in a task. Slot 0 is the contest entry; slot 1 what the worker earned and the
    /// flags, so a payout, a reveal or a rating writes one slot. What the worker was paid, gross, follows from
    /// slot 1 (see grossPaid): shareBps of the reward plus `remainder`, or their default share plus `remainder`,
    /// or placesApproved × pay.
    struct Entry {
        // slot 0
        bytes32 commitment;
        // slot 1
        uint128 owed; // credited net of the fee, not yet withdrawn
        uint16 shareBps; // contest: the share awarded
        uint32 placesApproved; // micro-task
        uint32 remainder; // wei of rounding remainder taken on top of the share (last winner, first collector)
        bool revealed;
        bool verified; // revealed by a worker verified at the task's level (0 unless ACCESS_VERIFIED)
        bool defaultShareCollected;
        bool ratedByRequester; // the requester rated this worker
        bool ratedRequester; // this worker rated the requester
    }

    /// @dev One slot. The requester's decision waiting for the co-reviewer lives in the place it is about, so any
    /// change of the place clears it. `since` is the time of the place's last transition: taken, submitted,
    /// rejected or appealed; the decision was made `decidedAfter` seconds after the submission.
    struct Place {
        address worker;
        uint40 since;
        PlaceStatus status;
        Verdict decision;
        uint32 decidedAfter;
        bool objected;
    }

    /// @dev The requester's award waiting for the co-reviewer: decision = keccak256(abi.encode(winners,
    /// sharesBps)), 0 for none.
    struct AwardProposal {
        bytes32 decision;
        uint40 proposedAt;
        bool objected;
    }

    struct TaskParams {
        address token;
        uint40 deadline;
        uint32 reviewPeriod;
        address coReviewer; // address(0): none
        address arbiter; // address(0): none
        uint8 accessRules; // any combination of ACCESS_MIN_SCORE, ACCESS_INVITED, ACCESS_VERIFIED; 0: public
        int256 minWorkerScore;
        bytes32 inviteRoot;
        uint8 minVerifiedLevel;
        string metadataURI;
        bytes32 metadataHash; // keccak256 of the document at metadataURI
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @param reward what is escrowed: a contest's whole reward, a micro-task's pay × places
    event TaskPosted(
        uint256 indexed taskId,
        address indexed requester,
        address indexed token,
        Kind kind,
        uint256 reward,
        uint256 deadline,
        uint256 reviewPeriod,
        uint256 feeBps,
        address coReviewer,
        address arbiter,
        string metadataURI,
        bytes32 metadataHash
    );
    event PlacesOffered(uint256 indexed taskId, uint256 pay, uint256 places, uint256 workWindow);
    event TaskRestricted(
        uint256 indexed taskId,
        uint256 accessRules,
        int256 minWorkerScore,
        bytes32 inviteRoot,
        uint256 minVerifiedLevel
    );
    /// @notice A repeat submission before the deadline replaces the worker's commitment.
    event EntrySubmitted(uint256 indexed taskId, address indexed worker, bytes32 commitment, uint256 entryCount);
    /// @param verified whether the worker was verified when revealing (counts for the default split)
    event EntryRevealed(
        uint256 indexed taskId,
        address indexed worker,
        bytes32 deliverableHash,
        string deliverableURI,
        uint256 revealedCount,
        bool verified,
        uint256 verifiedCount
    );
    /// @notice The requester's award, waiting for the co-reviewer; a new one replaces it. Unless confirmed or
    /// objected to, anyone may finalize it from `standsAt`.
    event AwardProposed(
        uint256 indexed taskId,
        address indexed requester,
        address[] winners,
        uint16[] sharesBps,
        uint256 standsAt
    );
    /// @param arbiterUntil the arbiter may award until then; 0: no arbiter, the objection is on record only and
    /// the requester's award stands from the end of the co-review window
    event AwardObjected(uint256 indexed taskId, address indexed coReviewer, uint256 arbiterUntil);
    /// @notice One per winner; the first marks the contest Awarded. amount is credited to the winner, fee
    /// accrued to the treasury.
    event Awarded(
        uint256 indexed taskId,
        address indexed worker,
        uint256 shareBps,
        uint256 amount,
        uint256 fee,
        DecidedBy decidedBy
    );
    /// @param recipients the entries in the split: the verified revealed ones when verifiedOnly, else all
    /// revealed ones
    /// @param share what each recipient collects (before the fee); the first collector adds the remainder
    event ContestSplitByDefault(uint256 indexed taskId, uint256 recipients, uint256 share, bool verifiedOnly);
    event DefaultShareCredited(uint256 indexed taskId, address indexed worker, uint256 amount, uint256 fee);
    /// @param placesReclaimed micro-task: the unused places whose pay went back; 0 for a contest
    event RewardReclaimed(
        uint256 indexed taskId,
        address indexed requester,
        address to,
        uint256 amount,
        uint256 placesReclaimed
    );
    event PlaceTaken(uint256 indexed taskId, address indexed worker, uint256 indexed placeIndex, uint256 expiresAt);
    event WorkSubmitted(
        uint256 indexed taskId,
        address indexed worker,
        uint256 indexed placeIndex,
        bytes32 deliverableHash,
        uint256 reviewEndsAt
    );
    /// @notice The requester's decision about a place, waiting for the co-reviewer; a new one replaces it. Unless
    /// confirmed or objected to, anyone may finalize it from `standsAt`.
    event PlaceDecisionProposed(
        uint256 indexed taskId,
        address indexed requester,
        uint256 indexed placeIndex,
        bool approve,
        uint256 standsAt
    );
    /// @param arbiterUntil as in AwardObjected
    event PlaceObjected(
        uint256 indexed taskId,
        address indexed coReviewer,
        uint256 indexed placeIndex,
        uint256 arbiterUntil
    );
    event PlaceApproved(
        uint256 indexed taskId,
        address indexed worker,
        uint256 indexed placeIndex,
        uint256 amount,
        uint256 fee,
        DecidedBy decidedBy
    );
    /// @param appealableUntil the worker may appeal until then and the place stays held for them; 0: the place
    /// reopens now (no arbiter, or the arbiter decided)
    event PlaceRejected(
        uint256 indexed taskId,
        address indexed worker,
        uint256 indexed placeIndex,
        DecidedBy decidedBy,
        uint256 appealableUntil
    );
    /// @param arbiterUntil the arbiter may approve or uphold until then; silence upholds the rejection
    event PlaceAppealed(
        uint256 indexed taskId,
        address indexed worker,
        uint256 indexed placeIndex,
        uint256 arbiterUntil
    );
    /// @notice A rejected place whose appeal window, or unanswered appeal, ended opens again.
    event PlaceReopened(uint256 indexed taskId, address indexed worker, uint256 indexed placeIndex);
    event Withdrawn(uint256 indexed taskId, address indexed worker, address to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error LedgerHasNoCode(address ledger);
    error TaskNotFound(uint256 taskId);
    error NotAContest(uint256 taskId);
    error NotAMicroTask(uint256 taskId);
    error NotRequester(address caller, address requester);
    error NotCoReviewer(address caller);
    error NotArbiter(address caller);
    error NotOpen(Status status);
    // posting
    error RewardIsZero();
    error NoPlaces();
    error TokenNotAContract(address token);
    error WrongEthAmount(uint256 sent, uint256 expected);
    error DurationOutOfRange(uint256 duration, uint256 min, uint256 max);
    error ReviewPeriodOutOfRange(uint256 reviewPeriod, uint256 min, uint256 max);
    error WorkWindowOutOfRange(uint256 workWindow, uint256 min, uint256 max);
    error CoReviewerIsRequester();
    error ArbiterIsRequester();
    error ArbiterIsCoReviewer();
    error UnknownAccessRules(uint256 accessRules);
    error AccessNeedsReputation(uint256 accessRules);
    error InviteListIsEmpty();
    // working
    error DeadlinePassed(uint256 deadline);
    error ReviewersCannotWork(address account);
    error WorkerScoreTooLow(int256 score, int256 minScore);
    error NotInvited(address account);
    error NotVerified(address account, uint256 minLevel);
    error EmptyHash();
    // revealing
    error RevealNotOpenYet(uint256 opensAt);
    error ReviewPeriodOver(uint256 reviewEndsAt);
    error NoEntry(address worker);
    error AlreadyRevealed();
    error CommitmentMismatch(bytes32 committed, bytes32 revealed);
    // awarding
    error WinnerCountOutOfRange(uint256 count, uint256 max);
    error SharesDoNotMatchWinners(uint256 winners, uint256 shares);
    error ShareIsZero(address winner);
    error SharesMustSumTo100Percent(uint256 sumBps);
    error WinnerNotRevealed(address winner);
    error DuplicateWinner(address winner);
    // co-review, arbitration, appeal
    error NoPendingDecision();
    error AlreadyObjected();
    error CoReviewWindowOver(uint256 endedAt);
    error AwardDiffers(bytes32 proposed, bytes32 given);
    error PlaceDecisionDiffers(uint256 placeIndex, bool requesterApproves);
    error NothingToArbitrate();
    error ArbitrationOver(uint256 endedAt);
    error NotFinalYet(uint256 finalAt);
    error NoArbiter(uint256 taskId);
    error PlaceNotRejected(uint256 placeIndex, PlaceStatus status);
    error AlreadyAppealed(uint256 placeIndex);
    error AppealWindowOver(uint256 endedAt);
    // defaults and reclaims
    error ReviewStillRunning(uint256 reviewEndsAt);
    error ArbitrationStillOpen(uint256 endsAt);
    error RequesterDecided();
    error NoRevealedEntries();
    error EntriesRevealed(uint256 revealedCount);
    error TooEarlyToReclaim(uint256 reclaimableAt);
    error NothingToReclaim();
    // places
    error PlaceNotFound(uint256 placeIndex, uint256 places);
    error PlaceNotFree(uint256 placeIndex, PlaceStatus status);
    error PlaceHeldUntil(uint256 placeIndex, address worker, uint256 expiresAt);
    error PlaceNotTaken(uint256 placeIndex, PlaceStatus status);
    error NotPlaceHolder(uint256 placeIndex, address caller, address holder);
    error WorkWindowOver(uint256 expiredAt);
    error PlaceNotSubmitted(uint256 placeIndex, PlaceStatus status);
    // payouts
    error NothingToWithdraw();
    // reputation
    error NotEnoughGasToRecord(uint256 gasLeft, uint256 needed);
    error NotTheLedger(address caller);
    error NotACounterparty(address rater, address subject);
    error AlreadyRated(address rater, address subject);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint8 public constant ACCESS_MIN_SCORE = 1;
    uint8 public constant ACCESS_INVITED = 2;
    uint8 public constant ACCESS_VERIFIED = 4;
    uint8 internal constant ALL_ACCESS_RULES = ACCESS_MIN_SCORE | ACCESS_INVITED | ACCESS_VERIFIED;
    uint8 internal constant HAS_CO_REVIEWER = 1;
    uint8 internal constant HAS_ARBITER = 2;
    uint256 public constant MIN_DURATION = 1 hours;
    uint256 public constant MAX_DURATION = 365 days;
    uint256 public constant MIN_REVIEW_PERIOD = 1 days;
    uint256 public constant MAX_REVIEW_PERIOD = 90 days;
    uint256 public constant MIN_WORK_WINDOW = 1 hours;
    uint256 public constant MAX_WORK_WINDOW = 30 days;
    uint256 public constant MAX_WINNERS = 50;
    /// @notice How long the co-reviewer has, from the requester's decision, to confirm or object.
    uint256 public constant CO_REVIEW_WINDOW = 3 days;
    /// @notice How long the arbiter has: from the end of the co-review window after an objection, from the end of
    /// the review period when the requester was silent, from the appeal.
    uint256 public constant ARBITRATION_WINDOW = 7 days;
    /// @notice How long a worker has, from a rejection, to appeal it (only when the task has an arbiter).
    uint256 public constant APPEAL_WINDOW = 3 days;
    /// @notice Points (WAD) a deal worth one unit of the asset earns the paid worker and the paying requester;
    /// the ledger scales them by the value, the pair's history and the other side's identity.
    int256 public constant WORKER_POINTS = 10e18;
    int256 public constant REQUESTER_POINTS = 10e18;
    /// @notice Points (WAD) per unit of value a co-reviewer earns for a payout they confirmed, or an arbiter for
    /// a payout they decided.
    int256 public constant REVIEWER_POINTS = 5e18;
    /// @notice The gas each call to the reputation ledger may use. Reputation's costliest deal (two fresh
    /// scores and a new pair, faded across its 16 half-life periods) takes about 131,000.
    uint256 public constant RECORD_GAS = 200_000;
    bytes32 internal constant REASON_AWARD = "bounty.award";
    bytes32 internal constant REASON_PLACE = "bounty.place";
    bytes32 internal constant REASON_REVIEWED = "bounty.reviewed";
    bytes32 internal constant REASON_ARBITRATED = "bounty.arbitrated";

    /// @notice address(0): run without reputation (no access rules that need it, no points, no verified entries).
    IReputation public immutable reputation;
    uint256 public taskCount;

    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => Contest) internal _contests;
    mapping(uint256 taskId => MicroTask) internal _microTasks;
    mapping(uint256 taskId => Access) internal _access;
    mapping(uint256 taskId => mapping(address worker => Entry)) internal _entries;
    mapping(uint256 taskId => mapping(uint256 placeIndex => Place)) internal _places;
    mapping(uint256 taskId => AwardProposal) internal _awardProposals;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @dev A ledger without code would make every guarded call to it revert outside its try/catch (decoding
    /// an empty answer is not caught), so it is refused here.
    constructor(address owner_, address treasury_, uint16 feeBps_, IReputation reputation_)
        PlatformFees(owner_, treasury_, feeBps_)
    {
        if (address(reputation_) != address(0) && address(reputation_).code.length == 0) {
            revert LedgerHasNoCode(address(reputation_));
        }
        reputation = reputation_;
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _existingTask(uint256 taskId) internal view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.requester == address(0)) revert TaskNotFound(taskId);
    }

    function _contestOf(Task storage t, uint256 taskId) internal view returns (Contest storage) {
        if (t.requester == address(0)) revert TaskNotFound(taskId);
        if (t.kind != Kind.Contest) revert NotAContest(taskId);
        return _contests[taskId];
    }

    function _microTaskOf(Task storage t, uint256 taskId) internal view returns (MicroTask storage) {
        if (t.requester == address(0)) revert TaskNotFound(taskId);
        if (t.kind != Kind.MicroTask) revert NotAMicroTask(taskId);
        return _microTasks[taskId];
    }

    function _isCoReviewer(Task storage t) internal view returns (bool) {
        return t.reviewers & HAS_CO_REVIEWER != 0 && msg.sender == t.coReviewer;
    }

    function _isArbiter(Task storage t) internal view returns (bool) {
        return t.reviewers & HAS_ARBITER != 0 && msg.sender == t.arbiter;
    }

    /// @dev Winners are revealed entries, each named once, with non-zero shares summing to the whole reward.
    /// Checked before a proposal is stored, so a stored proposal can always be executed.
    function _checkAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) internal view {
        uint256 count = winners.length;
        if (count == 0 || count > MAX_WINNERS) revert WinnerCountOutOfRange(count, MAX_WINNERS);
        if (sharesBps.length != count) revert SharesDoNotMatchWinners(count, sharesBps.length);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            address winner = winners[i];
            if (sharesBps[i] == 0) revert ShareIsZero(winner);
            if (!_entries[taskId][winner].revealed) revert WinnerNotRevealed(winner);
            for (uint256 j; j < i; ++j) {
                if (winners[j] == winner) revert DuplicateWinner(winner); // at most 50 × 49 / 2 comparisons
            }
            sum += sharesBps[i];
        }
        if (sum != BPS) revert SharesMustSumTo100Percent(sum);
    }

    /// @dev Effects and events of an award, then the reports to the ledger.
    function _executeAward(
        Task storage t,
        Contest storage c,
        uint256 taskId,
        address[] calldata winners,
        uint16[] calldata sharesBps,
        DecidedBy decidedBy
    ) internal {
        t.status = Status.Awarded;
        uint256 reward = c.reward;
        uint256 taskFeeBps = t.feeBps;
        uint256 unpaid = reward;
        uint256 fees;
        uint256 last = winners.length - 1;
        uint256[] memory grosses = new uint256[](winners.length);
        for (uint256 i; i <= last; ++i) {
            Entry storage e = _entries[taskId][winners[i]];
            // rounded down, against the winner asking; the last takes the rest so the reward is paid exactly
            uint256 share = (reward * sharesBps[i]) / BPS;
            uint256 gross = i == last ? unpaid : share;
            uint256 fee = (gross * taskFeeBps) / BPS; // rounded down: against the platform, which asks for it
            unpaid -= gross;
            fees += fee;
            grosses[i] = gross;
            e.shareBps = sharesBps[i];
            e.remainder = uint32(gross - share); // only the last winner's is not 0, and it is below MAX_WINNERS
            e.owed += uint128(gross - fee);
            emit Awarded(taskId, winners[i], sharesBps[i], gross - fee, fee, decidedBy);
        }
        address token = t.token;
        feesAccrued[token] += fees;

        if (address(reputation) == address(0)) return;
        address requester = t.requester;
        for (uint256 i; i <= last; ++i) {
            _recordDeal(winners[i], requester, token, grosses[i], REASON_AWARD, taskId);
        }
        if (decidedBy == DecidedBy.RequesterAndCoReviewer) {
            _recordValue(t.coReviewer, token, 0, reward, REASON_REVIEWED, taskId);
        } else if (decidedBy == DecidedBy.Arbiter) {
            _recordValue(t.arbiter, token, 0, reward, REASON_ARBITRATED, taskId);
        }
    }

    /// @dev Effects and event of approving a place holding submitted work, then the reports to the ledger: the
    /// deal (unless by default) and the confirming co-reviewer's or deciding arbiter's Reviewer value, counted
    /// cumulatively over the task's places.
    function _approve(
        Task storage t,
        MicroTask storage m,
        Place storage place,
        uint256 taskId,
        uint256 placeIndex,
        DecidedBy decidedBy
    ) internal {
        address worker = place.worker;
        uint256 pay = m.pay;
        uint256 fee = (pay * t.feeBps) / BPS; // rounded down: against the platform, which asks for it
        _places[taskId][placeIndex] = Place(worker, place.since, PlaceStatus.Approved, Verdict.None, 0, false);
        m.pending -= 1;
        m.settled += 1;
        Entry storage e = _entries[taskId][worker];
        e.owed += uint128(pay - fee);
        e.placesApproved += 1;
        address token = t.token;
        feesAccrued[token] += fee;
        uint256 reviewedBefore;
        if (decidedBy == DecidedBy.RequesterAndCoReviewer) reviewedBefore = t.placesConfirmed++;
        else if (decidedBy == DecidedBy.Arbiter) reviewedBefore = t.placesArbitrated++;
        emit PlaceApproved(taskId, worker, placeIndex, pay - fee, fee, decidedBy);

        if (decidedBy == DecidedBy.Default || address(reputation) == address(0)) return;
        _recordDeal(worker, t.requester, token, pay, REASON_PLACE, taskId);
        if (decidedBy == DecidedBy.RequesterAndCoReviewer) {
            _recordValue(t.coReviewer, token, pay * reviewedBefore, pay * (reviewedBefore + 1), REASON_REVIEWED, taskId);
        } else if (decidedBy == DecidedBy.Arbiter) {
            _recordValue(t.arbiter, token, pay * reviewedBefore, pay * (reviewedBefore + 1), REASON_ARBITRATED, taskId);
        }
    }

    /// @dev With an arbiter, a rejection the arbiter did not make holds the place for the worker's appeal; any
    /// other rejection reopens the place now. Rejections record no reputation: no value was settled.
    function _reject(
        Task storage t,
        MicroTask storage m,
        Place storage place,
        uint256 taskId,
        uint256 placeIndex,
        DecidedBy decidedBy
    ) internal {
        address worker = place.worker;
        if (t.reviewers & HAS_ARBITER != 0 && decidedBy != DecidedBy.Arbiter) {
            _places[taskId][placeIndex] =
                Place(worker, uint40(block.timestamp), PlaceStatus.Rejected, Verdict.None, 0, false);
            emit PlaceRejected(taskId, worker, placeIndex, decidedBy, block.timestamp + APPEAL_WINDOW);
        } else {
            delete _places[taskId][placeIndex];
            m.pending -= 1;
            emit PlaceRejected(taskId, worker, placeIndex, decidedBy, 0);
        }
    }

    /// @dev Who shares a default split: the verified revealed entries if there is one, else all revealed entries.
    function _defaultSplit(Contest storage c) internal view returns (uint256 recipients, bool verifiedOnly) {
        uint256 verifiedCount = c.verifiedCount;
        if (verifiedCount != 0) return (verifiedCount, true);
        return (c.revealedCount, false);
    }

    /// @dev Reputation is bookkeeping, never a condition of a payout: a ledger that refuses (this contract
    /// deregistered, a score at its bound) must not block an award or an approval. Each report gets a fixed gas
    /// budget and the caller must leave enough for it; otherwise a caller could starve the call so that it fails
    /// (63/64 of too little) while the transaction succeeds, silently dropping the report.
    function _checkRecordGas() internal view {
        if (gasleft() < RECORD_GAS + RECORD_GAS / 63 + 5_000) revert NotEnoughGasToRecord(gasleft(), RECORD_GAS);
    }

    function _recordDeal(address worker, address requester, address token, uint256 amount, bytes32 reason, uint256 taskId)
        internal
    {
        _checkRecordGas();
        Deal memory deal =
            Deal(worker, Role.Worker, WORKER_POINTS, requester, Role.Requester, REQUESTER_POINTS, token, amount, reason, taskId);
        try reputation.recordDeal{gas: RECORD_GAS}(deal) {} catch {}
    }

    function _recordValue(
        address reviewer,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 taskId
    ) internal {
        _checkRecordGas();
        try reputation.recordValue{gas: RECORD_GAS}(
            reviewer, Role.Reviewer, REVIEWER_POINTS, token, valueBefore, valueAfter, reason, taskId
        ) {} catch {}
    }
}
