// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ForceSend — puts ETH into an address without calling it, so no code there can refuse or notice it
/// @dev SELFDESTRUCT in the constructor: on Cancun (EIP-6780) a contract created and destroyed in the same
/// transaction is still deleted and still sends its whole balance to `to`. The audit must show such ETH as a
/// surplus, never hide it.
contract ForceSend {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}
