// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title LookalikeToken
/// @notice Attack helper for tests: presents itself as USDC (symbol, decimals)
/// and emits standard ERC-20 `Transfer` events to any address without holding
/// any balance. A payment detector must ignore these because the log's
/// emitter is not the configured token contract.
contract LookalikeToken {
    string public constant name = "USD Coin";
    string public constant symbol = "USDC";
    uint8 public constant decimals = 6;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function totalSupply() external pure returns (uint256) {
        return 0;
    }

    function balanceOf(address) external pure returns (uint256) {
        return 0;
    }

    /// @notice Emits Transfer(msg.sender, to, value); moves nothing.
    function fakeTransfer(address to, uint256 value) external {
        emit Transfer(msg.sender, to, value);
    }

    /// @notice Same, with a spoofed sender.
    function fakeTransferFrom(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }

    /// @notice Looks like a successful ERC-20 transfer to a wallet; moves nothing.
    function transfer(address to, uint256 value) external returns (bool) {
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
