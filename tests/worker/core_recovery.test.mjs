// The shim's contract with the wasm core: strings through linear memory, a trap drops the
// instance, and the next call gets a fresh, configured one. Runs the shipped module.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Core } from '../../edge/core.js';
import { runExchange } from '../../edge/exchange.js';
import { DEFAULT_VARS, ROOT } from '../support/worker.mjs';

// The shipped core with pl_tool (a trap on demand, an echo): dist/paylinks-tools.wasm.
const module = new WebAssembly.Module(readFileSync(`${ROOT}dist/paylinks-tools.wasm`));
const shipped = new WebAssembly.Module(readFileSync(`${ROOT}dist/paylinks.wasm`));

// An in-memory KV with the bridge's interface, enough for a payment-link round trip.
function memoryKv() {
  const map = new Map();
  return {
    async get(key) {
      return map.get(key)?.value ?? null;
    },
    async put(key, value, metadata) {
      map.set(key, { value, metadata });
    },
    async delete(key) {
      map.delete(key);
    },
    async list(prefix, limit) {
      const keys = [...map.keys()].filter((k) => k.startsWith(prefix)).sort().slice(0, limit);
      return { keys: keys.map((name) => ({ name, metadata: map.get(name).metadata ?? null })), complete: true, cursor: '' };
    },
  };
}

const request = (method, path, body) => ({
  kind: 'http',
  request: {
    method,
    url: `https://pay.example${path}`,
    headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : '',
  },
});

describe('the wasm core behind the shim', () => {
  it('answers, traps, and comes back configured', async () => {
    const core = new Core(module, DEFAULT_VARS);
    const io = { kv: memoryKv(), rpcUrl: '' };
    const created = await runExchange(core, request('POST', '/api/v1/payment_links', { title: 'Ünïcødé ✓', fiatAmount: '9.99' }), io);
    assert.equal(created.response.status, 201);
    const link = JSON.parse(created.response.body);
    assert.equal(link.title, 'Ünïcødé ✓');
    assert.equal(core.configuration.ok, true);

    assert.throws(() => core.tool({ tool: 'trap' }), WebAssembly.RuntimeError);

    // A new instance: same configuration, same KV, so the link is still there.
    const read = await runExchange(core, request('GET', `/api/v1/payment_links/${link.id}`), io);
    assert.equal(read.response.status, 200);
    assert.deepEqual(JSON.parse(read.response.body), link);
    assert.equal(core.configuration.ok, true);
  });

  it('ships no entry point the service does not use', () => {
    const exported = WebAssembly.Module.exports(shipped).filter((e) => e.kind === 'function').map((e) => e.name);
    assert.ok(exported.includes('pl_start') && exported.includes('pl_resume'), exported.join(', '));
    assert.ok(!exported.includes('pl_tool'), `pl_tool is for benchmarks and tests: ${exported.join(', ')}`);
  });

  it('passes large strings through memory intact', async () => {
    const core = new Core(module, DEFAULT_VARS);
    const text = 'x'.repeat(300_000) + '€';
    const echoed = core.tool({ tool: 'echo', text });
    assert.equal(echoed.input.text, text);
  });

  it('hands every exchange 32 fresh random bytes, across refills of the pool', async () => {
    const seen = [];
    const recorder = {
      start(message) {
        seen.push(message.entropy);
        return { exchange: seen.length, response: { status: 204, headers: {}, body: '' } };
      },
    };
    for (let i = 0; i < 300; i++) await runExchange(recorder, { kind: 'scheduled', cron: '* * * * *' }, {});
    for (const entropy of seen) assert.match(entropy, /^[0-9a-f]{64}$/);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('names the request headers the shim is to forward', () => {
    const core = new Core(module, DEFAULT_VARS);
    assert.deepEqual([...core.requestHeaders].sort(), ['authorization', 'cf-connecting-ip', 'content-type', 'cookie', 'idempotency-key', 'if-none-match', 'sec-fetch-dest', 'user-agent']);
  });

  it('reports a bad configuration on every request instead of failing', async () => {
    const core = new Core(module, { ...DEFAULT_VARS, NETWORK: 'moon' });
    const answer = await runExchange(core, request('GET', '/api/v1/payment_links'), { kv: memoryKv(), rpcUrl: '' });
    assert.equal(answer.response.status, 500);
    const body = JSON.parse(answer.response.body);
    assert.equal(body.error.code, 'configuration_invalid');
    assert.match(body.error.message, /NETWORK must be one of/);
    assert.equal(core.configuration.ok, false);
  });
});
