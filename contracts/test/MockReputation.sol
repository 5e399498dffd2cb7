// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Deal, IRatingSource, IReputation, Role} from "../interfaces/IReputation.sol";

/// @title MockReputation — a stand-in reputation ledger for module tests
/// @notice Records every call a module makes as an event, and answers the views from values the test sets, so a
/// test states exactly what the ledger would say and checks exactly what the module reported. It can also refuse
/// (revert on every call) or swallow all the gas it is given, as a broken or hostile ledger would.
/// @dev Anyone may call anything: it is test code. `rate` plays the ledger's side of a rating: it asks the
/// source to consume the rating and emits what the source answered.
contract MockReputation is IReputation {
    /// @notice How the ledger behaves when a module records.
    enum Mode {
        Accept,
        Refuse,
        BurnGas
    }

    event DealRecorded(
        address indexed module,
        address indexed payee,
        Role payeeRole,
        int256 payeePoints,
        address indexed payer,
        Role payerRole,
        int256 payerPoints,
        address token,
        uint256 amount,
        bytes32 reason,
        uint256 ref
    );
    event ValueRecorded(
        address indexed module,
        address indexed subject,
        Role role,
        int256 basePoints,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 ref
    );
    event RatingConsumed(
        address indexed source,
        uint256 indexed ref,
        address indexed rater,
        address subject,
        Role subjectRole,
        address token,
        uint256 value
    );

    error LedgerRefuses();

    Mode public mode;
    uint16 internal _unverifiedWeightBps = 10_000;
    mapping(address account => mapping(Role role => int256)) public scores;
    /// @dev level + 1, so that 0 means "no attestation".
    mapping(address account => uint16) internal _verifiedLevelPlusOne;

    function setMode(Mode newMode) external {
        mode = newMode;
    }

    function setScore(address account, Role role, int256 value) external {
        scores[account][role] = value;
    }

    /// @notice Give `account` a valid attestation of `level`.
    function setVerified(address account, uint8 level) external {
        _verifiedLevelPlusOne[account] = uint16(level) + 1;
    }

    function clearVerified(address account) external {
        delete _verifiedLevelPlusOne[account];
    }

    function setUnverifiedWeightBps(uint16 weightBps) external {
        _unverifiedWeightBps = weightBps;
    }

    /// @inheritdoc IReputation
    function recordDeal(Deal calldata deal) external {
        _behave();
        emit DealRecorded(
            msg.sender,
            deal.payee,
            deal.payeeRole,
            deal.payeePoints,
            deal.payer,
            deal.payerRole,
            deal.payerPoints,
            deal.token,
            deal.amount,
            deal.reason,
            deal.ref
        );
    }

    /// @inheritdoc IReputation
    function recordValue(
        address subject,
        Role role,
        int256 basePoints,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 ref
    ) external {
        _behave();
        emit ValueRecorded(msg.sender, subject, role, basePoints, token, valueBefore, valueAfter, reason, ref);
    }

    /// @notice The ledger's side of a rating: `msg.sender` rates `subject` about `ref` of `source`.
    function rate(IRatingSource source, uint256 ref, address subject) external {
        (Role subjectRole, address token, uint256 value) = source.consumeRating(ref, msg.sender, subject);
        emit RatingConsumed(address(source), ref, msg.sender, subject, subjectRole, token, value);
    }

    /// @inheritdoc IReputation
    function scoreOf(address subject, Role role) external view returns (int256) {
        _behave();
        return scores[subject][role];
    }

    /// @inheritdoc IReputation
    function isVerified(address account, uint8 minLevel) public view returns (bool) {
        _behave();
        uint16 levelPlusOne = _verifiedLevelPlusOne[account];
        return levelPlusOne != 0 && levelPlusOne - 1 >= minLevel;
    }

    /// @inheritdoc IReputation
    function identityWeightBps(address account) external view returns (uint256) {
        return isVerified(account, 0) ? 10_000 : _unverifiedWeightBps;
    }

    /// @inheritdoc IReputation
    function unverifiedWeightBps() external view returns (uint16) {
        return _unverifiedWeightBps;
    }

    function _behave() internal view {
        if (mode == Mode.Refuse) revert LedgerRefuses();
        if (mode == Mode.BurnGas) {
            while (true) {} // runs until the gas it was given is gone
        }
    }
}
