// core/util/json against nlohmann::json (issue 18 item 4): the same core built both ways
// (`make wasm`, `make wasm-nlohmann`), core time per request from requestKinds() on each
// module in alternating rounds, so that load on a shared machine lands on both alike, and
// each module's size with the bundle it would ship in (the bundle's JS with that module).
//
//   node bench/json_compare.mjs [--rounds N] [--runs N] [--warmup N] [--json]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { spread, summarize } from './stats.mjs';
import { requestKinds } from './wasm_core.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MODULES = {
  'core/util/json': join(ROOT, 'dist/paylinks.wasm'),
  'nlohmann::json': join(ROOT, 'dist/paylinks-nlohmann.wasm'),
};
const BUNDLE = join(ROOT, 'dist/bundle');
const KINDS = {
  create_link: 'create link  POST /api/v1/payment_links',
  retrieve_link: 'retrieve link  GET /api/v1/payment_links/{id}',
  session_visit: 'session creation  GET /l/{slug}',
  session_api: 'session creation  POST /api/v1/checkout_sessions',
  status: 'status check  GET /c/{id}/status',
  verify: 'verify receipt  POST /c/{id}/verify',
};
// The rule: nlohmann within 25 % per request and a bundle of at most 200 kB gzipped.
const RULE = { ratio: 1.25, bundleGzipBytes: 200_000 };

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const rounds = option('rounds', 6);
const runs = option('runs', 400); // per kind and round
const warmup = option('warmup', 100);

for (const [name, path] of Object.entries(MODULES))
  if (!existsSync(path)) throw new Error(`${path} (${name}) is missing: run \`make wasm wasm-nlohmann\``);
if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make bundle\``);

function sizes(path) {
  const wasm = readFileSync(path);
  // The bundle is the worker's JS files and one module; only the module differs.
  let jsRaw = 0;
  let jsGzip = 0;
  for (const file of readdirSync(BUNDLE)) {
    if (file.endsWith('.map') || file.endsWith('.wasm') || file === 'README.md') continue;
    const bytes = readFileSync(join(BUNDLE, file));
    jsRaw += bytes.length;
    jsGzip += gzipSync(bytes).length;
  }
  const wasmGzip = gzipSync(wasm).length;
  return { wasmRaw: wasm.length, wasmGzip, jsRaw, jsGzip, bundleRaw: jsRaw + wasm.length, bundleGzip: jsGzip + wasmGzip };
}

const loadBefore = loadavg();
const modules = Object.fromEntries(Object.entries(MODULES).map(([name, path]) => [name, new WebAssembly.Module(readFileSync(path))]));
const pooled = Object.fromEntries(Object.keys(MODULES).map((name) => [name, Object.fromEntries(Object.keys(KINDS).map((k) => [k, []]))]));
for (let round = 0; round < rounds; round++) {
  const order = Object.keys(MODULES);
  if (round % 2) order.reverse();
  for (const name of order) {
    process.stderr.write(`json_compare: round ${round + 1}/${rounds}, ${name}\n`);
    const kinds = requestKinds(modules[name], { warmup, runs });
    for (const k of Object.keys(KINDS)) pooled[name][k].push(...kinds[k].samples);
  }
}
const loadAfter = loadavg();

const [ours, theirs] = Object.keys(MODULES);
const result = { date: new Date().toISOString(), rounds, runs, warmup, load: [loadBefore[0], loadAfter[0]], modules: {} };
for (const name of Object.keys(MODULES)) {
  result.modules[name] = { size: sizes(MODULES[name]), kinds: Object.fromEntries(Object.keys(KINDS).map((k) => [k, summarize(pooled[name][k])])) };
}
const ratio = (k) => result.modules[theirs].kinds[k].median / result.modules[ours].kinds[k].median;
const ruled = ['create_link', 'retrieve_link', 'session_visit', 'session_api'];
result.ratios = Object.fromEntries(Object.keys(KINDS).map((k) => [k, ratio(k)]));
result.withinRatio = ruled.every((k) => ratio(k) <= RULE.ratio);
result.bundleWithin = result.modules[theirs].size.bundleGzip <= RULE.bundleGzipBytes;
result.switch = result.withinRatio && result.bundleWithin;

if (args.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
  const rows = [['', ours, theirs, `${theirs} / ${ours}`]];
  rows.push([`core µs per request, median (p10–p90) of ${rounds * runs} in ${rounds} alternating rounds`, '', '', '']);
  for (const [k, label] of Object.entries(KINDS)) rows.push([label, spread(result.modules[ours].kinds[k]), spread(result.modules[theirs].kinds[k]), ratio(k).toFixed(2)]);
  const s = (name) => result.modules[name].size;
  rows.push(['wasm, raw / gzip', `${kB(s(ours).wasmRaw)} / ${kB(s(ours).wasmGzip)}`, `${kB(s(theirs).wasmRaw)} / ${kB(s(theirs).wasmGzip)}`, (s(theirs).wasmGzip / s(ours).wasmGzip).toFixed(2)]);
  rows.push(['bundle with it (JS + wasm), raw / gzip', `${kB(s(ours).bundleRaw)} / ${kB(s(ours).bundleGzip)}`, `${kB(s(theirs).bundleRaw)} / ${kB(s(theirs).bundleGzip)}`, (s(theirs).bundleGzip / s(ours).bundleGzip).toFixed(2)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
  console.log(`load average ${loadBefore[0].toFixed(1)} → ${loadAfter[0].toFixed(1)}`);
  console.log(
    `rule (nlohmann within ${((RULE.ratio - 1) * 100).toFixed(0)} % on the first four kinds AND bundle ≤ ${kB(RULE.bundleGzipBytes)} gz): ` +
      `within ratio: ${result.withinRatio ? 'yes' : 'no'}, bundle: ${result.bundleWithin ? 'yes' : 'no'} → ${result.switch ? 'switch to nlohmann' : 'keep core/util/json'}`,
  );
}
