// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title RevertingPayer
/// @notice Attack helper for tests: performs a real token transfer (which
/// emits a real `Transfer` log during execution) and then reverts, so the
/// transaction fails and the receipt has status 0 and no logs. Send such
/// transactions with an explicit gas limit: gas estimation fails on them.
contract RevertingPayer {
    error Reverted();

    /// @notice Pulls `value` of `token` from the caller (needs an allowance),
    /// pays `to`, then reverts.
    function payFromAndRevert(IERC20 token, address to, uint256 value) external {
        require(token.transferFrom(msg.sender, to, value), "transferFrom false");
        revert Reverted();
    }

    /// @notice Pays `to` from this contract's own balance, then reverts.
    function payAndRevert(IERC20 token, address to, uint256 value) external {
        require(token.transfer(to, value), "transfer false");
        revert Reverted();
    }
}
