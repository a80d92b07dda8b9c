// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title NoBoolToken
/// @notice Test helper: an ERC-20 whose `transfer` returns nothing (like USDT on
/// Ethereum), to prove the forwarder flushes such tokens. With `failing` set,
/// `transfer` returns false instead of moving anything.
contract NoBoolToken {
    mapping(address => uint256) public balanceOf;
    bool public failing;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function setFailing(bool failing_) external {
        failing = failing_;
    }

    /// @dev Declared without a return value; when failing, returns an ABI `false` by hand.
    function transfer(address to, uint256 value) external {
        if (failing) {
            assembly {
                mstore(0, 0)
                return(0, 32)
            }
        }
        require(balanceOf[msg.sender] >= value, "balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
    }
}
