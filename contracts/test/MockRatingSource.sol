// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRatingSource, Role} from "../interfaces/IReputation.sol";

/// @notice A rating source for tests: the relationships are whatever the test sets, one slot each, as a real
/// module would read its campaign or task, and each can be rated once, as a real module marks it.
contract MockRatingSource is IRatingSource {
    /// @dev One slot: the asset, the role and whether it was rated; the value in the next.
    struct Relationship {
        address token;
        Role subjectRole;
        bool exists;
        bool rated;
        uint256 value;
    }

    error NoRelationship(uint256 ref, address rater, address subject);
    error AlreadyRated(uint256 ref, address rater, address subject);

    mapping(bytes32 key => Relationship) internal _relationships;

    function setRelationship(
        uint256 ref,
        address rater,
        address subject,
        Role subjectRole,
        address token,
        uint256 value
    ) external {
        _relationships[keccak256(abi.encode(ref, rater, subject))] =
            Relationship(token, subjectRole, true, false, value);
    }

    function consumeRating(uint256 ref, address rater, address subject)
        external
        returns (Role subjectRole, address token, uint256 value)
    {
        Relationship storage r = _relationships[keccak256(abi.encode(ref, rater, subject))];
        if (!r.exists) revert NoRelationship(ref, rater, subject);
        if (r.rated) revert AlreadyRated(ref, rater, subject);
        r.rated = true;
        return (r.subjectRole, r.token, r.value);
    }

    function hasRated(uint256 ref, address rater, address subject) external view returns (bool) {
        return _relationships[keccak256(abi.encode(ref, rater, subject))].rated;
    }
}
