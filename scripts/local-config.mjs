// The worker configuration for a local chain deployed by scripts/chain/deploy.mjs.
// Used by `make dev` and by the tests, so both run the worker the same way.

/** @param {object} chain the deployment (see deploy.mjs) @param {object} [options] */
export function localVars(chain, { publicBaseUrl, confirmations = 2 } = {}) {
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
  return vars;
}
