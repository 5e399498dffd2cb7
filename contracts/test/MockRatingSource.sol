// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRatingSource, Role} from "../interfaces/IReputation.sol";

/// @notice A rating source for tests: the relationships are whatever the test sets, one slot each, as a
/// real module would read its campaign or task.
contract MockRatingSource is IRatingSource {
    struct Relationship {
        Role subjectRole;
        uint248 weightBps;
    }

    mapping(bytes32 key => Relationship) internal _relationships;

    function setWeight(uint256 ref, address rater, address subject, Role subjectRole, uint248 weightBps) external {
        _relationships[keccak256(abi.encode(ref, rater, subject))] = Relationship(subjectRole, weightBps);
    }

    function ratingWeight(uint256 ref, address rater, address subject)
        external
        view
        returns (Role subjectRole, uint256 weightBps)
    {
        Relationship memory r = _relationships[keccak256(abi.encode(ref, rater, subject))];
        return (r.subjectRole, r.weightBps);
    }
}
