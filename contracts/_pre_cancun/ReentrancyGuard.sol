// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev The pre-Cancun build (`./dev build --evm shanghai` or `paris`) maps OpenZeppelin's
/// `utils/ReentrancyGuardTransient.sol` to this file, so the `ReentrancyGuardTransient` that PlatformFees imports
/// is OpenZeppelin's `ReentrancyGuard`: the same guard, same error, its lock in ordinary storage instead of
/// transient storage (TSTORE/TLOAD exist only from Cancun on). The default build never reads this file (brownie
/// skips folders starting with `_`); scripts/build_evm.py holds the remapping.
import {ReentrancyGuard as ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
