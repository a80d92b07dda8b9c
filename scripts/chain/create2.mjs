// Deposit-address derivation, off-chain: the CREATE2 (EIP-1014) address of the
// EIP-1167 minimal proxy that ForwarderFactory deploys for a checkout session.
// The C++ core implements the same function; tests compare the two.
import { concat, getAddress, keccak256, stringToBytes } from 'viem';

/** EIP-1167 creation code of a minimal proxy delegating to `implementation`. */
export function minimalProxyInitCode(implementation) {
  return concat([
    '0x3d602d80600a3d3981f3363d3d373d3d3d363d73',
    getAddress(implementation).toLowerCase(),
    '0x5af43d82803e903d91602b57fd5bf3',
  ]);
}

/** salt = keccak256(bytes(sessionId)) — the UTF-8 (here ASCII) bytes of e.g. "cs_01JD…". */
export function sessionSalt(sessionId) {
  return keccak256(stringToBytes(sessionId));
}

/** keccak256(0xff ++ deployer ++ salt ++ keccak256(initCode))[12:], EIP-55 checksummed. */
export function create2Address(deployer, salt, initCode) {
  const hash = keccak256(concat(['0xff', getAddress(deployer).toLowerCase(), salt, keccak256(initCode)]));
  return getAddress('0x' + hash.slice(-40));
}

/** The deposit address of `sessionId` for a given factory and forwarder implementation. */
export function depositAddressFor(factory, implementation, sessionId) {
  return create2Address(factory, sessionSalt(sessionId), minimalProxyInitCode(implementation));
}
