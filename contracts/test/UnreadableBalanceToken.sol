// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Hostile token: any creator may launch a campaign in it, and its balanceOf always reverts (with no
/// data, so it adds no error to the ABIs the CLI explains), so nobody can read what a contract holds of it.
contract UnreadableBalanceToken {
    function balanceOf(address) external pure returns (uint256) {
        revert();
    }
}
