// Runs the bundled worker (exactly what `wrangler deploy` would upload) in workerd through
// Miniflare, with a real local KV namespace.
import { Miniflare } from 'miniflare';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = `${ROOT}dist/bundle/worker.js`;
export const TEST_KEY = 'sk_test_local';

/**
 * Starts the worker. `vars` become its string bindings (configuration and secrets).
 * Returns helpers; call dispose() when done or workerd is left running.
 */
export async function startWorker({ vars = {}, kvPersist = false } = {}) {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make build\` first`);
  const mf = new Miniflare({
    modules: true,
    scriptPath: BUNDLE,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-06-01',
    kvNamespaces: ['STORE'],
    kvPersist,
    bindings: { API_KEY: TEST_KEY, ...vars },
  });
  await mf.ready;
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
