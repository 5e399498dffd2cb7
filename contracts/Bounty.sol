// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {BountyCore} from "./base/BountyCore.sol";
import {BountyReviews} from "./BountyReviews.sol";
import {IBountyReviews} from "./interfaces/IBountyReviews.sol";
import {IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Bounty — escrowed rewards for crowdsourced work, one contract for every task
/// @notice A requester posts a task with its reward escrowed: a contest (any number of entries, the requester
/// awards one or more winners) or a micro-task (N places at a fixed pay, each taken, submitted and approved on
/// its own). Once valid work exists the requester cannot take the reward back.
/// The requester decides. A co-reviewer, if named, confirms the requester's decision (it executes at once) or
/// objects to it; an objection sends it to the arbiter, if named, and otherwise is only a matter of record.
/// Unless confirmed or overruled, the requester's decision stands when the co-review window (and, after an
/// objection, the arbitration window) is over. A requester who does not decide in the review period is replaced
/// by the arbiter, if named, and then by the default: a contest's reward is split equally among the revealed
/// entries of verified workers (all revealed entries if none is verified), submitted micro-task work is approved.
/// A worker whose place was rejected may appeal to the arbiter once. Every window is fixed, so no escrow waits
/// on anyone for longer than the posted periods plus CO_REVIEW_WINDOW, ARBITRATION_WINDOW and APPEAL_WINDOW.
/// @dev Contest entries are commitments, keccak256(abi.encode(deliverableHash, worker, salt)), submitted before
/// the deadline and revealed after it, so nobody can copy an entry and authorship and time are on record.
/// Micro-task submissions are not revealed: a place is held by one worker, so there is nothing on chain to copy;
/// the worker hands the deliverable to the requester off-chain and the recorded hash proves what was handed over.
/// Every payout is credited and then withdrawn (pull); every state change is an event carrying the new values.
/// Reputation is bookkeeping, never a condition of a payout: the ledger is told what was settled, with a fixed
/// gas budget, and whatever it answers the payout stands.
/// The co-reviewer's, the arbiter's and everyone's calls after a decision (IBountyReviews) run in
/// BountyReviews, which this contract deploys and delegates them to: together they exceed the size limit of
/// one contract. Types, events, errors and storage are BountyCore's, shared by both.
contract Bounty is BountyCore, IBountyReviews, IRatingSource {
    using SafeCast for uint256;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The contract the review calls (IBountyReviews) are delegated to; deployed with this one.
    address public immutable reviews;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_, address treasury_, uint16 feeBps_, IReputation reputation_)
        BountyCore(owner_, treasury_, feeBps_, reputation_)
    {
        reviews = address(new BountyReviews(reputation_));
    }

    /*//////////////////////////////////////////////////////////////
                                POSTING
    //////////////////////////////////////////////////////////////*/

    /// @notice Post a contest with `reward` escrowed (send it as msg.value for ETH; approve it first for a
    /// token). Workers submit commitments until the deadline and reveal them in the review period.
    function postContest(TaskParams calldata p, uint128 reward) external payable nonReentrant returns (uint256 taskId) {
        if (reward == 0) revert RewardIsZero();
        taskId = _openTask(p, reward);
        _contests[taskId].reward = reward;
        if (p.token != address(0)) _pullToken(p.token, reward);
    }

    /// @notice Post a micro-task: `places` places at `pay` each, pay × places escrowed. A worker holds a taken
    /// place for `workWindow` to submit; after that, or when a rejection is final, the place reopens.
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
        taskId = _openTask(p, total);
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

    /// @notice Reveal your entry between the deadline and the end of the review period. Whether you are verified
    /// now (at the task's minVerifiedLevel, else any level) is recorded with the entry: if nobody awards the
    /// contest, the default split goes to verified entries first.
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
        bool verified = _isVerifiedNow(t, taskId);

        e.revealed = true;
        uint32 verifiedCount = c.verifiedCount;
        if (verified) {
            e.verified = true;
            c.verifiedCount = ++verifiedCount;
        }
        uint32 revealedCount = ++c.revealedCount;
        emit EntryRevealed(taskId, msg.sender, deliverableHash, deliverableURI, revealedCount, verified, verifiedCount);
    }

    /// @notice The requester decides a contest before the review period ends: `sharesBps[i]` of the reward to
    /// `winners[i]` (revealed entries, each named once, shares summing to 10,000; each share is rounded down and
    /// the last winner takes what rounding left). Without a co-reviewer it executes now; with one it is a proposal
    /// (AwardProposed) for the co-reviewer to confirm or object to, and a new proposal replaces it until the
    /// co-reviewer objects. Each winner's payment is reported to the ledger as a deal with the requester.
    function award(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) external nonReentrant {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (msg.sender != t.requester) revert NotRequester(msg.sender, t.requester);
        if (t.status != Status.Open) revert NotOpen(t.status);
        uint256 reviewEndsAt = uint256(t.deadline) + t.reviewPeriod;
        if (block.timestamp >= reviewEndsAt) revert ReviewPeriodOver(reviewEndsAt);
        _checkAward(taskId, winners, sharesBps);
        if (t.reviewers & HAS_CO_REVIEWER != 0) _proposeAward(taskId, winners, sharesBps);
        else _executeAward(t, c, taskId, winners, sharesBps, DecidedBy.Requester);
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

        _places[taskId][placeIndex] = Place(msg.sender, uint40(block.timestamp), PlaceStatus.Taken, Verdict.None, 0, false);
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

    /// @notice The requester approves submitted work within its review period: its pay, less the fee, is
    /// credited to the worker, and the payment is reported to the ledger as a deal between them. With a
    /// co-reviewer it is a decision (PlaceDecisionProposed) for the co-reviewer to confirm or object to, and a new
    /// decision replaces it until the co-reviewer objects.
    function approve(uint256 taskId, uint256 placeIndex) external nonReentrant {
        _decide(taskId, placeIndex, Verdict.Approve);
    }

    /// @notice The requester rejects submitted work within its review period; with a co-reviewer, as approve.
    /// With an arbiter the place stays held for the worker's appeal for APPEAL_WINDOW; otherwise it reopens now
    /// (and after the deadline its pay becomes the requester's to reclaim).
    function reject(uint256 taskId, uint256 placeIndex) external nonReentrant {
        _decide(taskId, placeIndex, Verdict.Reject);
    }

    /*//////////////////////////////////////////////////////////////
                         REVIEWS (BountyReviews)
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBountyReviews
    function confirmAward(uint256, address[] calldata, uint16[] calldata) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function objectToAward(uint256) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function arbitrateAward(uint256, address[] calldata, uint16[] calldata) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function finalizeAward(uint256, address[] calldata, uint16[] calldata) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function splitByDefault(uint256) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function confirmPlace(uint256, uint256, bool) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function objectToPlace(uint256, uint256) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function arbitratePlace(uint256, uint256, bool) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function appeal(uint256, uint256) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function finalizePlace(uint256, uint256) external {
        _delegateToReviews();
    }

    /// @inheritdoc IBountyReviews
    function approveByDefault(uint256, uint256) external {
        _delegateToReviews();
    }

    /*//////////////////////////////////////////////////////////////
                                PAYOUTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The requester takes back what no work can claim any more. A contest: its whole reward, after the
    /// deadline when nobody entered, or after the review period when no entry was revealed. A micro-task: after
    /// the deadline, the pay of every place neither approved nor holding submitted work (callable again as
    /// rejections become final and free more).
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
        if (t.status == Status.SplitByDefault && !e.defaultShareCollected) {
            Contest storage c = _contests[taskId];
            if (_inDefaultSplit(c, e)) amount += _collectDefaultShare(t, c, e, taskId);
        }
        if (amount == 0) revert NothingToWithdraw();

        e.owed = 0;
        emit Withdrawn(taskId, msg.sender, to, amount);
        _send(t.token, to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                RATINGS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRatingSource
    /// @dev The requester may rate each worker paid in the task, and each such worker the requester, once each.
    /// The value is what the worker was paid in the task, gross (grossPaid), at the time of the rating. The flags
    /// are the ledger's record too: its Rated event (source = this contract, ref = task id) marks the same pair.
    function consumeRating(uint256 ref, address rater, address subject)
        external
        nonReentrant
        returns (Role subjectRole, address token, uint256 value)
    {
        if (msg.sender != address(reputation)) revert NotTheLedger(msg.sender);
        Task storage t = _existingTask(ref);
        address requester = t.requester;
        Entry storage e;
        if (rater == requester) {
            e = _entries[ref][subject];
            subjectRole = Role.Worker;
            if (e.ratedByRequester) revert AlreadyRated(rater, subject);
            e.ratedByRequester = true;
        } else if (subject == requester) {
            e = _entries[ref][rater];
            subjectRole = Role.Requester;
            if (e.ratedRequester) revert AlreadyRated(rater, subject);
            e.ratedRequester = true;
        } else {
            revert NotACounterparty(rater, subject);
        }
        value = _grossPaid(t, e, ref);
        if (value == 0) revert NotACounterparty(rater, subject);
        token = t.token;
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
        if (t.status == Status.SplitByDefault && !e.defaultShareCollected) {
            Contest storage c = _contests[taskId];
            if (_inDefaultSplit(c, e)) {
                uint256 gross = _defaultShare(c);
                amount += gross - (gross * t.feeBps) / BPS;
            }
        }
    }

    /// @notice What `worker` was paid in a task, gross (before the fee): their award, their collected default
    /// share, or their approved places' pay. The value a rating between them and the requester is priced at.
    function grossPaid(uint256 taskId, address worker) external view returns (uint256) {
        return _grossPaid(_tasks[taskId], _entries[taskId][worker], taskId);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Checks and stores what every task has, and emits TaskPosted; the caller takes the money. The kind
    /// follows from the posting function called rather than from a constant argument: the optimizer would make a
    /// copy of this function for each constant (1.9 KB that Bounty cannot spare under the size limit).
    function _openTask(TaskParams calldata p, uint128 reward) internal returns (uint256 taskId) {
        Kind kind = msg.sig == this.postMicroTask.selector ? Kind.MicroTask : Kind.Contest;
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
        if (p.arbiter != address(0)) {
            if (p.arbiter == msg.sender) revert ArbiterIsRequester();
            if (p.arbiter == p.coReviewer) revert ArbiterIsCoReviewer();
        }
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
        t.reviewPeriod = uint24(p.reviewPeriod); // at most MAX_REVIEW_PERIOD < 2^24
        t.kind = kind;
        t.accessRules = rules;
        t.token = p.token;
        t.feeBps = feeBps;
        uint8 reviewers;
        if (p.coReviewer != address(0)) {
            t.coReviewer = p.coReviewer;
            reviewers = HAS_CO_REVIEWER;
        }
        if (p.arbiter != address(0)) {
            t.arbiter = p.arbiter;
            reviewers |= HAS_ARBITER;
        }
        t.reviewers = reviewers;
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
            p.arbiter,
            p.metadataURI,
            p.metadataHash
        );
    }

    /// @dev Reviewers (requester, co-reviewer, arbiter) cannot work on their own task; then the task's access
    /// rules, each that is on.
    function _checkWorker(Task storage t, uint256 taskId, bytes32[] calldata proof) internal view {
        if (msg.sender == t.requester || _isCoReviewer(t) || _isArbiter(t)) revert ReviewersCannotWork(msg.sender);
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

    /// @dev Whether the caller is verified now, at the task's level when it requires verification, else at any
    /// level. A ledger that fails to answer counts as "not verified": it can only cost the caller, who alone
    /// reveals their entry.
    function _isVerifiedNow(Task storage t, uint256 taskId) internal view returns (bool verified) {
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) return false;
        uint8 level = t.accessRules & ACCESS_VERIFIED != 0 ? _access[taskId].minVerifiedLevel : 0;
        try ledger.isVerified(msg.sender, level) returns (bool answer) {
            verified = answer;
        } catch {}
    }

    function _proposeAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) internal {
        AwardProposal storage proposal = _awardProposals[taskId];
        if (proposal.objected) revert AlreadyObjected();
        proposal.decision = keccak256(abi.encode(winners, sharesBps));
        proposal.proposedAt = uint40(block.timestamp);
        emit AwardProposed(taskId, msg.sender, winners, sharesBps, block.timestamp + CO_REVIEW_WINDOW);
    }

    /// @dev The requester's decision about a place: executed now without a co-reviewer, else recorded in the
    /// place for the co-reviewer.
    function _decide(uint256 taskId, uint256 placeIndex, Verdict verdict) internal {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTaskOf(t, taskId);
        if (msg.sender != t.requester) revert NotRequester(msg.sender, t.requester);
        Place storage place = _places[taskId][placeIndex];
        if (place.status != PlaceStatus.Submitted) revert PlaceNotSubmitted(placeIndex, place.status);
        uint256 reviewEndsAt = uint256(place.since) + t.reviewPeriod;
        if (block.timestamp >= reviewEndsAt) revert ReviewPeriodOver(reviewEndsAt);
        if (t.reviewers & HAS_CO_REVIEWER == 0) {
            if (verdict == Verdict.Approve) _approve(t, m, place, taskId, placeIndex, DecidedBy.Requester);
            else _reject(t, m, place, taskId, placeIndex, DecidedBy.Requester);
            return;
        }
        if (place.objected) revert AlreadyObjected();
        place.decision = verdict;
        place.decidedAfter = uint32(block.timestamp - place.since); // below reviewPeriod
        emit PlaceDecisionProposed(
            taskId, msg.sender, placeIndex, verdict == Verdict.Approve, block.timestamp + CO_REVIEW_WINDOW
        );
    }

    /// @dev Runs the calling IBountyReviews function in BountyReviews, in this contract's storage, and ends the
    /// call with its return or revert data (as OpenZeppelin's Proxy._delegate, in memory past the free memory
    /// pointer). Reentrancy is guarded there (the lock is this contract's either way). BountyReviews has code:
    /// this contract deployed it.
    function _delegateToReviews() internal {
        address target = reviews;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let success := delegatecall(gas(), target, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(success) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
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

    function _inDefaultSplit(Contest storage c, Entry storage e) internal view returns (bool) {
        return c.verifiedCount != 0 ? e.verified : e.revealed;
    }

    /// @dev Credits the caller's share of a default split; returns it net of the fee.
    function _collectDefaultShare(Task storage t, Contest storage c, Entry storage e, uint256 taskId)
        internal
        returns (uint256)
    {
        (uint256 recipients,) = _defaultSplit(c);
        uint256 gross = _defaultShare(c);
        uint256 fee = (gross * t.feeBps) / BPS; // rounded down: against the platform, which asks for it
        c.sharesCollected += 1;
        e.defaultShareCollected = true;
        e.remainder = uint32(gross - c.reward / recipients); // below recipients, itself a uint32 count
        feesAccrued[t.token] += fee;
        emit DefaultShareCredited(taskId, msg.sender, gross - fee, fee);
        return gross - fee;
    }

    /// @dev reward / recipients rounded down (against the worker asking); the first to collect also takes the
    /// remainder, fewer wei than there are recipients. The first, not the last: a reward smaller than the number
    /// of recipients makes every other share 0, and those workers never collect, so a last collector would never
    /// come and the reward would be stranded.
    function _defaultShare(Contest storage c) internal view returns (uint256) {
        (uint256 recipients,) = _defaultSplit(c);
        uint256 share = c.reward / recipients;
        if (c.sharesCollected == 0) return c.reward - share * (recipients - 1);
        return share;
    }

    /// @dev What a worker was paid in the task, gross; see Entry.
    function _grossPaid(Task storage t, Entry storage e, uint256 taskId) internal view returns (uint256) {
        if (t.kind == Kind.MicroTask) return uint256(e.placesApproved) * _microTasks[taskId].pay;
        Contest storage c = _contests[taskId];
        if (e.shareBps != 0) return (uint256(c.reward) * e.shareBps) / BPS + e.remainder;
        if (e.defaultShareCollected) {
            (uint256 recipients,) = _defaultSplit(c);
            return c.reward / recipients + e.remainder;
        }
        return 0;
    }
}
