// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {PlatformFees} from "./base/PlatformFees.sol";
import {IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Bounty — escrowed rewards for crowdsourced work, one contract for every task
/// @notice A requester posts a task with its reward escrowed: a contest (any number of entries, the requester
/// awards one or more winners) or a micro-task (N places at a fixed pay, each taken, submitted and approved on
/// its own). Once valid work exists the requester cannot take the reward back; if they do not decide by the end
/// of the review period, anyone can trigger the default: a contest's reward is split equally among its revealed
/// entries, a micro-task's submitted work is approved.
/// @dev Contest entries are commitments, keccak256(abi.encode(deliverableHash, worker, salt)), submitted before
/// the deadline and revealed after it, so nobody can copy an entry and authorship and time are on record.
/// Micro-task submissions are not revealed: a place is held by one worker, so there is nothing on chain to copy;
/// the worker hands the deliverable to the requester off-chain and the recorded hash proves what was handed over.
/// Every payout is credited and then withdrawn (pull); every state change is an event carrying the new values.
contract Bounty is PlatformFees, IRatingSource {
    using SafeCast for uint256;

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

    /// @notice Open (never taken, or rejected), Taken (until its work window ends), Submitted, Approved.
    enum PlaceStatus {
        Open,
        Taken,
        Submitted,
        Approved
    }

    /// @notice Who proposed a decision that the other reviewer must confirm (four eyes).
    enum Reviewer {
        None,
        Requester,
        CoReviewer
    }

    /// @dev Slot 0 holds what every call reads, slot 1 what a payout reads; slot 2 is written only when the
    /// task names a co-reviewer. A funded contest costs three new slots with its Contest slot.
    struct Task {
        // slot 0
        address requester;
        uint40 deadline; // entries are submitted and places taken while block.timestamp < deadline
        uint32 reviewPeriod; // contest: after the deadline; micro-task: after each submission
        Kind kind;
        Status status;
        uint8 accessRules; // ACCESS_* bits; 0: public
        // slot 1
        address token; // address(0) for ETH
        uint16 feeBps; // platform fee in force at posting, fixed for the task's life
        // slot 2
        address coReviewer; // address(0): the requester decides alone
    }

    /// @dev One slot. After a default split each revealed entry collects reward / revealedCount (rounded down)
    /// and the first to collect also takes what rounding left, so the reward is paid out exactly.
    struct Contest {
        uint128 reward;
        uint32 entryCount;
        uint32 revealedCount;
        uint32 sharesCollected; // after a default split
    }

    /// @dev One slot. Places whose pay left the escrow are `settled` (approved or reclaimed); `pending` are
    /// submitted and awaiting review. The escrow holds pay × (places − settled).
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

    /// @dev A worker's record in a task. Slot 0 is the contest entry, slot 1 what the worker has earned.
    struct Entry {
        // slot 0
        bytes32 commitment;
        // slot 1
        uint128 owed; // credited net of the fee, not yet withdrawn
        uint16 shareBps; // contest: the share awarded
        uint32 placesApproved; // micro-task
        bool revealed;
        bool defaultShareCollected;
    }

    /// @dev One slot. A pending four-eyes decision lives in the place it is about, so a new one replaces it and
    /// any change of the place clears it.
    struct Place {
        address worker;
        uint40 since; // taken at (Taken) or submitted at (Submitted)
        PlaceStatus status;
        Reviewer proposedBy;
        bool proposedApproval;
    }

    /// @dev decision = keccak256(abi.encode(winners, sharesBps)); a new proposal replaces the last.
    struct AwardProposal {
        bytes32 decision;
        Reviewer proposedBy;
    }

    struct TaskParams {
        address token;
        uint40 deadline;
        uint32 reviewPeriod;
        address coReviewer; // address(0): none
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
    event EntryRevealed(
        uint256 indexed taskId,
        address indexed worker,
        bytes32 deliverableHash,
        string deliverableURI,
        uint256 revealedCount
    );
    event AwardProposed(uint256 indexed taskId, address indexed proposer, address[] winners, uint16[] sharesBps);
    /// @notice One per winner; the first marks the contest Awarded. amount is credited to the winner, fee
    /// accrued to the treasury.
    event Awarded(uint256 indexed taskId, address indexed worker, uint256 shareBps, uint256 amount, uint256 fee);
    /// @param share what each revealed entry collects (before the fee); the first collector adds the remainder
    event ContestSplitByDefault(uint256 indexed taskId, uint256 revealedCount, uint256 share);
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
    event PlaceDecisionProposed(
        uint256 indexed taskId,
        address indexed proposer,
        uint256 indexed placeIndex,
        bool approve
    );
    event PlaceApproved(
        uint256 indexed taskId,
        address indexed worker,
        uint256 indexed placeIndex,
        uint256 amount,
        uint256 fee,
        bool byDefault
    );
    /// @notice The place reopens.
    event PlaceRejected(uint256 indexed taskId, address indexed worker, uint256 indexed placeIndex);
    event Withdrawn(uint256 indexed taskId, address indexed worker, address to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error TaskNotFound(uint256 taskId);
    error NotAContest(uint256 taskId);
    error NotAMicroTask(uint256 taskId);
    error NotRequester(address caller, address requester);
    error NotAReviewer(address caller);
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
    // defaults and reclaims
    error ReviewStillRunning(uint256 reviewEndsAt);
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

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint8 public constant ACCESS_MIN_SCORE = 1;
    uint8 public constant ACCESS_INVITED = 2;
    uint8 public constant ACCESS_VERIFIED = 4;
    uint8 internal constant ALL_ACCESS_RULES = ACCESS_MIN_SCORE | ACCESS_INVITED | ACCESS_VERIFIED;
    uint256 public constant MIN_DURATION = 1 hours;
    uint256 public constant MAX_DURATION = 365 days;
    uint256 public constant MIN_REVIEW_PERIOD = 1 days;
    uint256 public constant MAX_REVIEW_PERIOD = 90 days;
    uint256 public constant MIN_WORK_WINDOW = 1 hours;
    uint256 public constant MAX_WORK_WINDOW = 30 days;
    uint256 public constant MAX_WINNERS = 50;
    /// @notice Reputation points (WAD) one whole task is worth to each side; a share of a task earns that share.
    int256 public constant TASK_POINTS = 1e18;
    bytes32 internal constant REASON_WORK_ACCEPTED = "bounty.work-accepted";
    bytes32 internal constant REASON_PAID = "bounty.paid";
    bytes32 internal constant REASON_REVIEWED = "bounty.reviewed";

    /// @notice address(0): run without reputation (no access rules that need it, no points).
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

    constructor(address owner_, address treasury_, uint16 feeBps_, IReputation reputation_)
        PlatformFees(owner_, treasury_, feeBps_)
    {
        reputation = reputation_;
    }

    /*//////////////////////////////////////////////////////////////
                                POSTING
    //////////////////////////////////////////////////////////////*/

    /// @notice Post a contest with `reward` escrowed (send it as msg.value for ETH; approve it first for a
    /// token). Workers submit commitments until the deadline and reveal them in the review period.
    function postContest(TaskParams calldata p, uint128 reward) external payable nonReentrant returns (uint256 taskId) {
        if (reward == 0) revert RewardIsZero();
        taskId = _openTask(p, Kind.Contest, reward);
        _contests[taskId].reward = reward;
        if (p.token != address(0)) _pullToken(p.token, reward);
    }

    /// @notice Post a micro-task: `places` places at `pay` each, pay × places escrowed. A worker holds a taken
    /// place for `workWindow` to submit; after that, or when rejected, the place reopens.
    function postMicroTask(TaskParams calldata p, uint128 pay, uint32 places, uint32 workWindow)
        external
        payable
        nonReentrant
        returns (uint256 taskId)
    {
        if (pay == 0) revert RewardIsZero();
        if (places == 0) revert NoPlaces();
        if (workWindow < MIN_WORK_WINDOW || workWindow > MAX_WORK_WINDOW) {
            revert WorkWindowOutOfRange(workWindow, MIN_WORK_WINDOW, MAX_WORK_WINDOW);
        }
        uint128 total = (uint256(pay) * places).toUint128();
        taskId = _openTask(p, Kind.MicroTask, total);
        _microTasks[taskId] = MicroTask(pay, places, workWindow, 0, 0);
        emit PlacesOffered(taskId, pay, places, workWindow);
        if (p.token != address(0)) _pullToken(p.token, total);
    }

    /*//////////////////////////////////////////////////////////////
                                CONTESTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Enter a contest with `commitment` = commitmentOf(deliverableHash, you, salt), before the deadline.
    /// Submitting again replaces your commitment. `proof`: your Merkle proof when the contest is invite-only.
    function submit(uint256 taskId, bytes32 commitment, bytes32[] calldata proof) external {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (block.timestamp >= t.deadline) revert DeadlinePassed(t.deadline);
        if (commitment == 0) revert EmptyHash();
        _checkWorker(t, taskId, proof);

        Entry storage e = _entries[taskId][msg.sender];
        uint32 entryCount = c.entryCount;
        if (e.commitment == 0) c.entryCount = ++entryCount;
        e.commitment = commitment;
        emit EntrySubmitted(taskId, msg.sender, commitment, entryCount);
    }

    /// @notice Reveal your entry between the deadline and the end of the review period.
    function reveal(uint256 taskId, bytes32 deliverableHash, string calldata deliverableURI, bytes32 salt) external {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (t.status != Status.Open) revert NotOpen(t.status);
        uint256 deadline = t.deadline;
        if (block.timestamp < deadline) revert RevealNotOpenYet(deadline);
        uint256 reviewEndsAt = deadline + t.reviewPeriod;
        if (block.timestamp >= reviewEndsAt) revert ReviewPeriodOver(reviewEndsAt);
        Entry storage e = _entries[taskId][msg.sender];
        bytes32 committed = e.commitment;
        if (committed == 0) revert NoEntry(msg.sender);
        if (e.revealed) revert AlreadyRevealed();
        bytes32 revealed = commitmentOf(deliverableHash, msg.sender, salt);
        if (revealed != committed) revert CommitmentMismatch(committed, revealed);

        e.revealed = true;
        uint32 revealedCount = ++c.revealedCount;
        emit EntryRevealed(taskId, msg.sender, deliverableHash, deliverableURI, revealedCount);
    }

    /// @notice Award the reward to revealed entries before the review period ends: `sharesBps[i]` of it to
    /// `winners[i]`, shares summing to 10,000. Each share is rounded down and the last winner takes what rounding
    /// left, so the whole reward is paid. With a co-reviewer, the first call proposes and the other reviewer's
    /// identical call executes. Winners gain Worker points, the requester Requester points, the co-reviewer
    /// Reviewer points.
    function award(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) external nonReentrant {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        Reviewer role = _reviewerRole(t);
        if (t.status != Status.Open) revert NotOpen(t.status);
        uint256 reviewEndsAt = uint256(t.deadline) + t.reviewPeriod;
        if (block.timestamp >= reviewEndsAt) revert ReviewPeriodOver(reviewEndsAt);
        _checkAward(taskId, winners, sharesBps);
        address coReviewer = t.coReviewer;
        if (coReviewer != address(0)) {
            bytes32 decision = keccak256(abi.encode(winners, sharesBps));
            AwardProposal storage proposal = _awardProposals[taskId];
            Reviewer proposedBy = proposal.proposedBy;
            if (proposedBy == Reviewer.None || proposedBy == role || proposal.decision != decision) {
                _awardProposals[taskId] = AwardProposal(decision, role);
                emit AwardProposed(taskId, msg.sender, winners, sharesBps);
                return;
            }
            delete _awardProposals[taskId];
        }

        t.status = Status.Awarded;
        uint256 reward = c.reward;
        uint256 taskFeeBps = t.feeBps;
        uint256 unpaid = reward;
        uint256 fees;
        uint256 last = winners.length - 1;
        for (uint256 i; i <= last; ++i) {
            Entry storage e = _entries[taskId][winners[i]];
            if (e.shareBps != 0) revert DuplicateWinner(winners[i]);
            // rounded down, against the winner asking; the last takes the rest so the reward is paid exactly
            uint256 gross = i == last ? unpaid : (reward * sharesBps[i]) / BPS;
            uint256 fee = (gross * taskFeeBps) / BPS; // rounded down: against the platform, which asks for it
            unpaid -= gross;
            fees += fee;
            e.shareBps = sharesBps[i];
            e.owed += uint128(gross - fee);
            emit Awarded(taskId, winners[i], sharesBps[i], gross - fee, fee);
        }
        feesAccrued[t.token] += fees;

        if (address(reputation) != address(0)) {
            for (uint256 i; i <= last; ++i) {
                _record(winners[i], Role.Worker, _points(sharesBps[i], BPS), REASON_WORK_ACCEPTED, taskId);
            }
            _record(t.requester, Role.Requester, TASK_POINTS, REASON_PAID, taskId);
            if (coReviewer != address(0)) _record(coReviewer, Role.Reviewer, TASK_POINTS, REASON_REVIEWED, taskId);
        }
    }

    /// @notice After the review period of a contest nobody awarded, anyone may split the reward equally among
    /// the revealed entries; each collects its share with `withdraw`. The split records no reputation points:
    /// nobody vouched for the work.
    function splitByDefault(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (t.status != Status.Open) revert NotOpen(t.status);
        uint256 reviewEndsAt = uint256(t.deadline) + t.reviewPeriod;
        if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
        uint256 revealedCount = c.revealedCount;
        if (revealedCount == 0) revert NoRevealedEntries();

        t.status = Status.SplitByDefault;
        emit ContestSplitByDefault(taskId, revealedCount, c.reward / revealedCount);
    }

    /*//////////////////////////////////////////////////////////////
                              MICRO-TASKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Take place `placeIndex` (see isPlaceFree) before the deadline; you hold it for the task's work
    /// window. `proof`: your Merkle proof when the task is invite-only.
    function take(uint256 taskId, uint256 placeIndex, bytes32[] calldata proof) external {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTaskOf(t, taskId);
        if (block.timestamp >= t.deadline) revert DeadlinePassed(t.deadline);
        if (placeIndex >= m.places) revert PlaceNotFound(placeIndex, m.places);
        Place storage place = _places[taskId][placeIndex];
        PlaceStatus status = place.status;
        if (status == PlaceStatus.Taken) {
            uint256 expiresAt = uint256(place.since) + m.workWindow;
            if (block.timestamp < expiresAt) revert PlaceHeldUntil(placeIndex, place.worker, expiresAt);
        } else if (status != PlaceStatus.Open) {
            revert PlaceNotFree(placeIndex, status);
        }
        _checkWorker(t, taskId, proof);

        _places[taskId][placeIndex] = Place(msg.sender, uint40(block.timestamp), PlaceStatus.Taken, Reviewer.None, false);
        emit PlaceTaken(taskId, msg.sender, placeIndex, block.timestamp + m.workWindow);
    }

    /// @notice Submit the work for a place you hold: the hash of the deliverable you hand to the requester.
    function submitWork(uint256 taskId, uint256 placeIndex, bytes32 deliverableHash) external {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTaskOf(t, taskId);
        Place storage place = _places[taskId][placeIndex];
        if (place.status != PlaceStatus.Taken) revert PlaceNotTaken(placeIndex, place.status);
        if (place.worker != msg.sender) revert NotPlaceHolder(placeIndex, msg.sender, place.worker);
        uint256 expiresAt = uint256(place.since) + m.workWindow;
        if (block.timestamp >= expiresAt) revert WorkWindowOver(expiresAt);
        if (block.timestamp >= t.deadline) revert DeadlinePassed(t.deadline);
        if (deliverableHash == 0) revert EmptyHash();

        place.status = PlaceStatus.Submitted;
        place.since = uint40(block.timestamp);
        m.pending += 1;
        emit WorkSubmitted(taskId, msg.sender, placeIndex, deliverableHash, block.timestamp + t.reviewPeriod);
    }

    /// @notice Approve a submitted place: its pay, less the fee, is credited to the worker. With a co-reviewer,
    /// the first reviewer's call proposes and the other's executes. The worker gains Worker points, the
    /// requester Requester points and the co-reviewer Reviewer points, each 1/places of a task.
    function approve(uint256 taskId, uint256 placeIndex) external nonReentrant {
        (Task storage t, MicroTask storage m, Place storage place) = _submittedPlace(taskId, placeIndex);
        Reviewer role = _reviewerRole(t);
        if (!_decided(t, place, role, taskId, placeIndex, true)) return;
        address worker = _approve(t, m, place, taskId, placeIndex, false);

        if (address(reputation) != address(0)) {
            int256 points = _points(1, m.places);
            _record(worker, Role.Worker, points, REASON_WORK_ACCEPTED, taskId);
            _record(t.requester, Role.Requester, points, REASON_PAID, taskId);
            if (t.coReviewer != address(0)) _record(t.coReviewer, Role.Reviewer, points, REASON_REVIEWED, taskId);
        }
    }

    /// @notice Reject a submitted place before its review period ends; the place reopens (and after the
    /// deadline its pay becomes the requester's to reclaim). Four eyes as for approve.
    function reject(uint256 taskId, uint256 placeIndex) external {
        (Task storage t, MicroTask storage m, Place storage place) = _submittedPlace(taskId, placeIndex);
        Reviewer role = _reviewerRole(t);
        uint256 reviewEndsAt = uint256(place.since) + t.reviewPeriod;
        if (block.timestamp >= reviewEndsAt) revert ReviewPeriodOver(reviewEndsAt);
        if (!_decided(t, place, role, taskId, placeIndex, false)) return;

        address worker = place.worker;
        delete _places[taskId][placeIndex];
        m.pending -= 1;
        emit PlaceRejected(taskId, worker, placeIndex);
    }

    /// @notice Once a submission's review period is over without a decision, anyone may approve it. This
    /// records no reputation points: nobody vouched for the work.
    function approveByDefault(uint256 taskId, uint256 placeIndex) external {
        (Task storage t, MicroTask storage m, Place storage place) = _submittedPlace(taskId, placeIndex);
        uint256 reviewEndsAt = uint256(place.since) + t.reviewPeriod;
        if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
        _approve(t, m, place, taskId, placeIndex, true);
    }

    /*//////////////////////////////////////////////////////////////
                                PAYOUTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The requester takes back what no work can claim any more. A contest: its whole reward, after the
    /// deadline when nobody entered, or after the review period when no entry was revealed. A micro-task: after
    /// the deadline, the pay of every place neither approved nor awaiting review (callable again as rejections
    /// free more).
    function reclaim(uint256 taskId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Task storage t = _existingTask(taskId);
        if (msg.sender != t.requester) revert NotRequester(msg.sender, t.requester);
        uint256 amount;
        uint256 placesReclaimed;
        if (t.kind == Kind.Contest) {
            amount = _reclaimContest(t, taskId);
        } else {
            (amount, placesReclaimed) = _reclaimPlaces(t, taskId);
        }
        emit RewardReclaimed(taskId, msg.sender, to, amount, placesReclaimed);
        _send(t.token, to, amount);
    }

    /// @notice Withdraw what you earned in a task to `to`: awards and approved places, and after a default split
    /// your share of it.
    function withdraw(uint256 taskId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Task storage t = _existingTask(taskId);
        Entry storage e = _entries[taskId][msg.sender];
        uint256 amount = e.owed;
        if (t.status == Status.SplitByDefault && e.revealed && !e.defaultShareCollected) {
            amount += _collectDefaultShare(t, e, taskId);
        }
        if (amount == 0) revert NothingToWithdraw();

        e.owed = 0;
        emit Withdrawn(taskId, msg.sender, to, amount);
        _send(t.token, to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function task(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    function contest(uint256 taskId) external view returns (Contest memory) {
        return _contests[taskId];
    }

    function microTask(uint256 taskId) external view returns (MicroTask memory) {
        return _microTasks[taskId];
    }

    function accessOf(uint256 taskId) external view returns (Access memory) {
        return _access[taskId];
    }

    function entryOf(uint256 taskId, address worker) external view returns (Entry memory) {
        return _entries[taskId][worker];
    }

    function placeOf(uint256 taskId, uint256 placeIndex) external view returns (Place memory) {
        return _places[taskId][placeIndex];
    }

    function awardProposal(uint256 taskId) external view returns (AwardProposal memory) {
        return _awardProposals[taskId];
    }

    /// @notice What a contest entry must commit to.
    function commitmentOf(bytes32 deliverableHash, address worker, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(deliverableHash, worker, salt));
    }

    /// @notice Whether place `placeIndex` of a micro-task can be taken now.
    function isPlaceFree(uint256 taskId, uint256 placeIndex) external view returns (bool) {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTasks[taskId];
        if (t.kind != Kind.MicroTask || block.timestamp >= t.deadline || placeIndex >= m.places) return false;
        Place storage place = _places[taskId][placeIndex];
        if (place.status == PlaceStatus.Open) return true;
        return place.status == PlaceStatus.Taken && block.timestamp >= uint256(place.since) + m.workWindow;
    }

    /// @notice What `worker` could withdraw from a task now.
    function withdrawable(uint256 taskId, address worker) external view returns (uint256 amount) {
        Task storage t = _tasks[taskId];
        Entry storage e = _entries[taskId][worker];
        amount = e.owed;
        if (t.status == Status.SplitByDefault && e.revealed && !e.defaultShareCollected) {
            uint256 gross = _defaultShare(_contests[taskId]);
            amount += gross - (gross * t.feeBps) / BPS;
        }
    }

    /// @notice The share of a task's reward `worker` was paid, in basis points (rounded down): a contest's
    /// awarded share or, after a default split, 10,000 / revealed entries; a micro-task's approved places over
    /// its places. The shares of one task never sum above 10,000.
    function paidShareBps(uint256 taskId, address worker) public view returns (uint256) {
        Task storage t = _tasks[taskId];
        Entry storage e = _entries[taskId][worker];
        if (t.kind == Kind.MicroTask) return (uint256(e.placesApproved) * BPS) / _microTasks[taskId].places;
        if (t.status == Status.Awarded) return e.shareBps;
        if (t.status == Status.SplitByDefault && e.revealed) return BPS / _contests[taskId].revealedCount;
        return 0;
    }

    /// @inheritdoc IRatingSource
    /// @dev The requester and each paid worker may rate each other about a task; a rating weighs the worker's
    /// paid share, so one task's ratings weigh at most one full rating per rated side.
    function ratingWeight(uint256 ref, address rater, address subject)
        external
        view
        returns (Role subjectRole, uint256 weightBps)
    {
        address requester = _tasks[ref].requester;
        if (requester == address(0)) return (Role.Worker, 0);
        if (rater == requester) return (Role.Worker, paidShareBps(ref, subject));
        if (subject == requester) return (Role.Requester, paidShareBps(ref, rater));
        return (Role.Worker, 0);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Checks and stores what every task has, and emits TaskPosted; the caller takes the money.
    function _openTask(TaskParams calldata p, Kind kind, uint128 reward) internal returns (uint256 taskId) {
        uint256 expectedValue = p.token == address(0) ? reward : 0;
        if (msg.value != expectedValue) revert WrongEthAmount(msg.value, expectedValue);
        if (p.token != address(0) && p.token.code.length == 0) revert TokenNotAContract(p.token);
        uint256 duration = p.deadline > block.timestamp ? p.deadline - block.timestamp : 0;
        if (duration < MIN_DURATION || duration > MAX_DURATION) {
            revert DurationOutOfRange(duration, MIN_DURATION, MAX_DURATION);
        }
        if (p.reviewPeriod < MIN_REVIEW_PERIOD || p.reviewPeriod > MAX_REVIEW_PERIOD) {
            revert ReviewPeriodOutOfRange(p.reviewPeriod, MIN_REVIEW_PERIOD, MAX_REVIEW_PERIOD);
        }
        if (p.coReviewer == msg.sender) revert CoReviewerIsRequester();
        uint8 rules = p.accessRules;
        if (rules & ~ALL_ACCESS_RULES != 0) revert UnknownAccessRules(rules);
        if (rules & (ACCESS_MIN_SCORE | ACCESS_VERIFIED) != 0 && address(reputation) == address(0)) {
            revert AccessNeedsReputation(rules);
        }
        if (rules & ACCESS_INVITED != 0 && p.inviteRoot == 0) revert InviteListIsEmpty();

        taskId = ++taskCount;
        Task storage t = _tasks[taskId];
        t.requester = msg.sender;
        t.deadline = p.deadline;
        t.reviewPeriod = p.reviewPeriod;
        t.kind = kind;
        t.accessRules = rules;
        t.token = p.token;
        t.feeBps = feeBps;
        if (p.coReviewer != address(0)) t.coReviewer = p.coReviewer;
        _emitPosted(taskId, kind, reward, p);
        if (rules != 0) {
            Access storage a = _access[taskId];
            if (rules & ACCESS_MIN_SCORE != 0) a.minWorkerScore = p.minWorkerScore;
            if (rules & ACCESS_INVITED != 0) a.inviteRoot = p.inviteRoot;
            if (rules & ACCESS_VERIFIED != 0) a.minVerifiedLevel = p.minVerifiedLevel;
            emit TaskRestricted(taskId, rules, a.minWorkerScore, a.inviteRoot, a.minVerifiedLevel);
        }
    }

    /// @dev Its own function only to keep _openTask's stack shallow.
    function _emitPosted(uint256 taskId, Kind kind, uint128 reward, TaskParams calldata p) internal {
        emit TaskPosted(
            taskId,
            msg.sender,
            p.token,
            kind,
            reward,
            p.deadline,
            p.reviewPeriod,
            feeBps,
            p.coReviewer,
            p.metadataURI,
            p.metadataHash
        );
    }

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

    /// @dev Reviewers cannot work on their own task; then the task's access rules, each that is on.
    function _checkWorker(Task storage t, uint256 taskId, bytes32[] calldata proof) internal view {
        if (msg.sender == t.requester || msg.sender == t.coReviewer) revert ReviewersCannotWork(msg.sender);
        uint8 rules = t.accessRules;
        if (rules == 0) return;
        Access storage a = _access[taskId];
        if (rules & ACCESS_MIN_SCORE != 0) {
            int256 score = reputation.scoreOf(msg.sender, Role.Worker);
            if (score < a.minWorkerScore) revert WorkerScoreTooLow(score, a.minWorkerScore);
        }
        if (rules & ACCESS_INVITED != 0) {
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender))));
            if (!MerkleProof.verifyCalldata(proof, a.inviteRoot, leaf)) revert NotInvited(msg.sender);
        }
        if (rules & ACCESS_VERIFIED != 0) {
            uint8 level = a.minVerifiedLevel;
            if (!reputation.isVerified(msg.sender, level)) revert NotVerified(msg.sender, level);
        }
    }

    /// @dev The caller's reviewer role in the task, or a revert.
    function _reviewerRole(Task storage t) internal view returns (Reviewer) {
        if (msg.sender == t.requester) return Reviewer.Requester;
        if (msg.sender == t.coReviewer && msg.sender != address(0)) return Reviewer.CoReviewer;
        revert NotAReviewer(msg.sender);
    }

    function _checkAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) internal view {
        uint256 count = winners.length;
        if (count == 0 || count > MAX_WINNERS) revert WinnerCountOutOfRange(count, MAX_WINNERS);
        if (sharesBps.length != count) revert SharesDoNotMatchWinners(count, sharesBps.length);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            if (sharesBps[i] == 0) revert ShareIsZero(winners[i]);
            if (!_entries[taskId][winners[i]].revealed) revert WinnerNotRevealed(winners[i]);
            sum += sharesBps[i];
        }
        if (sum != BPS) revert SharesMustSumTo100Percent(sum);
    }

    function _submittedPlace(uint256 taskId, uint256 placeIndex)
        internal
        view
        returns (Task storage t, MicroTask storage m, Place storage place)
    {
        t = _tasks[taskId];
        m = _microTaskOf(t, taskId);
        place = _places[taskId][placeIndex];
        if (place.status != PlaceStatus.Submitted) revert PlaceNotSubmitted(placeIndex, place.status);
    }

    /// @dev Four eyes on a place decision: true when it may execute now (no co-reviewer, or the other reviewer
    /// proposed the same decision); otherwise records the caller's proposal, replacing any other.
    function _decided(
        Task storage t,
        Place storage place,
        Reviewer role,
        uint256 taskId,
        uint256 placeIndex,
        bool approval
    ) internal returns (bool) {
        if (t.coReviewer == address(0)) return true;
        Reviewer proposedBy = place.proposedBy;
        if (proposedBy != Reviewer.None && proposedBy != role && place.proposedApproval == approval) return true;
        place.proposedBy = role;
        place.proposedApproval = approval;
        emit PlaceDecisionProposed(taskId, msg.sender, placeIndex, approval);
        return false;
    }

    /// @dev Effects and event of approving a submitted place; returns its worker.
    function _approve(
        Task storage t,
        MicroTask storage m,
        Place storage place,
        uint256 taskId,
        uint256 placeIndex,
        bool byDefault
    ) internal returns (address worker) {
        worker = place.worker;
        uint256 pay = m.pay;
        uint256 fee = (pay * t.feeBps) / BPS; // rounded down: against the platform, which asks for it
        place.status = PlaceStatus.Approved;
        place.proposedBy = Reviewer.None;
        m.pending -= 1;
        m.settled += 1;
        Entry storage e = _entries[taskId][worker];
        e.owed += uint128(pay - fee);
        e.placesApproved += 1;
        feesAccrued[t.token] += fee;
        emit PlaceApproved(taskId, worker, placeIndex, pay - fee, fee, byDefault);
    }

    function _reclaimContest(Task storage t, uint256 taskId) internal returns (uint256) {
        Contest storage c = _contests[taskId];
        if (t.status != Status.Open) revert NotOpen(t.status);
        if (c.revealedCount != 0) revert EntriesRevealed(c.revealedCount);
        // unrevealed entries may still be revealed until the review period ends
        uint256 reclaimableAt = c.entryCount == 0 ? t.deadline : uint256(t.deadline) + t.reviewPeriod;
        if (block.timestamp < reclaimableAt) revert TooEarlyToReclaim(reclaimableAt);
        t.status = Status.Reclaimed;
        return c.reward;
    }

    function _reclaimPlaces(Task storage t, uint256 taskId) internal returns (uint256 amount, uint256 unused) {
        MicroTask storage m = _microTasks[taskId];
        if (block.timestamp < t.deadline) revert TooEarlyToReclaim(t.deadline);
        unused = m.places - m.settled - m.pending;
        if (unused == 0) revert NothingToReclaim();
        m.settled += uint32(unused);
        amount = unused * m.pay;
    }

    /// @dev Credits the caller's share of a default split; returns it net of the fee.
    function _collectDefaultShare(Task storage t, Entry storage e, uint256 taskId) internal returns (uint256) {
        Contest storage c = _contests[taskId];
        uint256 gross = _defaultShare(c);
        uint256 fee = (gross * t.feeBps) / BPS; // rounded down: against the platform, which asks for it
        c.sharesCollected += 1;
        e.defaultShareCollected = true;
        feesAccrued[t.token] += fee;
        emit DefaultShareCredited(taskId, msg.sender, gross - fee, fee);
        return gross - fee;
    }

    /// @dev reward / revealedCount rounded down (against the worker asking); the first to collect also takes
    /// the remainder, fewer wei than there are entries. The first, not the last: a reward smaller than the
    /// number of entries makes every other share 0, and those workers never collect, so a last collector
    /// would never come and the reward would be stranded.
    function _defaultShare(Contest storage c) internal view returns (uint256) {
        uint256 share = c.reward / c.revealedCount;
        if (c.sharesCollected == 0) return c.reward - share * (c.revealedCount - 1);
        return share;
    }

    function _points(uint256 numerator, uint256 denominator) internal pure returns (int256) {
        return (TASK_POINTS * int256(numerator)) / int256(denominator); // rounded down (toward zero)
    }

    function _record(address subject, Role role, int256 points, bytes32 reason, uint256 taskId) internal {
        if (points != 0) reputation.record(subject, role, points, reason, taskId);
    }
}
