// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title PlatformFees — the platform's fee, its treasury, and moving ETH or tokens in and out
/// @notice The owner sets a fee (at most 10%) for what is created from then on and the treasury it goes to.
/// Modules accrue fees per token; anyone may send what has accrued to the treasury.
/// @dev Shared by the modules (Crowdfund, Bounty). A module fixes `feeBps` into each campaign or task when it
/// is created, accrues the fee with `feesAccrued[token] += fee` when it pays out, and moves money only through
/// `_pullToken` and `_send`.
abstract contract PlatformFees is Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event FeeChanged(uint256 oldFeeBps, uint256 newFeeBps);
    event TreasuryChanged(address indexed oldTreasury, address indexed newTreasury);
    event FeesWithdrawn(address indexed token, address indexed treasury, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error ZeroAddress();
    error FeeTooHigh(uint256 feeBps, uint256 max);
    error NoFees();
    error TokenDeliveredLess(uint256 received, uint256 expected);
    error EthTransferFailed(address to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_FEE_BPS = 1_000; // 10%

    // feeBps and treasury share one slot.
    uint16 public feeBps;
    address public treasury;
    /// @notice Fees owed to the treasury per token (address(0): ETH).
    mapping(address token => uint256) public feesAccrued;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_, address treasury_, uint16 feeBps_) Ownable(owner_) {
        _setTreasury(treasury_);
        _setFee(feeBps_);
    }

    /*//////////////////////////////////////////////////////////////
                                PLATFORM
    //////////////////////////////////////////////////////////////*/

    /// @notice Send the fees accrued in `token` to the treasury. Anyone may call; only the treasury receives.
    function withdrawFees(address token) external nonReentrant {
        uint256 amount = feesAccrued[token];
        if (amount == 0) revert NoFees();
        feesAccrued[token] = 0;
        emit FeesWithdrawn(token, treasury, amount);
        _send(token, treasury, amount);
    }

    /// @notice The fee for what is created from now on. What is running keeps its own.
    function setFee(uint16 newFeeBps) external onlyOwner {
        _setFee(newFeeBps);
    }

    function setTreasury(address newTreasury) external onlyOwner {
        _setTreasury(newTreasury);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Takes `amount` of `token` from the caller and refuses tokens that deliver less (fee on transfer).
    function _pullToken(address token, uint256 amount) internal {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert TokenDeliveredLess(received, amount);
    }

    /// @dev Sends ETH when `token` is address(0), otherwise the token.
    function _send(address token, address to, uint256 amount) internal {
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _setFee(uint16 newFeeBps) internal {
        if (newFeeBps > MAX_FEE_BPS) revert FeeTooHigh(newFeeBps, MAX_FEE_BPS);
        emit FeeChanged(feeBps, newFeeBps);
        feeBps = newFeeBps;
    }

    function _setTreasury(address newTreasury) internal {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasuryChanged(treasury, newTreasury);
        treasury = newTreasury;
    }
}
