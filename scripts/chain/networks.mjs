// The networks the worker knows (core/config/config.cpp's table), by chain id, so the
// chain scripts can say where they are and refuse the wrong chain.
export const NETWORKS = {
  1: 'ethereum',
  8453: 'base',
  84532: 'base-sepolia',
  31337: 'local',
};

export function networkName(chainId) {
  return NETWORKS[chainId] ?? 'unknown network';
}

/**
 * Throws unless `chainId` is what the caller asked for: EXPECTED_CHAIN_ID (a number)
 * and/or NETWORK (a name from the table). Either may be empty.
 */
export function assertExpectedChain(chainId, { expectedChainId, network } = {}) {
  if (expectedChainId) {
    if (!/^\d+$/.test(String(expectedChainId))) throw new Error(`EXPECTED_CHAIN_ID must be a number (got "${expectedChainId}")`);
    if (Number(expectedChainId) !== chainId) {
      throw new Error(`refusing: the RPC is chain ${chainId} (${networkName(chainId)}) but EXPECTED_CHAIN_ID is ${expectedChainId}`);
    }
  }
  if (network) {
    const entry = Object.entries(NETWORKS).find(([, name]) => name === network);
    if (!entry) throw new Error(`NETWORK must be one of ${Object.values(NETWORKS).join(', ')} (got "${network}")`);
    if (Number(entry[0]) !== chainId) {
      throw new Error(`refusing: the RPC is chain ${chainId} (${networkName(chainId)}) but NETWORK is ${network} (chain ${entry[0]})`);
    }
  }
}
