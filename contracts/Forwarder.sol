// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title Forwarder
/// @notice Implementation behind the per-session EIP-1167 minimal proxies (the
/// deposit addresses). A clone delegatecalls here, so this code runs with the
/// clone's address and balances, while `treasury` — an immutable, stored in
/// this contract's *code* — is the same for every clone and cannot be changed
/// by anyone. The only thing a clone can do is send its whole balance of a
/// token (or of ether) to that treasury; anyone may trigger it.
///
/// There is no owner, no initializer, no storage, no fallback/receive, no
/// delegatecall and no selfdestruct, so neither the clones nor this
/// implementation can be made to move funds anywhere else.
contract Forwarder {
    /// @notice Where every clone's funds go.
    address public immutable treasury;

    /// @notice Emitted by the clone (log address = the deposit address).
    event Flushed(address indexed token, uint256 amount);
    event FlushedNative(uint256 amount);

    error ZeroTreasury();
    error NotAContract(address token);
    error TokenTransferFailed(address token);
    error NativeTransferFailed();

    constructor(address treasury_) {
        if (treasury_ == address(0)) revert ZeroTreasury();
        treasury = treasury_;
    }

    /// @notice Sends this address's whole `token` balance to the treasury.
    /// @return amount what was sent (0 is a successful no-op).
    function flush(address token) external returns (uint256 amount) {
        // A call to an address without code "succeeds" with empty return data,
        // which would look like a no-bool token: refuse it explicitly.
        if (token.code.length == 0) revert NotAContract(token);
        amount = IERC20(token).balanceOf(address(this));
        if (amount == 0) return 0;
        // Low-level call: accept both `returns (bool)` tokens and tokens that
        // return nothing; a returned `false` or a revert is a failure.
        (bool ok, bytes memory ret) =
            token.call(abi.encodeWithSelector(IERC20.transfer.selector, treasury, amount));
        if (!ok || (ret.length != 0 && (ret.length < 32 || !abi.decode(ret, (bool))))) {
            revert TokenTransferFailed(token);
        }
        emit Flushed(token, amount);
    }

    /// @notice Sends ether that reached the address (e.g. before the clone was
    /// deployed, or by selfdestruct) to the treasury.
    function flushNative() external returns (uint256 amount) {
        amount = address(this).balance;
        if (amount == 0) return 0;
        (bool ok,) = treasury.call{value: amount}("");
        if (!ok) revert NativeTransferFailed();
        emit FlushedNative(amount);
    }
}
