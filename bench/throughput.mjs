// Requests per second of the real bundle (dist/bundle, what `wrangler deploy` uploads) in
// workerd, through Miniflare's own HTTP server on 127.0.0.1, against a hello-world worker in
// the same runtime and the same run, driven by wrk from loopback. Every wrk run is bounded
// (-d) and killed if it overstays; the rounds interleave the targets so that a change in the
// machine's load hits all of them alike.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { BENCH_VARS } from './harness.mjs';
import { summarize } from './stats.mjs';

const HELLO_SCRIPT = `export default { async fetch() { return new Response('Hello World!'); } };`;

// The KV and RPC I/O of the measured routes without the core: the floor the runtime and its
// local KV simulation put under each route. Reads with cacheTtl are served from an in-isolate
// cache, as edge/kv.js does; the values have the sizes the core writes.
const FLOOR_SCRIPT = `
const cache = new Map();
async function cachedGet(env, key) {
  if (cache.has(key)) return cache.get(key);
  const value = await env.STORE.get(key, { cacheTtl: 60 });
  cache.set(key, value);
  return value;
}
const session = JSON.stringify({ v: 1, pad: 'x'.repeat(520) });
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    const id = crypto.randomUUID().replaceAll('-', '').slice(0, 26).toUpperCase();
    if (path === '/visit') {
      await cachedGet(env, 'slug/bench');
      await cachedGet(env, 'link/bench');
      await Promise.all([
        env.STORE.put('cs/cs_' + id, session),
        env.STORE.put('idx/cs/' + id, '', { metadata: { s: 'open', l: 'pl_01M7Q5CQG16BXNQ1BT8ACFAC8J' } }),
        env.STORE.put('watch/' + id, '', { metadata: { d: '0xc123826efbffbb348794aed148c91e806e6b061a', c: 1795000000002, e: 1795001800002, s: 'open', n: 0 } }),
      ]);
      return new Response(null, { status: 303, headers: { location: '/c/cs_' + id } });
    }
    if (path === '/create') {
      await env.STORE.get('slug/' + id);
      await Promise.all([
        env.STORE.put('link/pl_' + id, session.slice(0, 330)),
        env.STORE.put('slug/' + id, 'pl_' + id),
        env.STORE.put('idx/link/' + id, '', { metadata: { a: true } }),
      ]);
      return new Response(session.slice(0, 420), { status: 201 });
    }
    if (path === '/status') {
      await env.STORE.get('cs/cs_' + id);
      const answer = await fetch(env.RPC_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] },
          { jsonrpc: '2.0', id: 2, method: 'eth_getLogs', params: [{ fromBlock: '0x1', toBlock: 'latest' }] },
        ]),
      });
      await answer.json();
      return new Response(session, { headers: { 'content-type': 'application/json' } });
    }
    return new Response('not found', { status: 404 });
  },
};`;
const COMPATIBILITY_DATE = '2025-06-01'; // as wrangler.toml

/** A JSON-RPC node on 127.0.0.1 that answers at once: chain 31337, a rising head, no logs. */
async function startRpcStub() {
  const started = Date.now();
  const counts = { requests: 0, calls: 0 };
  const answer = (method) => {
    switch (method) {
      case 'eth_chainId':
        return '0x7a69';
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
      const answers = calls.map((call) => ({ jsonrpc: '2.0', id: call.id, result: answer(call.method) }));
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

export async function throughput({ bundleDir, rounds = 3, seconds = 2, warmupSeconds = 1 } = {}) {
  const scriptPath = join(bundleDir, 'worker.js');
  if (!existsSync(scriptPath)) throw new Error(`${scriptPath} is missing: run \`make bundle\``);
  const dir = mkdtempSync(join(tmpdir(), 'paylinks-bench-'));
  const rpc = await startRpcStub();
  let hello;
  let floor;
  let paylinks;
  try {
    hello = new Miniflare({ modules: true, script: HELLO_SCRIPT, compatibilityDate: COMPATIBILITY_DATE, host: '127.0.0.1', port: 0 });
    floor = new Miniflare({
      modules: true,
      script: FLOOR_SCRIPT,
      compatibilityDate: COMPATIBILITY_DATE,
      kvNamespaces: ['STORE'],
      bindings: { RPC_URL: rpc.url },
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

    // The link every GET reads and every /l/ visit opens a session of.
    const created = await fetch(`${baseUrl}/api/v1/payment_links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_VARS.API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Bench link', fiatAmount: '25.00', fiatCurrency: 'USD' }),
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
        for (const key of page.keys) ids.push(key.name.slice(3));
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
      { name: 'visit', url: `${baseUrl}/l/${link.slug}` },
      { name: 'visit_floor', url: `${floorUrl}/visit` },
      { name: 'status', url: baseUrl, script: statusScript, before: writeStatusScript, countRpc: true },
      { name: 'status_floor', url: `${floorUrl}/status` },
      { name: 'create_link', url: `${baseUrl}/api/v1/payment_links`, script: postScript },
      { name: 'create_floor', url: `${floorUrl}/create` },
    ];
    const results = Object.fromEntries(targets.map((t) => [t.name, []]));
    const notes = { statusSessions: 0, statusRpcShare: [] };
    // Warm-up: every target once (the visits also create the sessions the polls rotate over).
    for (const target of targets) {
      if (target.before) notes.statusSessions = await target.before();
      await wrk(target.url, { ...target, seconds: warmupSeconds });
    }
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        if (target.before) notes.statusSessions = await target.before();
        const rpcBefore = rpc.counts.requests;
        const run = await wrk(target.url, { ...target, seconds });
        if (target.countRpc && run.requests) notes.statusRpcShare.push((rpc.counts.requests - rpcBefore) / run.requests);
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
      statusRpcShare: summarize(notes.statusRpcShare),
    };
  } finally {
    await Promise.allSettled([hello?.dispose(), floor?.dispose(), paylinks?.dispose()]);
    await rpc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
