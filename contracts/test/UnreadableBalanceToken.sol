// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Hostile token: any creator may launch a campaign in it, and its balanceOf always reverts, so
/// nobody can read what a contract holds of it.
contract UnreadableBalanceToken {
    error NoBalances();

    function balanceOf(address) external pure returns (uint256) {
        revert NoBalances();
    }
}
