// The worker configuration for a local chain deployed by scripts/chain/deploy.mjs.
// Used by `make dev` and by the tests, so both run the worker the same way.

/**
 * NETWORKS for more local chains: [{name, chain (a deployment), confirmations?}], each with its
 * own test USDC (6 decimals) at the address the deploy gave it.
 */
export function localNetworks(extra, { confirmations = 2 } = {}) {
  return JSON.stringify(
    extra.map(({ name, chain, confirmations: own }) => ({
      network: name,
      chainId: chain.chainId,
      displayName: `Local chain ${chain.chainId} (anvil)`,
      rpcUrl: chain.rpcUrl,
      confirmations: own ?? confirmations,
      blockTimeMs: 1000,
      tokens: [{ symbol: 'USDC', address: chain.token, decimals: 6 }],
    })),
  );
}

/**
 * @param {object} chain the deployment (see deploy.mjs)
 * @param {object} [options] `networks`: more local chains, as localNetworks takes them
 */
export function localVars(chain, { publicBaseUrl, confirmations = 2, networks = [] } = {}) {
  const vars = {
    NETWORK: 'local',
    RPC_URL: chain.rpcUrl,
    TOKEN_ADDRESS: chain.token,
    FORWARDER_FACTORY: chain.forwarderFactory,
    FORWARDER_IMPLEMENTATION: chain.forwarderImplementation,
    TREASURY: chain.treasury,
    CONFIRMATIONS: String(confirmations),
  };
  // The local Chainlink-style feeds (MockPriceFeed), by currency: {"EUR":"0x…",…}.
  if (chain.feeds) vars.RATE_FEEDS = JSON.stringify(chain.feeds);
  if (publicBaseUrl) vars.PUBLIC_BASE_URL = publicBaseUrl;
  if (networks.length) vars.NETWORKS = localNetworks(networks, { confirmations });
  return vars;
}
