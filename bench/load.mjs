// `make load`: a bounded load run against the worker (the deploy bundle in workerd, with
// real KV, over HTTP on 127.0.0.1) and a local anvil chain. For LOAD_SECONDS (default 60)
// LOAD_CONNECTIONS loops (default 16) send a mix of link visits (each opens a session),
// status polls of those sessions, and API creates. Afterwards every session the run
// created is retrieved through the API: a session that cannot be is counted as lost.
import { startAnvil, freePort } from '../scripts/chain/anvil.mjs';
import { deployContracts } from '../scripts/chain/deploy.mjs';
import { localVars } from '../scripts/local-config.mjs';
import { TEST_KEY, startWorker } from '../tests/support/worker.mjs';

const SECONDS = Number(process.env.LOAD_SECONDS || 60);
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
  let lost = 0;
  for (let i = 0; i < sessions.length; i += 32) {
    const batch = sessions.slice(i, i + 32);
    const answers = await Promise.all(
      batch.map((id) => fetch(`${base}/api/v1/checkout_sessions/${id}`, { headers: AUTH }).then((r) => r.json().then((b) => [r.status, b]))),
    );
    answers.forEach(([status, body], j) => {
      if (status !== 200 || body.id !== batch[j]) lost++;
    });
  }

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
  process.exitCode = totalErrors === 0 && lost === 0 ? 0 : 1;
} finally {
  await worker.dispose();
  await anvil.stop();
}
