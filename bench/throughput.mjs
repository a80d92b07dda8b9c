// Requests per second of the real bundle (dist/bundle, what `wrangler deploy` uploads) in
// workerd, through Miniflare's own HTTP server on 127.0.0.1, against a hello-world worker in
// the same runtime and the same run, driven by wrk from loopback. Every wrk run is bounded
// (-d) and killed if it overstays; the rounds interleave the targets so that a change in the
// machine's load hits all of them alike.
//
// Beside each route, its "floor": the same worker.js and edge/ code with the core replaced by
// bench/replay_core.mjs, which answers with what the real core answered for that route
// (recorded here through the wasm harness). Same effects, same KV and RPC traffic, same
// follow-ups, no core work: the route's ceiling in this runtime, so the gap to it is the
// core's cost.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { BENCH_VARS, Harness } from './harness.mjs';
import { summarize } from './stats.mjs';
import { idFromKey } from '../tests/support/keys.mjs';

const HELLO_SCRIPT = `export default { async fetch() { return new Response('Hello World!'); } };`;

const COMPATIBILITY_DATE = '2025-06-01'; // as wrangler.toml
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LINK_BODY = { title: 'Bench link', fiatAmount: '25.00', fiatCurrency: 'USD' };

/**
 * What the core answers for each measured route, recorded after a warm-up: {scripts, seeds}.
 * A script is the list of the core's answers for one exchange; a follow-up's script is named
 * `<route>:followUp:<i>` and the final answer points at it. Seeds are the KV values the
 * scripts read, to put in the floor worker's KV.
 */
export function recordScripts(module) {
  const h = new Harness(module);
  // The configure answer too: the floor forwards the same request headers.
  const scripts = { configure: { requestHeaders: h.core.requestHeaders } };
  const seeds = {};
  const keep = (name, record) => {
    Object.assign(seeds, record.reads);
    const final = record.answers.at(-1);
    if (final.followUps) {
      final.followUps = final.followUps.map((message, i) => {
        keep(`${name}:followUp:${i}`, record.followUps[i]);
        return { ...message, replay: `${name}:followUp:${i}` };
      });
    }
    scripts[name] = record.answers;
  };
  const recorded = (request) => {
    const record = { answers: [], reads: {}, followUps: [] };
    request(record);
    return record;
  };
  let link;
  for (let i = 0; i < 20; i++) link = h.request('POST', '/api/v1/payment_links', { body: LINK_BODY }).json;
  keep('create_link', recorded((record) => h.request('POST', '/api/v1/payment_links', { body: LINK_BODY, record })));
  for (let i = 0; i < 20; i++) h.request('GET', `/api/v1/payment_links/${link.id}`);
  keep('get_link', recorded((record) => h.request('GET', `/api/v1/payment_links/${link.id}`, { record })));
  const sessions = [];
  for (let i = 0; i < 21; i++) sessions.push(h.request('GET', `/l/${link.slug}`, { key: null }).headers.location.slice(3));
  keep('visit', recorded((record) => h.request('GET', `/l/${link.slug}`, { key: null, record })));
  for (let i = 0; i < 20; i++) h.request('GET', `/c/${sessions[i]}/status`, { key: null });
  keep('status', recorded((record) => h.request('GET', `/c/${sessions[20]}/status`, { key: null, record })));
  return { scripts, seeds };
}

/** worker.js bundled with bench/replay_core.mjs in place of edge/core.js; the file's path. */
async function buildFloorWorker(dir, scripts) {
  const { build } = await import('esbuild'); // wrangler's bundler
  const outfile = join(dir, 'floor.mjs');
  await build({
    entryPoints: [join(ROOT, 'worker.js')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    loader: { '.wasm': 'empty' }, // the core's module is never instantiated
    logLevel: 'silent',
    plugins: [
      {
        name: 'replay-core',
        setup(b) {
          b.onResolve({ filter: /edge\/core\.js$/ }, (args) =>
            args.importer.endsWith('worker.js') ? { path: join(ROOT, 'bench/replay_core.mjs') } : undefined,
          );
          b.onResolve({ filter: /^paylinks-bench:scripts$/ }, () => ({ path: 'scripts', namespace: 'paylinks-bench' }));
          b.onLoad({ filter: /.*/, namespace: 'paylinks-bench' }, () => ({ contents: JSON.stringify(scripts), loader: 'json' }));
        },
      },
    ],
  });
  return outfile;
}

const DECIMALS_SELECTOR = '0x313ce567';
const DECIMALS_6 = '0x' + '6'.padStart(64, '0');
const SYMBOL_USDC = '0x' + '20'.padStart(64, '0') + '4'.padStart(64, '0') + '55534443'.padEnd(64, '0');

/** A JSON-RPC node on 127.0.0.1 that answers at once: chain 31337, a rising head, no logs. */
async function startRpcStub() {
  const started = Date.now();
  const counts = { requests: 0, calls: 0 };
  const answer = (method, params) => {
    switch (method) {
      case 'eth_chainId':
        return '0x7a69';
      case 'eth_call': // the token's decimals() (6) and symbol() ("USDC")
        return params?.[0]?.data === DECIMALS_SELECTOR ? DECIMALS_6 : SYMBOL_USDC;
      case 'eth_blockNumber':
        return '0x' + (0x100000 + Math.floor((Date.now() - started) / 1000)).toString(16);
      case 'eth_getLogs':
        return [];
      default:
        return null;
    }
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      counts.requests++;
      let message;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const calls = Array.isArray(message) ? message : [message];
      counts.calls += calls.length;
      const answers = calls.map((call) => ({ jsonrpc: '2.0', id: call.id, result: answer(call.method, call.params) }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(Array.isArray(message) ? answers : answers[0]));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** One bounded wrk run; {rps, requests, errors, non2xx3xx, latencyMs}. */
function wrk(url, { seconds, script, headers = [], connections = 16 }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s'];
  for (const header of headers) args.push('-H', header);
  if (script) args.push('-s', script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    // wrk stops itself after -d; this only guards against a hang.
    const guard = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000);
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(new Error(`wrk could not be started (${error.message}); install it with \`make apt\``));
    });
    child.on('close', (code) => {
      clearTimeout(guard);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || !rps) {
        reject(new Error(`wrk failed (exit ${code}): ${err || out}`));
        return;
      }
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const latency = /Latency\s+([\d.]+)(us|ms|s)/.exec(out);
      const scale = { us: 1e-3, ms: 1, s: 1e3 };
      resolve({
        rps: Number(rps[1]),
        requests,
        errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
        non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        latencyMs: latency ? Number(latency[1]) * scale[latency[2]] : NaN,
      });
    });
  });
}

const lua = (text) => text.trim() + '\n';

/**
 * Runs every target once to warm up, then `rounds` rounds of `seconds` each over all of them.
 * `module` is the compiled core, for recording the floors' scripts. Per target: req/s, the
 * ratio to the hello-world run of the same round, latency and error counts.
 */
// Nine rounds: on a shared machine a single round's ratio swings by 10 to 30 points, so a
// median of five still moved by 10 points from run to run.
export async function throughput({ bundleDir, module, rounds = 9, seconds = 2, warmupSeconds = 1 } = {}) {
  const scriptPath = join(bundleDir, 'worker.js');
  if (!existsSync(scriptPath)) throw new Error(`${scriptPath} is missing: run \`make bundle\``);
  const recording = recordScripts(module);
  const dir = mkdtempSync(join(tmpdir(), 'paylinks-bench-'));
  const rpc = await startRpcStub();
  let hello;
  let floor;
  let paylinks;
  // An interrupted run must not leave workerd processes behind.
  const onSignal = (signal) => {
    Promise.allSettled([hello?.dispose(), floor?.dispose(), paylinks?.dispose()]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    hello = new Miniflare({ modules: true, script: HELLO_SCRIPT, compatibilityDate: COMPATIBILITY_DATE, host: '127.0.0.1', port: 0 });
    const floorPath = await buildFloorWorker(dir, recording.scripts);
    floor = new Miniflare({
      modules: true,
      scriptPath: floorPath,
      modulesRoot: dir,
      compatibilityDate: COMPATIBILITY_DATE,
      kvNamespaces: ['STORE'],
      bindings: { ...BENCH_VARS, RPC_URL: rpc.url },
      host: '127.0.0.1',
      port: 0,
    });
    paylinks = new Miniflare({
      modules: true,
      scriptPath,
      modulesRoot: bundleDir,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: COMPATIBILITY_DATE,
      kvNamespaces: ['STORE'],
      bindings: { ...BENCH_VARS, RPC_URL: rpc.url },
      host: '127.0.0.1',
      port: 0,
    });
    const helloUrl = String(await hello.ready).replace(/\/+$/, '');
    const floorUrl = String(await floor.ready).replace(/\/+$/, '');
    const baseUrl = String(await paylinks.ready).replace(/\/+$/, '');
    const auth = `Authorization: Bearer ${BENCH_VARS.API_KEY}`;
    const floorKv = await floor.getKVNamespace('STORE');
    for (const [key, value] of Object.entries(recording.seeds)) await floorKv.put(key, value);

    // The link every GET reads and every /l/ visit opens a session of.
    const created = await fetch(`${baseUrl}/api/v1/payment_links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_VARS.API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(LINK_BODY),
    });
    const link = await created.json();
    if (created.status !== 201) throw new Error(`bench: creating the link failed: ${JSON.stringify(link)}`);

    const postScript = join(dir, 'post.lua');
    writeFileSync(
      postScript,
      lua(`
wrk.method = "POST"
wrk.body = '{"title":"Bench link","fiatAmount":"25.00","fiatCurrency":"USD"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${BENCH_VARS.API_KEY}"
`),
    );
    const statusScript = join(dir, 'status.lua');
    const kv = await paylinks.getKVNamespace('STORE');
    // Polls rotate over every session created so far, so that (as with many customers'
    // pages) a poll usually finds its session unchecked for 3 s and asks the chain.
    async function writeStatusScript() {
      const ids = [];
      let cursor;
      do {
        const page = await kv.list({ prefix: 'cs/', cursor, limit: 1000 });
        for (const key of page.keys) ids.push(idFromKey(key.name));
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor && ids.length < 50_000);
      writeFileSync(
        statusScript,
        lua(`
local ids = {${ids.map((id) => `"${id}"`).join(',')}}
local i = 0
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/c/" .. ids[i] .. "/status")
end
`),
      );
      return ids.length;
    }

    const targets = [
      { name: 'hello', url: `${helloUrl}/` },
      { name: 'get_link', url: `${baseUrl}/api/v1/payment_links/${link.id}`, headers: [auth] },
      { name: 'get_link_floor', url: `${floorUrl}/api/v1/payment_links/${link.id}`, headers: [auth] },
      { name: 'visit', url: `${baseUrl}/l/${link.slug}` },
      { name: 'visit_floor', url: `${floorUrl}/l/${link.slug}` },
      { name: 'status', url: baseUrl, script: statusScript, before: writeStatusScript, countRpc: true },
      { name: 'status_floor', url: floorUrl, script: statusScript },
      { name: 'create_link', url: `${baseUrl}/api/v1/payment_links`, script: postScript },
      { name: 'create_floor', url: `${floorUrl}/api/v1/payment_links`, script: postScript },
    ];
    const results = Object.fromEntries(targets.map((t) => [t.name, []]));
    const notes = { statusSessions: 0, statusRoundTrips: [] };
    // Warm-up: every target once (the visits also create the sessions the polls rotate over).
    const warm = {};
    for (const target of targets) {
      if (target.before) notes.statusSessions = await target.before();
      warm[target.name] = await wrk(target.url, { ...target, seconds: warmupSeconds });
    }
    // A poll asks the chain when its session was not checked in the last 3 s: a status run
    // needs a session per poll. More visits make them, within a bound.
    const needed = Math.ceil(warm.status.rps * seconds * 1.2);
    const visitSeconds = Math.ceil((needed - notes.statusSessions) / Math.max(warm.visit.rps, 1));
    if (visitSeconds > 0) await wrk(targets.find((t) => t.name === 'visit').url, { seconds: Math.min(visitSeconds, 10) });
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        if (target.before) notes.statusSessions = await target.before();
        const rpcBefore = rpc.counts.requests;
        const run = await wrk(target.url, { ...target, seconds });
        if (target.countRpc && run.requests) notes.statusRoundTrips.push((rpc.counts.requests - rpcBefore) / run.requests);
        results[target.name].push(run);
      }
    }
    const helloRps = results.hello.map((r) => r.rps);
    const summary = {};
    for (const [name, runs] of Object.entries(results)) {
      summary[name] = {
        rps: summarize(runs.map((r) => r.rps)),
        // Per round, against the hello-world run of the same round.
        ratio: summarize(runs.map((r, i) => r.rps / helloRps[i])),
        latencyMs: summarize(runs.map((r) => r.latencyMs)),
        errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx3xx, 0),
        requests: runs.reduce((sum, r) => sum + r.requests, 0),
      };
    }
    return {
      rounds,
      seconds,
      summary,
      statusSessions: notes.statusSessions,
      statusRoundTrips: summarize(notes.statusRoundTrips),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.allSettled([hello?.dispose(), floor?.dispose(), paylinks?.dispose()]);
    await rpc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
