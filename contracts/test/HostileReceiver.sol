// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A contract account for tests: it acts on any target, and on receiving ETH it accepts, refuses, or
/// re-enters with a prepared call (the classic re-entrancy attack on payouts).
contract HostileReceiver {
    enum OnReceive {
        Accept,
        Refuse,
        Reenter
    }

    error RefusingEth();

    OnReceive public onReceive;
    address public reentryTarget;
    bytes public reentryCall;
    /// @notice Set when a re-entry attempt succeeded, which must never happen.
    bool public reentered;

    function setOnReceive(OnReceive mode, address target, bytes calldata data) external {
        onReceive = mode;
        reentryTarget = target;
        reentryCall = data;
    }

    function act(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory result) = target.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    receive() external payable {
        if (onReceive == OnReceive.Refuse) revert RefusingEth();
        if (onReceive == OnReceive.Reenter) {
            (bool ok,) = reentryTarget.call(reentryCall);
            if (ok) reentered = true;
        }
    }
}
