// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The roles a reputation is kept for: one score per (account, role).
enum Role {
    Creator,
    Backer,
    Requester,
    Worker,
    Reviewer
}

/// @title IReputation — what the modules (Crowdfund, Bounty) need from the reputation ledger
/// @dev Scores are int256 in WAD (1 point = 1e18), fading with a half-life applied lazily on every write.
interface IReputation {
    /// @notice Credit (or debit, if `points` is negative) `subject` in `role`. Only registered modules may call.
    /// @param reason a short tag such as "campaign.succeeded", as bytes32, shown when a score is explained
    /// @param ref the campaign or task id in the calling module the points come from
    function record(address subject, Role role, int256 points, bytes32 reason, uint256 ref) external;

    /// @notice `subject`'s score in `role`, faded to the current block.
    function scoreOf(address subject, Role role) external view returns (int256);

    /// @notice Whether `account` holds an unexpired, unrevoked attestation of at least `minLevel`
    /// from an attester that is still registered.
    function isVerified(address account, uint8 minLevel) external view returns (bool);
}

/// @title IRatingSource — a module that can say whether a rating comes from a real counterparty
/// @dev Reputation.rate asks the module; it never trusts the rater.
interface IRatingSource {
    /// @notice How much a rating of `subject` by `rater` about `ref` counts.
    /// @return subjectRole the role `subject` is rated in
    /// @return weightBps 0 when there is no such relationship; otherwise the rater's share of the relationship
    /// in basis points (at most 10,000), so that all ratings arising from one campaign or task together weigh
    /// at most one full rating per rated party.
    function ratingWeight(uint256 ref, address rater, address subject)
        external
        view
        returns (Role subjectRole, uint256 weightBps);
}
