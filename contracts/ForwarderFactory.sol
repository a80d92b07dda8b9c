// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Forwarder} from "./Forwarder.sol";

/// @title ForwarderFactory
/// @notice Deploys per-session forwarders as EIP-1167 minimal proxies with
/// CREATE2 (EIP-1014), so each deposit address is known — and can receive
/// payments — before anything is deployed there. The service derives
/// `salt = keccak256(bytes(sessionId))` and computes the same address
/// off-chain (scripts/chain/create2.mjs, core/).
///
/// Anyone may call `flush` or `flushMany`: they can only ever move funds to the
/// treasury fixed in the implementation's code.
contract ForwarderFactory {
    /// @notice The Forwarder every clone delegates to.
    address public immutable implementation;

    event ForwarderDeployed(bytes32 indexed salt, address indexed forwarder);
    event ForwarderFlushed(bytes32 indexed salt, address indexed forwarder, address indexed token, uint256 amount);
    event ForwarderFlushedNative(bytes32 indexed salt, address indexed forwarder, uint256 amount);

    error NotAContract(address implementation);
    error DeployFailed(bytes32 salt);

    constructor(address implementation_) {
        if (implementation_.code.length == 0) revert NotAContract(implementation_);
        implementation = implementation_;
    }

    /// @notice EIP-1167 creation code of a minimal proxy to `implementation`:
    /// a 10-byte constructor that returns the 45-byte runtime
    /// `363d3d373d3d3d363d73 <impl> 5af43d82803e903d91602b57fd5bf3`.
    function initCode() public view returns (bytes memory) {
        return abi.encodePacked(
            hex"3d602d80600a3d3981f3363d3d373d3d3d363d73", implementation, hex"5af43d82803e903d91602b57fd5bf3"
        );
    }

    function initCodeHash() public view returns (bytes32) {
        return keccak256(initCode());
    }

    /// @notice The CREATE2 address of the forwarder for `salt`:
    /// keccak256(0xff ++ this ++ salt ++ keccak256(initCode))[12:].
    function predict(bytes32 salt) public view returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash())))));
    }

    /// @notice The deposit address of a checkout session, derived on chain from its id
    /// exactly as the service derives it: salt = keccak256(bytes(sessionId)).
    function addressOf(string calldata sessionId) external view returns (address) {
        return predict(keccak256(bytes(sessionId)));
    }

    /// @notice Deploys the forwarder for `salt` unless it already has code.
    function deploy(bytes32 salt) public returns (address forwarder) {
        forwarder = predict(salt);
        if (forwarder.code.length != 0) return forwarder;
        bytes memory code = initCode();
        address deployed;
        assembly ("memory-safe") {
            deployed := create2(0, add(code, 0x20), mload(code), salt)
        }
        if (deployed != forwarder) revert DeployFailed(salt);
        emit ForwarderDeployed(salt, forwarder);
    }

    /// @notice Deploys the forwarder for `salt` if needed, then sends its whole
    /// `token` balance to the treasury. Idempotent; callable by anyone.
    function flush(bytes32 salt, address token) external returns (uint256 amount) {
        amount = _flush(salt, token);
    }

    /// @notice `flush` for many sessions in one transaction (a sweep). Each salt gets
    /// its own ForwarderFlushed event, so every session's sweep is provable on chain.
    /// All or nothing: one failing transfer reverts the batch.
    /// @return total the sum sent to the treasury.
    function flushMany(bytes32[] calldata salts, address token) external returns (uint256 total) {
        for (uint256 i = 0; i < salts.length; ++i) {
            total += _flush(salts[i], token);
        }
    }

    function _flush(bytes32 salt, address token) private returns (uint256 amount) {
        address forwarder = deploy(salt);
        amount = Forwarder(forwarder).flush(token);
        emit ForwarderFlushed(salt, forwarder, token, amount);
    }

    /// @notice Same for ether held by the deposit address.
    function flushNative(bytes32 salt) external returns (uint256 amount) {
        address forwarder = deploy(salt);
        amount = Forwarder(forwarder).flushNative();
        emit ForwarderFlushedNative(salt, forwarder, amount);
    }
}
