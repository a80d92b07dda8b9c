// `make load`: a bounded load run against the worker (the deploy bundle in workerd, with
// real KV, over HTTP on 127.0.0.1) and a local anvil chain. For LOAD_SECONDS (default 60)
// LOAD_CONNECTIONS loops (default 16) send a mix of link visits (each opens a session),
// status polls of those sessions, and API creates. Afterwards every session the run
// created is retrieved through the API: a session that cannot be is counted as lost.
//
// Then the abuse phase, for ABUSE_SECONDS (default 20), against a worker with the default
// rate limits of wrangler.toml: one client (one CF-Connecting-IP) floods link visits and
// verifies from ABUSE_CONNECTIONS loops (default 8) while customers, each from an address of
// their own, open the link, poll their session and verify, three at a time. Customers must
// all be served, the flood must get 429s, and every session either opened must be there.
import { startAnvil, freePort } from '../scripts/chain/anvil.mjs';
import { deployContracts } from '../scripts/chain/deploy.mjs';
import { localVars } from '../scripts/local-config.mjs';
import { TEST_KEY, startWorker } from '../tests/support/worker.mjs';

const SECONDS = Number(process.env.LOAD_SECONDS || 60);
const ABUSE_SECONDS = Number(process.env.ABUSE_SECONDS || 20);
const ABUSE_CONNECTIONS = Number(process.env.ABUSE_CONNECTIONS || 8);
const CUSTOMER_CONNECTIONS = 3;
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS || 16);
const AUTH = { authorization: `Bearer ${TEST_KEY}` };

const anvil = await startAnvil({ port: await freePort(), blockTime: 1 });
const chain = await deployContracts(anvil.url);
// Every request comes from one client here: the anonymous limits are raised out of the way
// (the run measures the worker, not the limiter; each anonymous request still asks it).
const UNLIMITED = 1_000_000;
const worker = await startWorker({
  vars: localVars(chain),
  listen: true,
  limits: {
    LIMIT_REQUESTS_PER_CLIENT: UNLIMITED,
    LIMIT_SESSIONS_PER_CLIENT: UNLIMITED,
    LIMIT_SESSIONS_PER_LINK: UNLIMITED,
    LIMIT_CHAIN_CHECKS_PER_SESSION: UNLIMITED,
  },
});
const base = worker.url;

const latencies = { visit: [], poll: [], create: [] };
const errors = { visit: 0, poll: 0, create: 0 };
const errorSamples = [];
const sessions = [];

async function timed(kind, run) {
  const started = performance.now();
  try {
    const ok = await run();
    latencies[kind].push(performance.now() - started);
    if (!ok) errors[kind]++;
  } catch (error) {
    errors[kind]++;
    if (errorSamples.length < 5) errorSamples.push(`${kind}: ${error.message}`);
  }
}

try {
  const link = await (
    await fetch(`${base}/api/v1/payment_links`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Load test tee', fiatAmount: '19.99' }),
    })
  ).json();

  const deadline = Date.now() + SECONDS * 1000;
  let counter = 0;
  async function loop() {
    while (Date.now() < deadline) {
      const pick = counter++ % 5; // 2 visits : 2 polls : 1 create
      if (pick < 2 || sessions.length === 0) {
        await timed('visit', async () => {
          const response = await fetch(`${base}/l/${link.slug}`, { redirect: 'manual' });
          await response.arrayBuffer();
          const location = response.headers.get('location') ?? '';
          if (response.status !== 303 || !location.startsWith('/c/cs_')) return false;
          sessions.push(location.slice(3));
          return true;
        });
      } else if (pick < 4) {
        const id = sessions[Math.floor(Math.random() * sessions.length)];
        await timed('poll', async () => {
          const response = await fetch(`${base}/c/${id}/status`);
          const body = await response.json();
          return response.status === 200 && body.id === id;
        });
      } else {
        await timed('create', async () => {
          const response = await fetch(`${base}/api/v1/payment_links`, {
            method: 'POST',
            headers: { ...AUTH, 'content-type': 'application/json' },
            body: JSON.stringify({ title: `Load ${counter}`, fiatAmount: '5.00' }),
          });
          await response.arrayBuffer();
          return response.status === 201;
        });
      }
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsed = (performance.now() - started) / 1000;

  // Every session created must be retrievable.
  const lost = await countLost(base, sessions);

  const pct = (values, p) => {
    if (!values.length) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  };
  const all = Object.values(latencies).flat();
  const totalErrors = Object.values(errors).reduce((a, b) => a + b, 0);
  const row = (name, values, errs) =>
    `${name.padEnd(8)} ${String(values.length).padStart(8)} ${(values.length / elapsed).toFixed(0).padStart(8)} ` +
    `${pct(values, 50).toFixed(2).padStart(9)} ${pct(values, 99).toFixed(2).padStart(9)} ${String(errs).padStart(7)}`;
  console.log(`\nLoad: ${CONNECTIONS} connections for ${elapsed.toFixed(1)} s against the worker bundle in workerd + anvil\n`);
  console.log('kind     requests    req/s   p50 ms    p99 ms  errors');
  for (const kind of Object.keys(latencies)) console.log(row(kind, latencies[kind], errors[kind]));
  console.log(row('all', all, totalErrors));
  console.log(`\nsessions created: ${sessions.length}, retrieved afterwards: ${sessions.length - lost}, lost: ${lost}`);
  if (errorSamples.length) console.log(`first errors: ${errorSamples.join('; ')}`);
  const abuse = await abusePhase();
  process.exitCode = totalErrors === 0 && lost === 0 && abuse.ok ? 0 : 1;
} finally {
  await worker.dispose();
  await anvil.stop();
}

/** Retrieves every session of `ids` through the API; answers how many are missing. */
async function countLost(baseUrl, ids) {
  let missing = 0;
  for (let i = 0; i < ids.length; i += 32) {
    const batch = ids.slice(i, i + 32);
    const answers = await Promise.all(
      batch.map((id) => fetch(`${baseUrl}/api/v1/checkout_sessions/${id}`, { headers: AUTH }).then((r) => r.json().then((b) => [r.status, b]))),
    );
    answers.forEach(([status, body], j) => {
      if (status !== 200 || body.id !== batch[j]) missing++;
    });
  }
  return missing;
}

async function abusePhase() {
  const guarded = await startWorker({ vars: localVars(chain), listen: true }); // wrangler.toml's limits
  try {
    const url = guarded.url;
    const link = await (
      await fetch(`${url}/api/v1/payment_links`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Abuse test tee', fiatAmount: '9.99' }),
      })
    ).json();
    const FLOODER = '203.0.113.66';
    const stats = {
      customer: { requests: 0, served: 0, limited: 0, failed: 0, latencies: [] },
      flood: { requests: 0, served: 0, limited: 0, failed: 0, latencies: [] },
    };
    const opened = { customer: [], flood: [] };
    const samples = [];
    async function send(actor, ip, path, init = {}) {
      const s = stats[actor];
      s.requests++;
      const started = performance.now();
      try {
        const response = await fetch(`${url}${path}`, { redirect: 'manual', ...init, headers: { ...(init.headers ?? {}), 'cf-connecting-ip': ip } });
        await response.arrayBuffer();
        s.latencies.push(performance.now() - started);
        if (response.status === 429) {
          s.limited++;
          if (response.headers.get('retry-after') !== '60') {
            s.failed++;
            if (samples.length < 5) samples.push(`${actor} ${path}: 429 without Retry-After: 60`);
          }
        } else if (response.status >= 500) {
          s.failed++;
          if (samples.length < 5) samples.push(`${actor} ${path}: ${response.status}`);
        } else {
          s.served++;
        }
        return response;
      } catch (error) {
        s.failed++;
        if (samples.length < 5) samples.push(`${actor} ${path}: ${error.message}`);
        return null;
      }
    }
    const deadline = Date.now() + ABUSE_SECONDS * 1000;
    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    let customers = 0;
    async function customer() {
      while (Date.now() < deadline) {
        const n = ++customers;
        const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
        const visit = await send('customer', ip, `/l/${link.slug}`);
        const location = visit?.headers.get('location') ?? '';
        if (visit?.status !== 303 || !location.startsWith('/c/cs_')) continue;
        const id = location.slice(3);
        opened.customer.push(id);
        for (let poll = 0; poll < 3; poll++) {
          await pause(150);
          await send('customer', ip, `/c/${id}/status`);
        }
        // A transaction the chain does not have: 404 transaction_not_found, never a 429.
        await send('customer', ip, `/c/${id}/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ transactionHash: `0x${n.toString(16).padStart(64, '0')}` }),
        });
      }
    }
    let floods = 0;
    async function flood() {
      while (Date.now() < deadline) {
        const n = ++floods;
        if (n % 2 || opened.flood.length === 0) {
          const visit = await send('flood', FLOODER, `/l/${link.slug}`);
          const location = visit?.headers.get('location') ?? '';
          if (visit?.status === 303 && location.startsWith('/c/cs_')) opened.flood.push(location.slice(3));
        } else {
          const id = opened.flood[n % opened.flood.length];
          await send('flood', FLOODER, `/c/${id}/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ transactionHash: `0x${(n + 1e9).toString(16).padStart(64, '0')}` }),
          });
        }
      }
    }
    const started = performance.now();
    await Promise.all([
      ...Array.from({ length: CUSTOMER_CONNECTIONS }, customer),
      ...Array.from({ length: ABUSE_CONNECTIONS }, flood),
    ]);
    const elapsed = (performance.now() - started) / 1000;
    const lostCustomer = await countLost(url, opened.customer);
    const lostFlood = await countLost(url, opened.flood);

    const pctOf = (values, p) => {
      if (!values.length) return NaN;
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    };
    console.log(
      `\nAbuse: one client (${FLOODER}) from ${ABUSE_CONNECTIONS} connections beside ${CUSTOMER_CONNECTIONS} customers at a time, each from its own address, ` +
        `for ${elapsed.toFixed(1)} s, with wrangler.toml's rate limits\n`,
    );
    console.log('actor      requests   served  429 Retry-After:60  failed   p50 ms   p99 ms');
    for (const [actor, s] of Object.entries(stats)) {
      console.log(
        `${actor.padEnd(9)} ${String(s.requests).padStart(9)} ${String(s.served).padStart(8)} ${String(s.limited).padStart(19)} ` +
          `${String(s.failed).padStart(7)} ${pctOf(s.latencies, 50).toFixed(2).padStart(8)} ${pctOf(s.latencies, 99).toFixed(2).padStart(8)}`,
      );
    }
    // The per-client session limit (20 a minute) bounds what the flood could open.
    const floodSessionCap = 20 * (Math.ceil(elapsed / 60) + 1);
    console.log(
      `\ncustomers: ${customers} (sessions ${opened.customer.length}, lost ${lostCustomer}); ` +
        `flood: sessions opened ${opened.flood.length} (cap ${floodSessionCap}), lost ${lostFlood}`,
    );
    if (samples.length) console.log(`first problems: ${samples.join('; ')}`);
    const c = stats.customer;
    const ok =
      c.limited === 0 && c.failed === 0 && c.served === c.requests && stats.flood.limited > 0 && stats.flood.failed === 0 &&
      opened.flood.length <= floodSessionCap && lostCustomer === 0 && lostFlood === 0;
    console.log(ok ? 'abuse phase: customers all served, the flood held back, nothing lost' : 'abuse phase: FAILED');
    return { ok };
  } finally {
    await guarded.dispose();
  }
}
