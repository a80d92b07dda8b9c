// The shipped core (dist/paylinks.wasm) driven in Node through the worker's own Core class,
// with every effect answered in memory: a sorted in-memory KV and a stubbed JSON-RPC node.
// Only the core's calls (Core.start / Core.resume, which include the JSON crossing of the
// boundary) are timed; the stubs are not.
import { randomBytes } from 'node:crypto';
import { Core } from '../edge/core.js';

export const BENCH_VARS = {
  API_KEY: 'sk_test_local',
  NETWORK: 'local',
  RPC_URL: 'http://127.0.0.1:9',
  TOKEN_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  FORWARDER_FACTORY: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  FORWARDER_IMPLEMENTATION: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  CONFIRMATIONS: '2',
  TOKEN_DECIMALS: '6',
};

export const ORIGIN = 'https://pay.example';
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const pad32 = (address) => '0x' + '0'.repeat(24) + address.slice(2).toLowerCase();

/** Cloudflare-KV-like store: lexicographic list with prefix, limit and an opaque cursor. */
export class MemoryKv {
  map = new Map();
  #sorted = []; // every key, kept in order as keys come and go

  /** Index of the first key ≥ `key` (or > `key` when `after`). */
  #bound(key, after = false) {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#sorted[mid] < key || (after && this.#sorted[mid] === key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key) {
    const hit = this.map.get(key);
    return hit === undefined ? null : hit.value;
  }
  put(key, value, metadata) {
    if (!this.map.has(key)) this.#sorted.splice(this.#bound(key), 0, key);
    this.map.set(key, { value, metadata: metadata ?? null });
  }
  delete(key) {
    if (this.map.delete(key)) this.#sorted.splice(this.#bound(key), 1);
  }
  list(prefix, limit, cursor) {
    const keys = this.#sorted;
    const page = [];
    let i = cursor ? this.#bound(cursor, true) : this.#bound(prefix);
    for (; i < keys.length && keys[i].startsWith(prefix) && page.length < limit; i++) {
      page.push({ name: keys[i], metadata: this.map.get(keys[i]).metadata });
    }
    const complete = !(i < keys.length && keys[i].startsWith(prefix));
    return { keys: page, complete, cursor: complete ? '' : page[page.length - 1].name };
  }
}

/** A JSON-RPC node that answers instantly: chain 31337, a head block, no logs; blocks are
 * stamped with `clock()` (ms), the time of the core it answers. */
export function makeRpcStub(clock = () => Date.now()) {
  const stub = {
    head: 0x100000,
    receipts: new Map(), // transaction hash → receipt
    answer(method, params) {
      switch (method) {
        case 'eth_chainId':
          return '0x7a69';
        case 'eth_blockNumber':
          return '0x' + stub.head.toString(16);
        case 'eth_getLogs':
          return [];
        case 'eth_getTransactionReceipt':
          return stub.receipts.get(params[0]) ?? null;
        case 'eth_call': // the token's decimals() (6) and symbol() ("USDC")
          return params[0]?.data === '0x313ce567' ? '0x' + '6'.padStart(64, '0') : '0x' + '20'.padStart(64, '0') + '4'.padStart(64, '0') + '55534443'.padEnd(64, '0');
        case 'eth_getBlockByNumber':
          return { number: params[0], hash: '0x' + 'ab'.repeat(32), timestamp: '0x' + Math.floor(clock() / 1000).toString(16) };
        default:
          return undefined;
      }
    },
  };
  return stub;
}

/** A successful receipt of one token Transfer of `amount` base units to `to`. */
export function transferReceipt({ token, to, amount, hash, block }) {
  const blockHex = '0x' + block.toString(16);
  return {
    transactionHash: hash,
    blockNumber: blockHex,
    blockHash: '0x' + 'ab'.repeat(32),
    status: '0x1',
    logs: [
      {
        address: token.toLowerCase(),
        topics: [TRANSFER_TOPIC, pad32('0x' + '11'.repeat(20)), pad32(to)],
        data: '0x' + BigInt(amount).toString(16).padStart(64, '0'),
        transactionHash: hash,
        blockNumber: blockHex,
        logIndex: '0x0',
        removed: false,
      },
    ],
  };
}

const hrtime = process.hrtime.bigint;
const MAX_ROUNDS = 10_000;

/**
 * One core instance with its in-memory world. exchange() runs one request or cron tick
 * to its end and returns the final answer plus the core's share of the time.
 */
export class Harness {
  /** `followUps: false` skips the work answers start after them (webhook deliveries). */
  constructor(module, { vars = BENCH_VARS, followUps = true } = {}) {
    this.core = new Core(module, vars);
    this.runFollowUps = followUps;
    this.kv = new MemoryKv();
    this.rpc = makeRpcStub(() => this.now);
    /** Answers http effects (webhook deliveries) when set. */
    this.http = null;
    this.now = 1_795_000_000_000;
    this.counts = {
      kvGet: 0, kvPut: 0, kvDelete: 0, kvList: 0, kvListByPrefix: {}, rpc: 0, rpcByMethod: {}, effects: 0, followUps: 0, followUpNs: 0,
    };
  }

  #perform(effect) {
    this.counts.effects++;
    switch (effect.op) {
      case 'kv.get':
        this.counts.kvGet++;
        return { ok: true, value: this.kv.get(effect.key) };
      case 'kv.put':
        this.counts.kvPut++;
        this.kv.put(effect.key, effect.value, effect.metadata);
        return { ok: true };
      case 'kv.delete':
        this.counts.kvDelete++;
        this.kv.delete(effect.key);
        return { ok: true };
      case 'kv.list':
        this.counts.kvList++;
        this.counts.kvListByPrefix[effect.prefix] = (this.counts.kvListByPrefix[effect.prefix] ?? 0) + 1;
        return { ok: true, ...this.kv.list(effect.prefix, effect.limit, effect.cursor) };
      case 'rpc': {
        this.counts.rpc++;
        this.counts.rpcByMethod[effect.method] = (this.counts.rpcByMethod[effect.method] ?? 0) + 1;
        const value = this.rpc.answer(effect.method, effect.params);
        return value === undefined ? { ok: false, error: 'method not stubbed' } : { ok: true, value };
      }
      case 'http':
        return this.http ? this.http(effect) : { ok: false, error: 'no HTTP in the bench' };
      case 'qr.svg':
        return { ok: true, value: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' };
      default:
        return { ok: false, error: `not available in the bench: ${effect.op}` };
    }
  }

  /**
   * Runs one exchange; {answer, coreNs, coreCpuUs, rounds}. coreNs is the wall-clock time of
   * the core's calls; with `cpu`, coreCpuUs is their CPU time as well (process.cpuUsage: a
   * system call per core call, so only for long exchanges, where a busy machine's
   * preemptions would inflate wall-clock time). With `record` ({answers: [], reads: {},
   * followUps: []}), every answer of the core is kept, with what its KV reads found, and each
   * follow-up's in a record of its own.
   * `now` advances 1 ms per exchange.
   */
  exchange(message, { cpu = false, record = null } = {}) {
    this.now += 1;
    const start = { ...message, now: this.now, entropy: randomBytes(32).toString('hex') };
    let coreNs = 0n;
    let coreCpuUs = 0;
    const timed = (call) => {
      const c0 = cpu ? process.cpuUsage() : null;
      const t0 = hrtime();
      const answer = call();
      coreNs += hrtime() - t0;
      record?.answers.push(structuredClone(answer));
      if (cpu) {
        const used = process.cpuUsage(c0);
        coreCpuUs += used.user + used.system;
      }
      return answer;
    };
    let answer = timed(() => this.core.start(start));
    let rounds = 0;
    while (answer.effects) {
      if (++rounds > MAX_ROUNDS) throw new Error(`bench: an exchange still asked for effects after ${MAX_ROUNDS} rounds`);
      const results = answer.effects.map((effect) => this.#perform(effect));
      if (record) {
        // What the reads found, so a replay can find the same.
        answer.effects.forEach((effect, i) => {
          if (effect.op === 'kv.get' && results[i].value != null) record.reads[effect.key] = results[i].value;
        });
      }
      const exchange = answer.exchange;
      answer = timed(() => this.core.resume({ exchange, results }));
    }
    if (answer.error) throw new Error(`core refused the exchange: ${answer.error}`);
    // Work the worker starts after answering (webhook deliveries): run, not in this time.
    for (const followUp of this.runFollowUps ? (answer.followUps ?? []) : []) {
      this.counts.followUps++;
      const child = record ? { answers: [], reads: {}, followUps: [] } : null;
      record?.followUps.push(child);
      this.counts.followUpNs += this.exchange(followUp, { cpu, record: child }).coreNs;
    }
    return { answer, coreNs: Number(coreNs), coreCpuUs, rounds };
  }

  /** An HTTP request through the core; {status, headers, json, coreNs}. */
  request(method, path, { body, key = 'sk_test_local', headers = {}, record = null } = {}) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    let text = '';
    if (body !== undefined) {
      text = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const { answer, coreNs } = this.exchange({
      kind: 'http',
      request: { method, url: ORIGIN + path, headers: h, body: text, bodySize: Buffer.byteLength(text) },
    }, { record });
    const { status, headers: responseHeaders, body: responseBody } = answer.response;
    let json;
    try {
      json = JSON.parse(responseBody);
    } catch {
      json = undefined;
    }
    return { status, headers: responseHeaders, json, coreNs };
  }

  scheduled(cron = '* * * * *', options = {}) {
    return this.exchange({ kind: 'scheduled', cron }, options);
  }
}
