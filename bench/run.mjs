#!/usr/bin/env node
// `make bench`: one table from one run. Sizes of what ships; core time per request kind,
// natively (build/native/core_bench) and in wasm under Node (dist/paylinks.wasm through the
// worker's own Core class); the 10,000-session cron scan; the wasm core against viem on the
// same work; and requests per second of the real bundle in workerd against a hello-world
// worker in the same run. A benchmark prints figures; it passes or fails nothing (it exits
// non-zero only when it cannot measure).
//
//   node bench/run.mjs            (after `make build`; `make bench` does both)
//   BENCH_JSON=file node bench/run.mjs   also writes every raw figure to `file`
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sideBySide } from './side_by_side.mjs';
import { spread } from './stats.mjs';
import { throughput } from './throughput.mjs';
import { coldStartTimes, compileTimes, instantiateTimes, requestCosts, requestKinds, scan } from './wasm_core.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WASM = join(ROOT, 'dist/paylinks.wasm');
// The same core with pl_tool, for the side-by-side with viem (the shipped module has no tools).
const TOOLS_WASM = join(ROOT, 'dist/paylinks-tools.wasm');
const BUNDLE = join(ROOT, 'dist/bundle');
const NATIVE = join(ROOT, 'build/native/core_bench');

const RUNS = 2000; // per request kind, after WARMUP
const WARMUP = 300;
const SCAN_SESSIONS = 10_000;

const TARGETS = {
  bundleGzipBytes: 200_000,
  apiUs: 30,
  sessionUs: 50,
  getLinkRatio: 0.7,
  visitRatio: 0.4,
  // 10 pages of 1000 records under cs/ and one of the watch index (empty: nothing has changed).
  scanLists: 11,
  scanRpc: 11,
  scanMs: 200,
};

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

for (const [path, how] of [
  [WASM, 'make wasm'],
  [TOOLS_WASM, 'make wasm'],
  [BUNDLE, 'make bundle'],
  [NATIVE, 'make native'],
]) {
  if (!existsSync(path)) fail(`${path} is missing; run \`${how}\` (or \`make bench\`)`);
}

const started = Date.now();
const loadBefore = loadavg();
const progress = (what) => process.stderr.write(`bench: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);

// ---- sizes
function sizes() {
  const wasm = readFileSync(WASM);
  const files = readdirSync(BUNDLE).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  let raw = 0;
  let gzip = 0;
  let bundledWasm = null;
  for (const file of files) {
    const bytes = readFileSync(join(BUNDLE, file));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
    if (file.endsWith('.wasm')) bundledWasm = bytes;
  }
  return {
    wasmRaw: wasm.length,
    wasmGzip: gzipSync(wasm).length,
    bundleRaw: raw,
    bundleGzip: gzip,
    bundleFiles: files,
    bundleHasThisWasm: bundledWasm !== null && Buffer.compare(bundledWasm, wasm) === 0,
  };
}

// ---- native
function native() {
  const result = spawnSync(NATIVE, ['--runs', String(RUNS), '--warmup', String(WARMUP), '--scan-sessions', String(SCAN_SESSIONS)], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  if (result.status !== 0) fail(`core_bench failed: ${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout);
}

// ---- table
const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const met = (ok) => (ok ? 'yes' : 'NO');
const us = (stats) => spread(stats, 1);
const ms = (stats) => spread(stats, 1);
const perSecond = (usPerItem) => `${Math.round(1e6 / usPerItem.median).toLocaleString('en-US')}/s`;
const pct = (stats) => `${(stats.median * 100).toFixed(0)} % (${(stats.p10 * 100).toFixed(0)}–${(stats.p90 * 100).toFixed(0)})`;
const rps = (s) => `${s.rps.median.toFixed(0)} req/s (${s.rps.min.toFixed(0)}–${s.rps.max.toFixed(0)})`;

function printTable(rows, header) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter(Array.isArray).map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows) out.push(Array.isArray(row) ? line(row) : row);
  console.log(out.join('\n'));
}

async function main() {
  const size = sizes();
  progress('native core');
  const nat = native();
  progress('wasm core under Node');
  const bytes = readFileSync(WASM);
  const module = new WebAssembly.Module(bytes);
  const compile = compileTimes(bytes);
  const instantiate = instantiateTimes(module);
  const coldStart = coldStartTimes(bytes);
  const kinds = requestKinds(module, { warmup: WARMUP, runs: RUNS });
  const costs = requestCosts(module);
  progress('wasm core against viem');
  const side = sideBySide(new WebAssembly.Module(readFileSync(TOOLS_WASM)));
  progress(`scan of ${SCAN_SESSIONS.toLocaleString('en-US')} sessions`);
  const scanned = scan(module, { count: SCAN_SESSIONS });
  progress('throughput in workerd (wrk)');
  // Miniflare keeps its local KV simulation under the temporary folder; on tmpfs it measures
  // the worker rather than this disk's fsync latency.
  let shm = null;
  try {
    shm = mkdtempSync('/dev/shm/paylinks-bench-');
    process.env.TMPDIR = shm;
  } catch {
    // no tmpfs: Miniflare uses the ordinary temporary folder
  }
  let tput;
  try {
    tput = await throughput({ bundleDir: BUNDLE, module });
  } finally {
    if (shm) rmSync(shm, { recursive: true, force: true });
  }
  const loadAfter = loadavg();

  const t = tput.summary;
  const nd = nat.derive_tool;
  const rows = [
    '-- what ships',
    ['wasm, raw / gzip', '', `${kB(size.wasmRaw)} / ${kB(size.wasmGzip)}`, '', '', ''],
    [`bundle (${size.bundleFiles.length} files, no map), raw / gzip`, '', `${kB(size.bundleRaw)} / ${kB(size.bundleGzip)}`, '', '≤ 200 kB gz', met(size.bundleGzip <= TARGETS.bundleGzipBytes)],
    ['wasm compile (new WebAssembly.Module), ms', '', ms(compile), '', '', ''],
    ['wasm instantiate + _initialize + configure, ms', '', spread(instantiate, 2), '', '', ''],
    ['cold start: compile + instantiate + first create link, ms', '', ms(coldStart), '', '', ''],
    `-- core time per request, µs, median (p10–p90) of ${RUNS} after ${WARMUP} warm-up (wasm: the first four kinds taken in 10 alternating rounds)`,
    ['create link  POST /api/v1/payment_links', us(nat.create_link), us(kinds.create_link), '', '≤ 30 wasm', met(kinds.create_link.median <= TARGETS.apiUs)],
    ['retrieve link  GET /api/v1/payment_links/{id}', us(nat.retrieve_link), us(kinds.retrieve_link), '', '≤ 30 wasm', met(kinds.retrieve_link.median <= TARGETS.apiUs)],
    ['session creation  GET /l/{slug}', us(nat.session_visit), us(kinds.session_visit), '', '≤ 50 wasm', met(kinds.session_visit.median <= TARGETS.sessionUs)],
    ['session creation  POST /api/v1/checkout_sessions', us(nat.session_api), us(kinds.session_api), '', '≤ 50 wasm', met(kinds.session_api.median <= TARGETS.sessionUs)],
    [`status check  GET /c/{id}/status (${kinds.status_rpc_per_request} rpc/req)`, us(nat.status), us(kinds.status), '', '', ''],
    ['verify receipt  POST /c/{id}/verify', us(nat.verify), us(kinds.verify), '', '', ''],
    '-- what a request costs the KV bill and the RPC quota: per request, its follow-ups (webhook deliveries) included, mean of 50',
    ...Object.entries(costs).map(([kind, c]) => {
      const visit = kind.startsWith('GET /l/{slug}, new visitor') && !kind.includes('endpoint');
      const limited = kind.startsWith('GET /l/{slug} of a link with maxPayments');
      const cell = `${fmt(c.reads)} reads, ${fmt(c.writes)} writes, ${fmt(c.lists)} lists, ${fmt(c.rpc)} rpc, ${fmt(c.followUps)} follow-ups`;
      if (limited) return [kind, '', cell, '', '≤ 2 writes, ≤ 1 list', met(c.writes <= 2 && c.lists <= 1)];
      return [kind, '', cell, '', visit ? '≤ 2 writes, 0 lists' : '', visit ? met(c.writes <= 2 && c.lists === 0) : ''];
    }),
    `-- deposit addresses and Transfer logs, µs per item (wasm, viem: CPU time), batches of ${side.batch}: median (p10–p90) of ${side.batches}`,
    ['deposit-address derivation (CREATE2 + EIP-55)', us(nd), us(side.wasmDerive), us(side.viemDerive), 'wasm < viem', met(side.wasmDerive.median < side.viemDerive.median)],
    ['  derivations per second', perSecond(nd), perSecond(side.wasmDerive), perSecond(side.viemDerive), '', ''],
    ['  (native DepositAddressDeriver alone, no EIP-55/JSON)', us(nat.derive_raw), '', '', '', ''],
    ['Transfer-log verification', us(nat.verify_tool), us(side.wasmVerify), us(side.viemVerify), 'wasm < viem', met(side.wasmVerify.median < side.viemVerify.median)],
    [`  wasm and viem agree on every address and count`, '', side.agreed ? 'yes' : 'NO', '', '', ''],
    `-- cron scan of ${SCAN_SESSIONS.toLocaleString('en-US')} open sessions (steady state after one warm-up scan; median (p10–p90) of ${scanned.coreMs.n})`,
    ['KV lists of the scan (recent records, then the watch index)', '', scanned.watchLists, '', '≤ 11', met(scanned.watchLists <= TARGETS.scanLists)],
    ['KV lists of the whole cron tick', nat.scan.runs.at(-1).kvLists, `${scanned.kvLists} (${Object.entries(scanned.runs.at(-1).byPrefix).map(([p, n]) => `${n} ${p}`).join(', ')})`, '', '', ''],
    ['RPC calls of the cron tick', nat.scan.runs.at(-1).rpcCalls, `${scanned.rpcCalls} (${Object.entries(scanned.runs.at(-1).byMethod).map(([m, n]) => `${n} ${m}`).join(', ')})`, '', '≤ 11', met(scanned.rpcCalls <= TARGETS.scanRpc)],
    ['core CPU time, ms', ms(nat.scan.coreMs), ms(scanned.coreMs), '', '≤ 200 wasm', met(scanned.coreMs.median <= TARGETS.scanMs)],
    ['  (core wall-clock time, ms)', ms(nat.scan.coreWallMs), ms(scanned.coreWallMs), '', '', ''],
    [`  the scan's result reports the same counts; all ${SCAN_SESSIONS} watched`, '', scanned.reportedAgree && scanned.watchedAll ? 'yes' : 'NO', '', '', ''],
    [`  warm-up scan (fresh instance: + eth_chainId)`, '', `${scanned.runs[0].rpcCalls} rpc, ${scanned.runs[0].kvLists} lists, ${scanned.runs[0].coreMs.toFixed(1)} ms`, '', '', ''],
    `-- throughput in workerd (Miniflare HTTP server, wrk -t1 -c16 from loopback), median (min–max) of ${tput.rounds} × ${tput.seconds} s; % of hello-world per round`,
    ['hello-world worker  GET /', '', rps(t.hello), '', '', ''],
    ['GET /api/v1/payment_links/{id}', '', `${rps(t.get_link)} = ${pct(t.get_link.ratio)}`, '', '≥ 70 %', met(t.get_link.ratio.median >= TARGETS.getLinkRatio)],
    ['  the same worker without the core (floor)', '', `${rps(t.get_link_floor)} = ${pct(t.get_link_floor.ratio)}`, '', '', ''],
    ['GET /l/{slug} (creates a session)', '', `${rps(t.visit)} = ${pct(t.visit.ratio)}`, '', '≥ 40 %', met(t.visit.ratio.median >= TARGETS.visitRatio)],
    ['  the same worker without the core (floor)', '', `${rps(t.visit_floor)} = ${pct(t.visit_floor.ratio)}`, '', '', ''],
    [`GET /c/{id}/status (${tput.statusRoundTrips.median.toFixed(2)} RPC round trips per poll)`, '', `${rps(t.status)} = ${pct(t.status.ratio)}`, '', '', ''],
    ['  the same worker without the core (floor)', '', `${rps(t.status_floor)} = ${pct(t.status_floor.ratio)}`, '', '', ''],
    ['POST /api/v1/payment_links', '', `${rps(t.create_link)} = ${pct(t.create_link.ratio)}`, '', '', ''],
    ['  the same worker without the core (floor)', '', `${rps(t.create_floor)} = ${pct(t.create_floor.ratio)}`, '', '', ''],
  ];
  const errors = Object.entries(t).filter(([, s]) => s.errors > 0);

  const cpu = cpus();
  console.log(
    `\npaylinks benchmark — ${new Date(started).toISOString()}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim()}, ` +
      `load average ${loadBefore[0].toFixed(2)} before / ${loadAfter[0].toFixed(2)} after, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  printTable(rows, ['figure', 'native', 'wasm (Node) / worker (workerd)', 'viem (same Node)', 'target', 'met']);
  console.log(
    [
      '',
      "Core time is the core's own calls only: Engine::start/resume natively, Core.start/resume in wasm (which includes the",
      'JSON crossing of the boundary, as in the worker). Effects are answered by in-memory stubs that are not timed: a KV, an',
      'RPC node at chain 31337 with no logs, a receipt paying the session in full. Per request: wall-clock medians; the scan:',
      'CPU time (a busy machine preempts a 100 ms run, not a 30 µs one). Each status poll uses a session unchecked for 3 s,',
      'so the chain is asked. A floor is the same worker.js and edge/ code in the same runtime with the core replaced by',
      "replays of its recorded answers: the route's effects, KV and RPC traffic and follow-ups without the core's work.",
      `KV is Miniflare's local simulation${shm ? ' (on tmpfs)' : ''}, not Workers KV; its writes bound the write routes.`,
      size.bundleHasThisWasm ? '' : 'WARNING: dist/bundle holds a different wasm than dist/paylinks.wasm: run `make bundle`.',
      loadBefore[0] > 1.5 || loadAfter[0] > 1.5 ? `WARNING: the machine was busy (load average ${loadBefore[0].toFixed(1)}/${loadAfter[0].toFixed(1)} on ${cpu.length} cores): the figures are slower than on an idle machine.` : '',
      kinds.followUps
        ? `Not in the figures: ${kinds.followUps} follow-up exchanges (webhook deliveries, run after the answer) that the requests started, ${(kinds.followUpNs / kinds.followUps / 1000).toFixed(1)} µs of wasm core each on average.`
        : '',
      errors.length ? `WARNING: non-2xx/3xx answers or socket errors in: ${errors.map(([name, s]) => `${name} (${s.errors})`).join(', ')}` : '',
    ]
      .filter((line, i) => i === 0 || line)
      .join('\n'),
  );

  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ size, native: nat, wasm: { compile, instantiate, coldStart, kinds }, side, scan: scanned, throughput: tput, loadBefore, loadAfter }, null, 2));
  }
}

main().catch((error) => fail(error?.stack ?? String(error)));
