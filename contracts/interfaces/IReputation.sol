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

/// @notice One settled deal between two accounts, as a module reports it to the ledger: `payee` was paid
/// `amount` of `token` (address(0): ETH), gross, for what they did, by or on behalf of `payer`.
/// @dev payeePoints and payerPoints are the points a deal worth one full unit of the asset would earn each side
/// (WAD; negative for a penalty, 0 for none). The ledger scales them by the value, the pair's history and the
/// other side's identity; see IReputation.recordDeal.
struct Deal {
    address payee;
    Role payeeRole;
    int256 payeePoints;
    address payer;
    Role payerRole;
    int256 payerPoints;
    address token;
    uint256 amount;
    bytes32 reason;
    uint256 ref;
}

/// @title IReputation — what the modules (Crowdfund, Bounty) need from the reputation ledger
/// @dev Scores are int256 in WAD (1 point = 1e18), fading with a half-life applied lazily on every write.
/// Points are never handed in directly: a module reports what was settled and the ledger prices it, so that
/// reputation follows the value really at stake.
///
/// The price of a settled amount is its value factor, in WAD:
///   V(token, amount) = 0                          when `token` is not a registered asset, or amount < its minimum
///                    = sqrt(amount * 1e36 / unit) otherwise (rounded down; V = 1e18 at one `unit`)
/// Concave: one deal of 100 units is worth 10 deals of 1 unit, and the minimum makes dust worth nothing.
interface IReputation {
    /// @notice Credit both sides of a settled deal and count one more deal for the (unordered) pair.
    /// payee gains payeePoints × V × identityWeight(payer) / (1 + earlier deals of the pair), and payer
    /// gains payerPoints × V × identityWeight(payee) / (1 + earlier deals of the pair), each truncated
    /// toward zero in that order of operations. Only registered modules may call.
    function recordDeal(Deal calldata deal) external;

    /// @notice Credit (or debit) `subject` for value settled without a single counterparty (a campaign's
    /// claims, a failure): basePoints × (V(valueAfter) − V(valueBefore)), truncated toward zero. Reporting
    /// cumulative values (before, after) makes the points independent of how the value was cut into pieces.
    /// Only registered modules may call.
    function recordValue(
        address subject,
        Role role,
        int256 basePoints,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 ref
    ) external;

    /// @notice `subject`'s score in `role`, faded to the current block.
    function scoreOf(address subject, Role role) external view returns (int256);

    /// @notice Whether `account` holds an unexpired, unrevoked attestation of at least `minLevel`
    /// from an attester that is still registered.
    function isVerified(address account, uint8 minLevel) external view returns (bool);

    /// @notice What `account`'s ratings, votes and deals weigh, in basis points: 10,000 with a valid identity
    /// attestation at the ledger's identity level, the owner-set unverified weight otherwise.
    function identityWeightBps(address account) external view returns (uint256);

    /// @notice What an account without a valid identity attestation weighs, in basis points (at most 10,000):
    /// identityWeightBps of any unverified account.
    function unverifiedWeightBps() external view returns (uint16);
}

/// @title IRatingSource — a module that can say whether a rating comes from a real counterparty
/// @dev Reputation.rate asks the module; it never trusts the rater.
interface IRatingSource {
    /// @notice Called by the reputation ledger when `rater` rates `subject` about `ref`: check that they were
    /// counterparties there and that this rating is allowed now, mark it given (once per relationship), and
    /// say what the relationship was worth. Reverts with the module's own error otherwise.
    /// @return subjectRole the role `subject` is rated in
    /// @return token the asset the relationship was settled in (address(0): ETH)
    /// @return value what `rater`'s side of the relationship settled, gross, in `token`
    function consumeRating(uint256 ref, address rater, address subject)
        external
        returns (Role subjectRole, address token, uint256 value);
}
