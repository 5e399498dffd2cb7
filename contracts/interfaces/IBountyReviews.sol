// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IBountyReviews — the second and third pair of eyes on a Bounty task, and the defaults
/// @notice Called on the Bounty contract. The requester decides (Bounty.award, Bounty.approve, Bounty.reject);
/// with a co-reviewer, that decision waits CO_REVIEW_WINDOW for the co-reviewer to confirm it (it executes at
/// once) or object to it. An objection sends it to the arbiter, if the task names one, for ARBITRATION_WINDOW;
/// without an arbiter it is on record only. A decision nobody confirmed or overruled stands when its windows end,
/// and anyone may then carry it out. A requester who does not decide in the review period is replaced by the
/// arbiter for ARBITRATION_WINDOW, then by the default. A rejected worker may appeal to the arbiter once.
/// @dev Bounty implements each of these by delegating to its BountyReviews (same storage layout), which keeps
/// Bounty under the contract size limit; one interface for both makes the compiler hold their signatures equal.
interface IBountyReviews {
    /// @notice The co-reviewer confirms the requester's proposed award (`winners` and `sharesBps` exactly as
    /// proposed, see AwardProposed) within CO_REVIEW_WINDOW of it; it executes now.
    function confirmAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) external;

    /// @notice The co-reviewer objects to the requester's proposed award within CO_REVIEW_WINDOW of it. With an
    /// arbiter, the arbiter may now award instead; without one, the objection is on record and the award stands
    /// when the co-review window ends. Either way the requester can no longer change it.
    function objectToAward(uint256 taskId) external;

    /// @notice The arbiter awards the contest (any valid award, as Bounty.award): after an objection, until
    /// ARBITRATION_WINDOW after the co-review window; or when the requester proposed nothing in the review
    /// period, until ARBITRATION_WINDOW after it.
    function arbitrateAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) external;

    /// @notice Anyone carries out the requester's proposed award once it stands: from the end of the co-review
    /// window, or, after an objection to a task with an arbiter, from the end of the arbitration window.
    function finalizeAward(uint256 taskId, address[] calldata winners, uint16[] calldata sharesBps) external;

    /// @notice When nobody decided a contest in time (no proposal in the review period, no arbiter's award in the
    /// arbitration window after it), anyone splits the reward equally among the revealed entries of verified
    /// workers, or among all revealed entries when none is verified. Each collects with Bounty.withdraw.
    function splitByDefault(uint256 taskId) external;

    /// @notice The co-reviewer confirms the requester's decision about a place (`approve` as the requester
    /// decided) within CO_REVIEW_WINDOW of it; it executes now.
    function confirmPlace(uint256 taskId, uint256 placeIndex, bool approve) external;

    /// @notice The co-reviewer objects to the requester's decision about a place; as objectToAward.
    function objectToPlace(uint256 taskId, uint256 placeIndex) external;

    /// @notice The arbiter approves or rejects a place: after an objection, after a silent requester's review
    /// period, or on an appeal, each until ARBITRATION_WINDOW after it opened. An arbiter's rejection is final.
    function arbitratePlace(uint256 taskId, uint256 placeIndex, bool approve) external;

    /// @notice The worker of a rejected place appeals to the task's arbiter, once, within APPEAL_WINDOW of the
    /// rejection. The place stays held; the arbiter approves or upholds, and silence upholds.
    function appeal(uint256 taskId, uint256 placeIndex) external;

    /// @notice Anyone carries out what stands for a place once its windows are over: the requester's decision,
    /// or the reopening of a rejected place whose appeal window ended unused or whose appeal went unanswered.
    function finalizePlace(uint256 taskId, uint256 placeIndex) external;

    /// @notice When nobody decided about submitted work in time (the requester in its review period, the arbiter
    /// in the arbitration window after it), anyone approves it, without reputation.
    function approveByDefault(uint256 taskId, uint256 placeIndex) external;
}
