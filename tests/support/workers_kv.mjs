// Runs the bundled worker (unmodified: dist/bundle/worker.js) in Miniflare with its STORE
// binding behaving the way Workers KV is documented to behave, which local KV does not:
//
//  * one write per second per key: a second put or delete of a key within `writeIntervalMs`
//    (1000) of the last accepted one throws `KV PUT failed: 429 Too Many Requests`
//    (`KV DELETE failed: …` for a delete), from whichever location it comes;
//  * eventual consistency across locations: the worker runs at several simulated locations
//    (default `a` and `b`), each its own Miniflare worker, so its own isolate, wasm core and
//    read cache. A write made at one location is visible there at once (as a cache would
//    make it) and at every other location only `staleMs` later (default 60 000, the
//    documented bound); until then they go on reading the value before it, or nothing if
//    the key did not exist. `list` is answered from the same view, so it lags the same way.
//    This is the worst case every time, which makes tests deterministic.
//
// How: each location's module is a small wrapper that imports the bundle's default export
// and calls its fetch/scheduled with an env whose STORE is a wrapped namespace. The wrapper
// asks this process (through a service binding answered by a Node function) what a read
// sees and whether a write is allowed; the versions of every key live here, so the counters
// and the view are exact. Accepted writes also go to one real local KV namespace shared by
// the locations (it validates keys, values, metadata size and expirationTtl as Workers KV
// does, and is what `kv()` shows: the latest value of everything).
//
// Not modelled: cacheTtl's own edge caching beyond `staleMs`, the 1000-operations-per-
// invocation limit, values other than text (the shim only writes text).
import { Miniflare, Response } from 'miniflare';
import { existsSync, readdirSync } from 'node:fs';
import { checkAcceptedRequest, checkResponse } from './openapi.mjs';
import { rateLimitsOption } from './ratelimits.mjs';
import { BUNDLE, DEFAULT_VARS, ROOT, TEST_KEY } from './worker.mjs';

export { TEST_KEY };

const BUNDLE_DIR = `${ROOT}dist/bundle`;
const NAMESPACE_ID = 'paylinks-store';
const MAX_KEY_BYTES = 512;
const MIN_CACHE_TTL = 30;
const MAX_LIST_LIMIT = 1000;

/** The module each location runs: the bundle's handlers, with STORE wrapped. */
const LOCATION_MODULE = `
import worker from './worker.js';

class LocationKv {
  #real;
  #sim;

  constructor(real, sim) {
    this.#real = real;
    this.#sim = sim;
  }

  async #ask(message) {
    const response = await this.#sim.fetch('http://kv-sim/', { method: 'POST', body: JSON.stringify(message) });
    const answer = await response.json();
    if (answer.error) throw new Error(answer.error);
    return answer;
  }

  static #options(options) {
    return typeof options === 'string' ? { type: options } : (options ?? {});
  }

  static #decode(value, type = 'text') {
    if (value === null) return null;
    if (type === 'text') return value;
    if (type === 'json') return JSON.parse(value);
    if (type === 'arrayBuffer') return new TextEncoder().encode(value).buffer;
    throw new TypeError('this KV simulation answers type text, json or arrayBuffer');
  }

  async get(key, options) {
    const { type, cacheTtl } = LocationKv.#options(options);
    const answer = await this.#ask({ op: 'get', key: String(key), cacheTtl });
    return LocationKv.#decode(answer.value, type);
  }

  async getWithMetadata(key, options) {
    const { type, cacheTtl } = LocationKv.#options(options);
    const answer = await this.#ask({ op: 'get', key: String(key), cacheTtl, withMetadata: true });
    return { value: LocationKv.#decode(answer.value, type), metadata: answer.metadata ?? null, cacheStatus: null };
  }

  async put(key, value, options = {}) {
    if (typeof value !== 'string') throw new TypeError('this KV simulation stores text values only');
    const { version } = await this.#ask({
      op: 'put', key: String(key), value,
      metadata: options.metadata, expirationTtl: options.expirationTtl, expiration: options.expiration,
    });
    try {
      await this.#real.put(key, value, options);
    } catch (error) {
      await this.#ask({ op: 'abort', key: String(key), version });
      throw error;
    }
  }

  async delete(key) {
    const { version } = await this.#ask({ op: 'delete', key: String(key) });
    try {
      await this.#real.delete(key);
    } catch (error) {
      await this.#ask({ op: 'abort', key: String(key), version });
      throw error;
    }
  }

  async list(options = {}) {
    const answer = await this.#ask({ op: 'list', prefix: options.prefix ?? '', limit: options.limit, cursor: options.cursor });
    const page = { keys: answer.keys, list_complete: answer.complete, cacheStatus: null };
    if (!answer.complete) page.cursor = answer.cursor;
    return page;
  }
}

let workerEnv = null;

function envFor(env) {
  if (workerEnv === null) {
    const { KVSIM, STORE, ...rest } = env;
    workerEnv = { ...rest, STORE: new LocationKv(STORE, KVSIM) };
  }
  return workerEnv;
}

export default {
  fetch(request, env, ctx) {
    return worker.fetch(request, envFor(env), ctx);
  },
  scheduled(controller, env, ctx) {
    return worker.scheduled(controller, envFor(env), ctx);
  },
};
`;

const utf8Bytes = (text) => Buffer.byteLength(text, 'utf8');
const byName = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const emptyCounts = () => ({ get: 0, put: 0, delete: 0, list: 0, rejected: 0 });
/** Writes made outside any location (the test's own, through kv()): visible everywhere. */
const CENTRAL = '*';

/**
 * The simulated namespace: every key's recent versions, which of them each location sees,
 * the per-key write rate, and counters. Pure bookkeeping, driven by `answer(location, msg)`.
 */
export class KvSimulation {
  #versions = new Map(); // key → [{id, value, metadata, expiresAt, deleted, at, location, previousWrite}]
  #lastWrite = new Map(); // key → time of the last accepted write
  #nextId = 1;
  #clock;
  #offsetMs = 0;

  /** Counters per location: get, put, delete, list (attempts), rejected (429s). */
  counts = new Map();
  /** Every operation, in order: {at, location, op, key | prefix, outcome}. */
  log = [];

  constructor({ staleMs = 60_000, writeIntervalMs = 1000, clock = () => Date.now() } = {}) {
    this.staleMs = staleMs;
    this.writeIntervalMs = writeIntervalMs;
    this.#clock = clock;
  }

  now() {
    return this.#clock() + this.#offsetMs;
  }

  /** Moves this simulation's time (staleness and the write rate) forward, not the worker's. */
  advance(ms) {
    this.#offsetMs += ms;
  }

  #count(location, kind) {
    if (!this.counts.has(location)) this.counts.set(location, emptyCounts());
    this.counts.get(location)[kind] += 1;
  }

  #visibleAt(version, location, now) {
    return version.location === location || version.location === CENTRAL || version.at + this.staleMs <= now;
  }

  /** The version of `key` that `location` sees now, or undefined. */
  #seen(key, location, now) {
    const versions = this.#versions.get(key);
    if (!versions) return undefined;
    for (let i = versions.length - 1; i >= 0; i -= 1) {
      if (this.#visibleAt(versions[i], location, now)) return versions[i];
    }
    return undefined;
  }

  static #live(version, now) {
    return version !== undefined && !version.deleted && (version.expiresAt === null || version.expiresAt > now);
  }

  // Versions older than one every location sees are never read again.
  #prune(key, now) {
    const versions = this.#versions.get(key);
    for (let i = versions.length - 1; i > 0; i -= 1) {
      const v = versions[i];
      if (v.location === CENTRAL || v.at + this.staleMs <= now) {
        versions.splice(0, i);
        return;
      }
    }
  }

  static #checkKey(key, op) {
    if (typeof key !== 'string' || key === '' || key === '.' || key === '..') {
      return `KV ${op} failed: 400 Invalid key`;
    }
    if (utf8Bytes(key) > MAX_KEY_BYTES) return `KV ${op} failed: 414 UTF-8 encoded length of ${utf8Bytes(key)} exceeds key length limit of ${MAX_KEY_BYTES}.`;
    return null;
  }

  #write(location, key, version, op) {
    const now = this.now();
    const invalid = KvSimulation.#checkKey(key, op);
    if (invalid) return { error: invalid };
    const last = this.#lastWrite.get(key);
    if (location !== CENTRAL && last !== undefined && now - last < this.writeIntervalMs) {
      this.#count(location, 'rejected');
      this.log.push({ at: now, location, op: op.toLowerCase(), key, outcome: 429 });
      return { error: `KV ${op} failed: 429 Too Many Requests` };
    }
    const id = this.#nextId++;
    const record = { id, ...version, at: now, location, previousWrite: last };
    if (!this.#versions.has(key)) this.#versions.set(key, []);
    this.#versions.get(key).push(record);
    this.#lastWrite.set(key, now);
    this.#prune(key, now);
    this.log.push({ at: now, location, op: op.toLowerCase(), key, outcome: 'ok' });
    return { version: id };
  }

  /** Records a write made outside the locations (a test seeding the store). */
  central(key, value, { metadata, expirationTtl, expiration, deleted = false } = {}) {
    return this.#write(CENTRAL, key, this.#versionOf(value, metadata, expirationTtl, expiration, deleted), deleted ? 'DELETE' : 'PUT');
  }

  #versionOf(value, metadata, expirationTtl, expiration, deleted) {
    let expiresAt = null;
    if (typeof expirationTtl === 'number') expiresAt = this.now() + expirationTtl * 1000;
    else if (typeof expiration === 'number') expiresAt = expiration * 1000;
    return { value: deleted ? null : value, metadata: metadata ?? null, expiresAt, deleted };
  }

  /** Answers one message of a location's wrapper. */
  answer(location, message) {
    const now = this.now();
    switch (message.op) {
      case 'get': {
        this.#count(location, 'get');
        const invalid = KvSimulation.#checkKey(message.key, 'GET');
        if (invalid) return { error: invalid };
        const { cacheTtl } = message;
        if (cacheTtl !== undefined && cacheTtl !== null && !(Number.isFinite(cacheTtl) && cacheTtl >= MIN_CACHE_TTL)) {
          return { error: `KV GET failed: 400 Invalid cache_ttl of ${cacheTtl}. Cache TTL must be at least ${MIN_CACHE_TTL}.` };
        }
        const seen = this.#seen(message.key, location, now);
        const live = KvSimulation.#live(seen, now);
        this.log.push({ at: now, location, op: 'get', key: message.key, outcome: live ? 'found' : 'missing' });
        return live ? { value: seen.value, metadata: seen.metadata } : { value: null, metadata: null };
      }
      case 'put':
        this.#count(location, 'put');
        return this.#write(location, message.key, this.#versionOf(message.value, message.metadata, message.expirationTtl, message.expiration, false), 'PUT');
      case 'delete':
        this.#count(location, 'delete');
        return this.#write(location, message.key, this.#versionOf(null, null, undefined, undefined, true), 'DELETE');
      case 'abort': {
        // The real namespace refused a write this simulation had accepted: forget it.
        const versions = this.#versions.get(message.key) ?? [];
        const at = versions.findIndex((v) => v.id === message.version);
        if (at >= 0) {
          const [dropped] = versions.splice(at, 1);
          if (dropped.previousWrite === undefined) this.#lastWrite.delete(message.key);
          else this.#lastWrite.set(message.key, dropped.previousWrite);
        }
        this.log.push({ at: now, location, op: 'abort', key: message.key, outcome: 'ok' });
        return {};
      }
      case 'list': {
        this.#count(location, 'list');
        const limit = message.limit ?? MAX_LIST_LIMIT;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
          return { error: `KV LIST failed: 400 Invalid key_count_limit of ${limit}` };
        }
        const prefix = message.prefix ?? '';
        const after = message.cursor ? Buffer.from(message.cursor, 'base64url').toString('utf8') : null;
        const names = [...this.#versions.keys()]
          .filter((name) => name.startsWith(prefix) && (after === null || byName(name, after) > 0))
          .sort(byName);
        const keys = [];
        let complete = true;
        for (const name of names) {
          const seen = this.#seen(name, location, now);
          if (!KvSimulation.#live(seen, now)) continue;
          if (keys.length === limit) {
            complete = false;
            break;
          }
          const key = { name };
          if (seen.metadata !== null) key.metadata = seen.metadata;
          if (seen.expiresAt !== null) key.expiration = Math.floor(seen.expiresAt / 1000);
          keys.push(key);
        }
        this.log.push({ at: now, location, op: 'list', prefix, outcome: keys.length });
        const cursor = complete ? '' : Buffer.from(keys[keys.length - 1].name, 'utf8').toString('base64url');
        return { keys, complete, cursor };
      }
      default:
        return { error: `unknown KV simulation op: ${message.op}` };
    }
  }
}

function wasmModuleName() {
  const wasm = readdirSync(BUNDLE_DIR).filter((name) => name.endsWith('.wasm'));
  if (wasm.length !== 1) throw new Error(`expected one .wasm file beside the bundle, found ${wasm.length}`);
  return wasm[0];
}

/**
 * Starts the bundled worker at `locations` (default ['a', 'b']) over one simulated Workers KV
 * namespace. Options: `vars` (string bindings, over DEFAULT_VARS), `staleMs`,
 * `writeIntervalMs`, `clock` (ms, for the simulation only), `limits` (as startWorker's; each
 * location counts on its own).
 *
 * Returns the helpers startWorker returns — request/get/post/patch/del (each takes
 * `{location}` in its options; the first location by default), kv(), scheduled(cron,
 * {location}), dispose() — plus:
 *  * at(location): the same request helpers and scheduled() bound to one location;
 *  * sim: the KvSimulation (sim.staleMs and sim.writeIntervalMs may be changed, sim.advance(ms),
 *    sim.log);
 *  * counts(location?): {get, put, delete, list, rejected} for one location or all of them;
 *    resetCounts();
 *  * measure(fn, {settleMs}): runs fn() and answers {result, counts} for what it did to KV
 *    (all locations; nothing else should run meanwhile). Work the worker does after its
 *    response (webhook deliveries, in waitUntil) is counted if it ends within settleMs.
 * kv() is the shared namespace as tests should touch it: reads show the latest value of
 * everything; writes are seen by every location at once and are not rate limited.
 */
export async function startWorkerOnWorkersKv({
  vars = {},
  locations = ['a', 'b'],
  staleMs = 60_000,
  writeIntervalMs = 1000,
  clock,
  limits = {},
} = {}) {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make build\` first`);
  if (!locations.length || new Set(locations).size !== locations.length) throw new Error('locations must be distinct names');
  const sim = new KvSimulation({ staleMs, writeIntervalMs, clock });
  const wasm = wasmModuleName();
  const workerFor = (location) => ({
    name: `location-${location}`,
    modules: [
      { type: 'ESModule', path: `${BUNDLE_DIR}/workers_kv_location.mjs`, contents: LOCATION_MODULE },
      { type: 'ESModule', path: BUNDLE },
      { type: 'CompiledWasm', path: `${BUNDLE_DIR}/${wasm}` },
    ],
    modulesRoot: BUNDLE_DIR,
    compatibilityDate: '2025-06-01',
    kvNamespaces: { STORE: NAMESPACE_ID },
    ratelimits: rateLimitsOption(limits),
    bindings: { ...DEFAULT_VARS, ...vars },
    serviceBindings: {
      KVSIM: async (request) => {
        let answer;
        try {
          answer = sim.answer(location, await request.json());
        } catch (error) {
          answer = { error: `KV simulation failed: ${error?.message ?? error}` };
        }
        return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
      },
    },
  });
  const mf = new Miniflare({ workers: locations.map(workerFor) });
  await mf.ready;
  const origin = 'http://localhost:8787';
  const fetchers = new Map();
  async function fetcher(location) {
    if (!locations.includes(location)) throw new Error(`unknown location ${location}`);
    if (!fetchers.has(location)) fetchers.set(location, await mf.getWorker(`location-${location}`));
    return fetchers.get(location);
  }

  async function request(method, path, { body, key = TEST_KEY, headers = {}, raw, location = locations[0] } = {}) {
    const init = { method, headers: { ...headers }, redirect: 'manual' };
    if (key) init.headers.authorization = `Bearer ${key}`;
    if (raw !== undefined) {
      init.body = raw;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] ??= 'application/json';
    }
    const response = await (await fetcher(location)).fetch(origin + path, init);
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
    return { status: response.status, headers: response.headers, text, json, location };
  }

  async function scheduled(cron = '* * * * *', { location = locations[0] } = {}) {
    return (await fetcher(location)).scheduled({ cron });
  }

  const helpers = (fixed) => ({
    request: (method, path, options) => request(method, path, { ...options, ...fixed }),
    get: (path, options) => request('GET', path, { ...options, ...fixed }),
    post: (path, body, options) => request('POST', path, { ...options, ...fixed, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, ...fixed, body }),
    del: (path, options) => request('DELETE', path, { ...options, ...fixed }),
  });

  let real = null;
  async function realNamespace() {
    real ??= await mf.getKVNamespace('STORE', `location-${locations[0]}`);
    return real;
  }
  const sharedKv = {
    get: async (key, options) => (await realNamespace()).get(key, options),
    getWithMetadata: async (key, options) => (await realNamespace()).getWithMetadata(key, options),
    list: async (options) => (await realNamespace()).list(options),
    async put(key, value, options = {}) {
      await (await realNamespace()).put(key, value, options);
      sim.central(key, value, options);
    },
    async delete(key) {
      await (await realNamespace()).delete(key);
      sim.central(key, null, { deleted: true });
    },
  };

  function counts(location) {
    const total = emptyCounts();
    for (const [name, c] of sim.counts) {
      if (location !== undefined && name !== location) continue;
      for (const kind of Object.keys(total)) total[kind] += c[kind];
    }
    return total;
  }

  return {
    mf,
    origin,
    locations,
    sim,
    ...helpers({}),
    at: (location) => ({ ...helpers({ location }), scheduled: (cron) => scheduled(cron, { location }) }),
    kv: () => sharedKv,
    scheduled,
    counts,
    resetCounts: () => sim.counts.clear(),
    async measure(fn, { settleMs = 0 } = {}) {
      const before = counts();
      const result = await fn();
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
      const after = counts();
      const delta = {};
      for (const kind of Object.keys(after)) delta[kind] = after[kind] - before[kind];
      return { result, counts: delta };
    },
    dispose: () => mf.dispose(),
  };
}
