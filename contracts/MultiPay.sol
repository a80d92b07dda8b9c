// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title MultiPay
/// @notice Test helper: pays several recipients from the caller (who must have
/// approved this contract) in one transaction, so one transaction carries
/// several `Transfer` logs. Emits no events of its own.
contract MultiPay {
    error LengthMismatch();

    function payMany(IERC20 token, address[] calldata to, uint256[] calldata values) external {
        if (to.length != values.length) revert LengthMismatch();
        for (uint256 i = 0; i < to.length; ++i) {
            require(token.transferFrom(msg.sender, to[i], values[i]), "transferFrom false");
        }
    }
}
