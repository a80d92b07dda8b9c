// Core time per request kind in wasm (the shipped dist/paylinks.wasm under Node), the
// 10,000-session cron scan, and instantiation. Mirrors bench/core_bench.cpp, which does the
// same natively.
import { randomBytes } from 'node:crypto';
import { Core } from '../edge/core.js';
import { BENCH_VARS, Harness, transferReceipt } from './harness.mjs';
import { measure, measureInterleaved, summarize } from './stats.mjs';

const LINK_BODY = { title: 'Bench link', fiatAmount: '25.00', fiatCurrency: 'USD' };
const SESSION_BODY = { fiatAmount: '10.00', fiatCurrency: 'USD', title: 'Bench session' };
const us = (ns) => ns / 1000;

function expect(ok, what, detail) {
  if (!ok) throw new Error(`bench: ${what}: ${JSON.stringify(detail)}`);
}

function createSessions(h, count) {
  const sessions = [];
  for (let i = 0; i < count; i++) {
    const r = h.request('POST', '/api/v1/checkout_sessions', { body: SESSION_BODY });
    expect(r.status === 201, 'session create failed', r.json);
    sessions.push({ id: r.json.id, depositAddress: r.json.depositAddress });
  }
  return sessions;
}

/** A fresh instance of a compiled module, ms: new Instance + _initialize + configure. */
export function instantiateTimes(module, { runs = 40 } = {}) {
  return measure(3, runs, () => {
    const t0 = process.hrtime.bigint();
    const core = new Core(module, BENCH_VARS);
    void core.requestHeaders; // instantiates and configures
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!core.configuration?.ok) throw new Error(`bench: the core refused its configuration: ${JSON.stringify(core.configuration)}`);
    return ms;
  });
}

/**
 * The same module with a custom section of random bytes appended: new wire bytes, so V8's
 * cache of compiled modules cannot answer and every compile is a real one.
 */
function uniqueBytes(bytes) {
  const name = Buffer.from('bench');
  const payload = Buffer.concat([Buffer.from([name.length]), name, randomBytes(16)]);
  return Buffer.concat([bytes, Buffer.from([0, payload.length]), payload]);
}

/** new WebAssembly.Module of the shipped bytes, ms (V8 may defer functions to first call). */
export function compileTimes(bytes, { runs = 8 } = {}) {
  return measure(1, runs, () => {
    const unique = uniqueBytes(bytes);
    const t0 = process.hrtime.bigint();
    new WebAssembly.Module(unique);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  });
}

/** A cold start, ms: compile + instantiate + configure + the first request (a link create). */
export function coldStartTimes(bytes, { runs = 8 } = {}) {
  return measure(1, runs, () => {
    const unique = uniqueBytes(bytes);
    const t0 = process.hrtime.bigint();
    const h = new Harness(new WebAssembly.Module(unique));
    const r = h.request('POST', '/api/v1/payment_links', { body: LINK_BODY });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(r.status === 201, 'link create failed', r.json);
    return ms;
  });
}

/** Core µs per request kind. */
export function requestKinds(module, { warmup = 300, runs = 2000 } = {}) {
  const out = { followUps: 0, followUpNs: 0 };
  {
    const h = new Harness(module);
    const link = h.request('POST', '/api/v1/payment_links', { body: LINK_BODY }).json;
    Object.assign(
      out,
      measureInterleaved(
        {
          create_link: () => {
            const r = h.request('POST', '/api/v1/payment_links', { body: LINK_BODY });
            expect(r.status === 201, 'link create failed', r.json);
            return us(r.coreNs);
          },
          retrieve_link: () => {
            const r = h.request('GET', `/api/v1/payment_links/${link.id}`);
            expect(r.status === 200, 'link retrieve failed', r.json);
            return us(r.coreNs);
          },
          session_visit: () => {
            const r = h.request('GET', `/l/${link.slug}`, { key: null });
            expect(r.status === 303, 'link visit failed', r.json);
            return us(r.coreNs);
          },
          session_api: () => {
            const r = h.request('POST', '/api/v1/checkout_sessions', { body: SESSION_BODY });
            expect(r.status === 201, 'session create failed', r.json);
            return us(r.coreNs);
          },
        },
        { warmup, runs },
      ),
    );
    out.followUps += h.counts.followUps;
    out.followUpNs += h.counts.followUpNs;
  }
  {
    // Each poll on a session not checked in the last 3 s, so the chain is asked every time.
    const h = new Harness(module);
    const sessions = createSessions(h, warmup + runs);
    let rpcBefore = 0;
    out.status = measure(warmup, runs, (i) => {
      if (i === warmup) rpcBefore = h.counts.rpc;
      const r = h.request('GET', `/c/${sessions[i].id}/status`, { key: null });
      expect(r.status === 200, 'status failed', r.json);
      return us(r.coreNs);
    });
    out.status_rpc_per_request = (h.counts.rpc - rpcBefore) / runs;
    out.followUps += h.counts.followUps;
    out.followUpNs += h.counts.followUpNs;
  }
  {
    // A fresh session each time, paid in full by the stubbed receipt.
    const h = new Harness(module);
    const sessions = createSessions(h, warmup + runs);
    const token = BENCH_VARS.TOKEN_ADDRESS;
    out.verify = measure(warmup, runs, (i) => {
      const hash = '0x' + (i + 1).toString(16).padStart(64, '0');
      h.rpc.receipts.set(hash, transferReceipt({ token, to: sessions[i].depositAddress, amount: 10_000_000, hash, block: h.rpc.head - 5 }));
      const r = h.request('POST', `/c/${sessions[i].id}/verify`, { key: null, body: { transactionHash: hash } });
      expect(r.status === 200 && r.json.status === 'paid', 'verify failed', r.json);
      return us(r.coreNs);
    });
    out.followUps += h.counts.followUps;
    out.followUpNs += h.counts.followUpNs;
  }
  return out;
}

/**
 * The cron scan over `count` open sessions created through the core. One warm-up scan (a
 * fresh instance also verifies eth_chainId), then `scans` steady-state scans a minute apart.
 * Core time is CPU time (what Workers limits), with wall-clock time beside it.
 */
export function scan(module, { count = 10_000, scans = 5 } = {}) {
  // Without endpoints, the deliveries the creates start change nothing the scan reads.
  const h = new Harness(module, { followUps: false });
  const t0 = Date.now();
  createSessions(h, count);
  const fillMs = Date.now() - t0;
  const runs = [];
  for (let s = 0; s <= scans; s++) {
    h.now += 60_000;
    h.rpc.head += 60;
    const before = { kvList: h.counts.kvList, rpc: h.counts.rpc, byMethod: { ...h.counts.rpcByMethod }, byPrefix: { ...h.counts.kvListByPrefix } };
    const { answer, coreNs, coreCpuUs } = h.scheduled('* * * * *', { cpu: true });
    const result = answer.result ?? {};
    const since = (now, then) =>
      Object.fromEntries(Object.entries(now).map(([k, n]) => [k, n - (then[k] ?? 0)]).filter(([, n]) => n > 0));
    const byMethod = since(h.counts.rpcByMethod, before.byMethod);
    const byPrefix = since(h.counts.kvListByPrefix, before.byPrefix);
    runs.push({
      warmup: s === 0,
      kvLists: h.counts.kvList - before.kvList,
      rpcCalls: h.counts.rpc - before.rpc,
      byMethod,
      byPrefix,
      watchLists: (byPrefix['cs/'] ?? 0) + (byPrefix['watch/'] ?? 0),
      reportedKvLists: result.kvLists,
      reportedRpcCalls: result.rpcCalls,
      watched: result.watched,
      fault: result.fault,
      coreMs: coreCpuUs / 1e3,
      coreWallMs: coreNs / 1e6,
    });
  }
  const steady = runs.filter((r) => !r.warmup);
  return {
    count,
    fillMs,
    runs,
    coreMs: summarize(steady.map((r) => r.coreMs)),
    coreWallMs: summarize(steady.map((r) => r.coreWallMs)),
    kvLists: Math.max(...steady.map((r) => r.kvLists)),
    watchLists: Math.max(...steady.map((r) => r.watchLists)),
    rpcCalls: Math.max(...steady.map((r) => r.rpcCalls)),
    // The scan reports its own lists (of the watch index) and RPC calls.
    reportedAgree: steady.every((r) => r.watchLists === r.reportedKvLists && r.rpcCalls === r.reportedRpcCalls),
    watchedAll: steady.every((r) => r.watched === count && !r.fault),
  };
}

/**
 * What each kind of request costs the merchant's bill and quotas: KV reads, writes (puts
 * and deletes), lists and RPC calls per request, its follow-ups (webhook deliveries)
 * included, averaged over `runs` requests of a steady instance. `endpoint: true` adds a
 * webhook endpoint for every event (its deliveries are answered 200 by the stub).
 */
export function requestCosts(module, { runs = 50 } = {}) {
  const kinds = {};
  const snapshot = (h) => ({ ...h.counts });
  const delta = (h, before, n) => {
    const after = h.counts;
    const per = (k) => (after[k] - before[k]) / n;
    return { reads: per('kvGet'), writes: per('kvPut') + per('kvDelete'), lists: per('kvList'), rpc: per('rpc'), followUps: per('followUps') };
  };
  const run = (name, h, fn) => {
    const before = snapshot(h);
    for (let i = 0; i < runs; i++) fn(i);
    kinds[name] = delta(h, before, runs);
  };

  for (const withEndpoint of [false, true]) {
    const h = new Harness(module);
    h.http = () => ({ ok: true, status: 200, body: '', durationMs: 1 });
    if (withEndpoint) {
      const e = h.request('POST', '/api/v1/webhook_endpoints', { body: { url: 'https://merchant.example/hooks' } });
      expect(e.status === 201, 'endpoint create failed', e.json);
    }
    h.scheduled(); // the cron builds the endpoint registry, as on any running install
    const link = h.request('POST', '/api/v1/payment_links', { body: LINK_BODY }).json;
    h.request('GET', `/l/${link.slug}`, { key: null }); // the instance has read the registry
    const suffix = withEndpoint ? ' (an endpoint for every event)' : '';
    const visits = [];
    run(`GET /l/{slug}, new visitor${suffix}`, h, () => {
      const r = h.request('GET', `/l/${link.slug}`, { key: null });
      expect(r.status === 303, 'visit failed', r.json);
      visits.push({ location: r.headers.location, cookie: (r.headers['set-cookie'] ?? '').split(';')[0] });
    });
    if (withEndpoint) continue;
    run('GET /l/{slug}, returning visitor (cookie)', h, (i) => {
      const r = h.request('GET', `/l/${link.slug}`, { key: null, headers: { cookie: visits[i].cookie } });
      expect(r.status === 303 && r.headers.location === visits[i].location, 'return visit failed', r);
    });
    const ids = visits.map((v) => v.location.replace(/^.*\/c\//, ''));
    h.now += 4000; // past the per-session check throttle
    run('GET /c/{id}/status, unchanged, chain checked', h, (i) => {
      const r = h.request('GET', `/c/${ids[i]}/status`, { key: null });
      expect(r.status === 200 && r.json.status === 'open', 'status failed', r.json);
    });
    run('GET /c/{id}/status, unchanged, within 3 s of the last check', h, (i) => {
      const r = h.request('GET', `/c/${ids[i]}/status`, { key: null });
      expect(r.status === 200, 'status failed', r.json);
    });
    const token = BENCH_VARS.TOKEN_ADDRESS;
    run('POST /c/{id}/verify, pays the session', h, (i) => {
      const hash = '0x' + (i + 1).toString(16).padStart(64, '0');
      h.rpc.receipts.set(hash, transferReceipt({ token, to: h.request('GET', `/api/v1/checkout_sessions/${ids[i]}`).json.depositAddress, amount: 25_000_000, hash, block: h.rpc.head - 5 }));
      const before = snapshot(h);
      const r = h.request('POST', `/c/${ids[i]}/verify`, { key: null, body: { transactionHash: hash } });
      expect(r.status === 200 && r.json.status === 'paid', 'verify failed', r.json);
      // Only the verify itself: the retrieve above found the deposit address.
      for (const k of Object.keys(before)) if (typeof before[k] === 'number' && k !== 'followUpNs') h.counts[`_${k}`] = (h.counts[`_${k}`] ?? 0) + h.counts[k] - before[k];
    });
    kinds['POST /c/{id}/verify, pays the session'] = {
      reads: h.counts._kvGet / runs,
      writes: (h.counts._kvPut + h.counts._kvDelete) / runs,
      lists: h.counts._kvList / runs,
      rpc: h.counts._rpc / runs,
      followUps: h.counts._followUps / runs,
    };
    // A link with maxPayments lists its sales on a visit, until the instance has seen it sold out.
    const limited = h.request('POST', '/api/v1/payment_links', { body: { ...LINK_BODY, maxPayments: 1000 } }).json;
    run('GET /l/{slug} of a link with maxPayments, new visitor', h, () => {
      const r = h.request('GET', `/l/${limited.slug}`, { key: null });
      expect(r.status === 303, 'limited visit failed', r.json);
    });
    const soldOut = h.request('POST', '/api/v1/payment_links', { body: { ...LINK_BODY, maxPayments: 1 } }).json;
    const last = h.request('GET', `/l/${soldOut.slug}`, { key: null }).headers.location.replace(/^.*\/c\//, '');
    const lastHash = '0x' + 'ab'.repeat(32);
    h.rpc.receipts.set(lastHash, transferReceipt({ token, to: h.request('GET', `/api/v1/checkout_sessions/${last}`).json.depositAddress, amount: 25_000_000, hash: lastHash, block: h.rpc.head - 5 }));
    expect(h.request('POST', `/c/${last}/verify`, { key: null, body: { transactionHash: lastHash } }).json.status === 'paid', 'the last sale failed');
    run('GET /l/{slug} of a sold-out link, new visitor', h, () => {
      const r = h.request('GET', `/l/${soldOut.slug}`, { key: null });
      expect(r.status === 410, 'sold-out visit was not refused', r.status);
    });
    run('POST /api/v1/payment_links', h, () => h.request('POST', '/api/v1/payment_links', { body: LINK_BODY }));
    run('GET /api/v1/payment_links/{id}', h, () => h.request('GET', `/api/v1/payment_links/${link.id}`));
    run('POST /api/v1/checkout_sessions', h, () => h.request('POST', '/api/v1/checkout_sessions', { body: SESSION_BODY }));
    h.now += 60_000;
    run(`cron tick, ${visits.length * 2 + runs} sessions`, h, () => {
      h.now += 60_000;
      h.scheduled();
    });
  }
  return kinds;
}
