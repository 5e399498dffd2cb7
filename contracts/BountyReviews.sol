// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BountyCore} from "./base/BountyCore.sol";
import {IBountyReviews} from "./interfaces/IBountyReviews.sol";
import {IReputation} from "./interfaces/IReputation.sol";

/// @title BountyReviews — the co-reviewer's, the arbiter's and everyone's calls after a requester's decision
/// @notice Not used directly: Bounty deploys it and delegates IBountyReviews to it, so every function here runs in
/// Bounty's storage, with Bounty's address, balance and reentrancy lock, and its events come from Bounty. Called
/// on its own address it has no tasks, and every function reverts with TaskNotFound.
/// @dev Inherits BountyCore for the storage layout; its PlatformFees part is constructed with Bounty as owner
/// and treasury and is never used.
contract BountyReviews is BountyCore, IBountyReviews {
    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(IReputation reputation_) BountyCore(msg.sender, msg.sender, 0, reputation_) {}

    /*//////////////////////////////////////////////////////////////
                                CONTESTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBountyReviews
    /// @dev The co-reviewer earns Reviewer points on the reward.
    function confirmAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps)
        external
        nonReentrant
    {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (!_isCoReviewer(t)) revert NotCoReviewer(msg.sender);
        if (t.status != Status.Open) revert NotOpen(t.status);
        AwardProposal storage proposal = _awardProposals[taskId];
        bytes32 decision = proposal.decision;
        _checkConfirmable(decision != 0, proposal.objected, proposal.proposedAt);
        bytes32 given = keccak256(abi.encode(winners, sharesBps));
        if (given != decision) revert AwardDiffers(decision, given);

        delete _awardProposals[taskId];
        _executeAward(t, c, taskId, winners, sharesBps, DecidedBy.RequesterAndCoReviewer);
    }

    /// @inheritdoc IBountyReviews
    function objectToAward(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        _contestOf(t, taskId);
        if (!_isCoReviewer(t)) revert NotCoReviewer(msg.sender);
        if (t.status != Status.Open) revert NotOpen(t.status);
        AwardProposal storage proposal = _awardProposals[taskId];
        uint256 proposedAt = proposal.proposedAt;
        _checkConfirmable(proposal.decision != 0, proposal.objected, proposedAt);

        proposal.objected = true;
        emit AwardObjected(taskId, msg.sender, _arbiterUntil(t, proposedAt));
    }

    /// @inheritdoc IBountyReviews
    /// @dev The arbiter earns Reviewer points on the reward.
    function arbitrateAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps)
        external
        nonReentrant
    {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (!_isArbiter(t)) revert NotArbiter(msg.sender);
        if (t.status != Status.Open) revert NotOpen(t.status);
        AwardProposal storage proposal = _awardProposals[taskId];
        uint256 endsAt;
        if (proposal.decision != 0) {
            if (!proposal.objected) revert NothingToArbitrate();
            endsAt = uint256(proposal.proposedAt) + CO_REVIEW_WINDOW + ARBITRATION_WINDOW;
        } else {
            uint256 reviewEndsAt = uint256(t.deadline) + t.reviewPeriod;
            if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
            endsAt = reviewEndsAt + ARBITRATION_WINDOW;
        }
        if (block.timestamp >= endsAt) revert ArbitrationOver(endsAt);
        _checkAward(taskId, winners, sharesBps);

        delete _awardProposals[taskId];
        _executeAward(t, c, taskId, winners, sharesBps, DecidedBy.Arbiter);
    }

    /// @inheritdoc IBountyReviews
    function finalizeAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps)
        external
        nonReentrant
    {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (t.status != Status.Open) revert NotOpen(t.status);
        AwardProposal storage proposal = _awardProposals[taskId];
        bytes32 decision = proposal.decision;
        if (decision == 0) revert NoPendingDecision();
        bytes32 given = keccak256(abi.encode(winners, sharesBps));
        if (given != decision) revert AwardDiffers(decision, given);
        uint256 finalAt = _standsAt(t, proposal.proposedAt, proposal.objected);
        if (block.timestamp < finalAt) revert NotFinalYet(finalAt);

        delete _awardProposals[taskId];
        _executeAward(t, c, taskId, winners, sharesBps, DecidedBy.Requester);
    }

    /// @inheritdoc IBountyReviews
    /// @dev Records no reputation: nobody vouched for the work.
    function splitByDefault(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        Contest storage c = _contestOf(t, taskId);
        if (t.status != Status.Open) revert NotOpen(t.status);
        uint256 reviewEndsAt = uint256(t.deadline) + t.reviewPeriod;
        if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
        if (t.reviewers & HAS_ARBITER != 0 && block.timestamp < reviewEndsAt + ARBITRATION_WINDOW) {
            revert ArbitrationStillOpen(reviewEndsAt + ARBITRATION_WINDOW);
        }
        if (_awardProposals[taskId].decision != 0) revert RequesterDecided();
        (uint256 recipients, bool verifiedOnly) = _defaultSplit(c);
        if (recipients == 0) revert NoRevealedEntries();

        t.status = Status.SplitByDefault;
        emit ContestSplitByDefault(taskId, recipients, c.reward / recipients, verifiedOnly);
    }

    /*//////////////////////////////////////////////////////////////
                              MICRO-TASKS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBountyReviews
    /// @dev A confirmed approval earns the co-reviewer Reviewer points on the place's pay.
    function confirmPlace(uint256 taskId, uint256 placeIndex, bool approve) external nonReentrant {
        (Task storage t, MicroTask storage m, Place storage place) = _submittedPlace(taskId, placeIndex);
        if (!_isCoReviewer(t)) revert NotCoReviewer(msg.sender);
        Verdict decision = place.decision;
        _checkConfirmable(decision != Verdict.None, place.objected, _decidedAt(place));
        if ((decision == Verdict.Approve) != approve) {
            revert PlaceDecisionDiffers(placeIndex, decision == Verdict.Approve);
        }
        _carryOut(t, m, place, taskId, placeIndex, approve, DecidedBy.RequesterAndCoReviewer);
    }

    /// @inheritdoc IBountyReviews
    function objectToPlace(uint256 taskId, uint256 placeIndex) external {
        (Task storage t,, Place storage place) = _submittedPlace(taskId, placeIndex);
        if (!_isCoReviewer(t)) revert NotCoReviewer(msg.sender);
        uint256 decidedAt = _decidedAt(place);
        _checkConfirmable(place.decision != Verdict.None, place.objected, decidedAt);

        place.objected = true;
        emit PlaceObjected(taskId, msg.sender, placeIndex, _arbiterUntil(t, decidedAt));
    }

    /// @inheritdoc IBountyReviews
    /// @dev An approval earns the arbiter Reviewer points on the place's pay.
    function arbitratePlace(uint256 taskId, uint256 placeIndex, bool approve) external nonReentrant {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTaskOf(t, taskId);
        if (!_isArbiter(t)) revert NotArbiter(msg.sender);
        Place storage place = _places[taskId][placeIndex];
        PlaceStatus status = place.status;
        uint256 endsAt;
        if (status == PlaceStatus.Appealed) {
            endsAt = uint256(place.since) + ARBITRATION_WINDOW;
        } else if (status == PlaceStatus.Submitted) {
            if (place.decision != Verdict.None) {
                if (!place.objected) revert NothingToArbitrate();
                endsAt = _decidedAt(place) + CO_REVIEW_WINDOW + ARBITRATION_WINDOW;
            } else {
                uint256 reviewEndsAt = uint256(place.since) + t.reviewPeriod;
                if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
                endsAt = reviewEndsAt + ARBITRATION_WINDOW;
            }
        } else if (status == PlaceStatus.Rejected) {
            revert NothingToArbitrate(); // its worker has not appealed (yet)
        } else {
            revert PlaceNotSubmitted(placeIndex, status);
        }
        if (block.timestamp >= endsAt) revert ArbitrationOver(endsAt);

        _carryOut(t, m, place, taskId, placeIndex, approve, DecidedBy.Arbiter);
    }

    /// @inheritdoc IBountyReviews
    function appeal(uint256 taskId, uint256 placeIndex) external {
        Task storage t = _tasks[taskId];
        _microTaskOf(t, taskId);
        if (t.reviewers & HAS_ARBITER == 0) revert NoArbiter(taskId);
        Place storage place = _places[taskId][placeIndex];
        PlaceStatus status = place.status;
        if (status == PlaceStatus.Appealed) revert AlreadyAppealed(placeIndex);
        if (status != PlaceStatus.Rejected) revert PlaceNotRejected(placeIndex, status);
        if (place.worker != msg.sender) revert NotPlaceHolder(placeIndex, msg.sender, place.worker);
        uint256 appealEndsAt = uint256(place.since) + APPEAL_WINDOW;
        if (block.timestamp >= appealEndsAt) revert AppealWindowOver(appealEndsAt);

        place.status = PlaceStatus.Appealed;
        place.since = uint40(block.timestamp);
        emit PlaceAppealed(taskId, msg.sender, placeIndex, block.timestamp + ARBITRATION_WINDOW);
    }

    /// @inheritdoc IBountyReviews
    function finalizePlace(uint256 taskId, uint256 placeIndex) external nonReentrant {
        Task storage t = _tasks[taskId];
        MicroTask storage m = _microTaskOf(t, taskId);
        Place storage place = _places[taskId][placeIndex];
        PlaceStatus status = place.status;
        if (status == PlaceStatus.Submitted) {
            Verdict decision = place.decision;
            if (decision == Verdict.None) revert NoPendingDecision();
            uint256 finalAt = _standsAt(t, _decidedAt(place), place.objected);
            if (block.timestamp < finalAt) revert NotFinalYet(finalAt);
            _carryOut(t, m, place, taskId, placeIndex, decision == Verdict.Approve, DecidedBy.Requester);
        } else if (status == PlaceStatus.Rejected || status == PlaceStatus.Appealed) {
            uint256 finalAt =
                uint256(place.since) + (status == PlaceStatus.Rejected ? APPEAL_WINDOW : ARBITRATION_WINDOW);
            if (block.timestamp < finalAt) revert NotFinalYet(finalAt);
            address worker = place.worker;
            delete _places[taskId][placeIndex];
            m.pending -= 1;
            emit PlaceReopened(taskId, worker, placeIndex);
        } else {
            revert PlaceNotSubmitted(placeIndex, status);
        }
    }

    /// @inheritdoc IBountyReviews
    /// @dev Records no reputation: nobody vouched for the work; but nobody takes work without paying for it.
    function approveByDefault(uint256 taskId, uint256 placeIndex) external {
        (Task storage t, MicroTask storage m, Place storage place) = _submittedPlace(taskId, placeIndex);
        uint256 reviewEndsAt = uint256(place.since) + t.reviewPeriod;
        if (block.timestamp < reviewEndsAt) revert ReviewStillRunning(reviewEndsAt);
        if (t.reviewers & HAS_ARBITER != 0 && block.timestamp < reviewEndsAt + ARBITRATION_WINDOW) {
            revert ArbitrationStillOpen(reviewEndsAt + ARBITRATION_WINDOW);
        }
        if (place.decision != Verdict.None) revert RequesterDecided();
        _approve(t, m, place, taskId, placeIndex, DecidedBy.Default);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

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

    function _carryOut(
        Task storage t,
        MicroTask storage m,
        Place storage place,
        uint256 taskId,
        uint256 placeIndex,
        bool approve,
        DecidedBy decidedBy
    ) internal {
        if (approve) _approve(t, m, place, taskId, placeIndex, decidedBy);
        else _reject(t, m, place, taskId, placeIndex, decidedBy);
    }

    function _decidedAt(Place storage place) internal view returns (uint256) {
        return uint256(place.since) + place.decidedAfter;
    }

    /// @dev The co-reviewer may confirm or object to a requester's decision made at `decidedAt` while it is
    /// pending, not objected to, and within the co-review window.
    function _checkConfirmable(bool pending, bool objected, uint256 decidedAt) internal view {
        if (!pending) revert NoPendingDecision();
        if (objected) revert AlreadyObjected();
        uint256 endedAt = decidedAt + CO_REVIEW_WINDOW;
        if (block.timestamp >= endedAt) revert CoReviewWindowOver(endedAt);
    }

    /// @dev Until when the arbiter may decide after an objection to a decision made at `decidedAt`; 0 without one.
    function _arbiterUntil(Task storage t, uint256 decidedAt) internal view returns (uint256) {
        if (t.reviewers & HAS_ARBITER == 0) return 0;
        return decidedAt + CO_REVIEW_WINDOW + ARBITRATION_WINDOW;
    }

    /// @dev When a requester's decision made at `decidedAt` stands without confirmation: at the end of the
    /// co-review window, or after an objection to a task with an arbiter, at the end of the arbitration window.
    function _standsAt(Task storage t, uint256 decidedAt, bool objected) internal view returns (uint256) {
        uint256 standsAt = decidedAt + CO_REVIEW_WINDOW;
        if (objected && t.reviewers & HAS_ARBITER != 0) standsAt += ARBITRATION_WINDOW;
        return standsAt;
    }
}
