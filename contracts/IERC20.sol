// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The part of ERC-20 the paylinks contracts call. The forwarder calls
/// `transfer` through a low-level call instead (see Forwarder.sol) so that
/// tokens returning no bool (USDT-style) still work.
interface IERC20 {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}
