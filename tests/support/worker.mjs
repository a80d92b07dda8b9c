// Runs the bundled worker (exactly what `wrangler deploy` would upload) in workerd through
// Miniflare, with a real local KV namespace.
import { Miniflare } from 'miniflare';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkAcceptedRequest, checkResponse } from './openapi.mjs';
import { rateLimitsOption } from './ratelimits.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = `${ROOT}dist/bundle/worker.js`;
export const TEST_KEY = 'sk_test_local';

/** A complete local configuration: the addresses a fresh anvil deployment gets, and an RPC
 * URL that answers nothing (tests that need a chain pass their own). */
export const DEFAULT_VARS = {
  API_KEY: TEST_KEY,
  NETWORK: 'local',
  RPC_URL: 'http://127.0.0.1:9',
  TOKEN_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  FORWARDER_FACTORY: '0x85927088CcaBB84d2F75Ba1Edb0DbB1f5087CF01',
  FORWARDER_IMPLEMENTATION: '0x074c5eC5168023580ab05384b06Feb2F0125d80d',
  CONFIRMATIONS: '2',
  TOKEN_DECIMALS: '6',
};

/**
 * Starts the worker. `vars` become its string bindings (configuration and secrets).
 * With `listen: true` it also serves HTTP on 127.0.0.1 at a free port, as `url` (for
 * programs outside this process, e.g. scripts/chain/pay.mjs); otherwise `url` is null.
 * The rate limiting bindings are wrangler.toml's; `limits` overrides them by name (a number
 * is that binding's limit per minute, null removes the binding), e.g.
 * `limits: {LIMIT_SESSIONS_PER_CLIENT: 100}` for a test that opens many sessions.
 * Returns helpers; call dispose() when done or workerd is left running.
 */
export async function startWorker({ vars = {}, kvPersist = false, listen = false, limits = {} } = {}) {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make build\` first`);
  const mf = new Miniflare({
    modules: true,
    scriptPath: BUNDLE,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-06-01',
    kvNamespaces: ['STORE'],
    kvPersist,
    ratelimits: rateLimitsOption(limits),
    bindings: { ...DEFAULT_VARS, ...vars },
    ...(listen ? { host: '127.0.0.1', port: 0 } : {}),
  });
  const ready = await mf.ready;
  const url = listen ? String(ready).replace(/\/+$/, '') : null;
  const origin = 'http://localhost:8787';

  async function request(method, path, { body, key = TEST_KEY, headers = {}, raw } = {}) {
    const init = { method, headers: { ...headers }, redirect: 'manual' };
    if (key) init.headers.authorization = `Bearer ${key}`;
    if (raw !== undefined) {
      init.body = raw;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] ??= 'application/json';
    }
    const response = await mf.dispatchFetch(origin + path, init);
    const text = await response.text();
    // Every answer is checked against docs/openapi.yaml (tests/support/openapi.mjs).
    checkResponse(method, path, response.status, response.headers, text);
    checkAcceptedRequest(method, path, response.status, init.body);
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  return {
    mf,
    origin,
    url,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, body }),
    del: (path, options) => request('DELETE', path, options),
    kv: () => mf.getKVNamespace('STORE'),
    async scheduled(cron = '* * * * *') {
      const worker = await mf.getWorker();
      return worker.scheduled({ cron });
    },
    dispose: () => mf.dispose(),
  };
}
