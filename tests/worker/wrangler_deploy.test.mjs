// `wrangler deploy --dry-run`, for the default configuration and for wrangler.toml's
// [env.production] example (README "Deploying"): wrangler builds the bundle it would upload
// (no network and no login needed) and lists the bindings the deployed Worker would get.
// Wrangler does not inherit bindings or vars into an environment, so the example repeats
// them all; these tests fail if one goes missing or drifts from the top level.
//   node --test tests/worker/wrangler_deploy.test.mjs   (after `make wasm`)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { ROOT } from '../support/worker.mjs';
import { readRateLimitEntries } from '../support/ratelimits.mjs';

const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
const WASM = join(ROOT, 'dist/paylinks.wasm');

/** Runs `wrangler deploy --dry-run` into a fresh folder; resolves {code, output, outdir}. */
function dryRun(outdir, args = []) {
  return new Promise((resolve) => {
    execFile(
      WRANGLER,
      ['deploy', '--dry-run', '--outdir', outdir, ...args],
      {
        cwd: ROOT,
        timeout: 120_000,
        // No account, no token: a dry run must not need them.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
      },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, output: `${stdout}\n${stderr}`, outdir }),
    );
  });
}

/** The binding table wrangler prints: {NAME: {value, type}}. Long values end in "...". */
function bindings(output) {
  const found = {};
  for (const line of output.split('\n')) {
    const m = /^env\.(\w+) \((.*)\)\s{2,}(\S.*?)\s*$/.exec(line);
    if (m) found[m[1]] = { value: m[2], type: m[3] };
  }
  return found;
}

/** What the bundle holds: its entry point, and the wasm module it imports. */
function bundleOf(outdir) {
  const files = readdirSync(outdir);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one wasm module in the bundle: ${files.join(', ')}`);
  const entry = readFileSync(join(outdir, 'worker.js'), 'utf8');
  assert.match(entry, new RegExp(`import \\w+ from "\\./${wasm[0].replace('.', '\\.')}"`), 'worker.js imports the module');
  return { entry, wasm: readFileSync(join(outdir, wasm[0])), readme: readFileSync(join(outdir, 'README.md'), 'utf8') };
}

const RATE_LIMITS = Object.fromEntries(readRateLimitEntries().map((e) => [e.name, `${e.simple.limit} requests/${e.simple.period}s`]));

describe('wrangler deploy --dry-run', { skip: !existsSync(WASM) && 'dist/paylinks.wasm is missing: run `make wasm`' }, () => {
  let dir;
  let production;
  let standard;
  let wrangler;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paylinks-dry-run-'));
    [production, standard] = await Promise.all([
      dryRun(join(dir, 'production'), ['--env', 'production']),
      dryRun(join(dir, 'default')),
    ]);
    wrangler = await import('wrangler');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--env production succeeds offline, with no warning about bindings left behind', () => {
    assert.equal(production.code, 0, production.output);
    assert.match(production.output, /--dry-run: exiting now/, production.output);
    assert.doesNotMatch(production.output, /not inherited|\[WARNING\]|✘/, production.output);
  });

  it('--env production bundles the wasm core as built, for the Worker "paylinks-production"', () => {
    const bundle = bundleOf(production.outdir);
    assert.ok(bundle.wasm.equals(readFileSync(WASM)), 'the bundle carries dist/paylinks.wasm byte for byte');
    assert.deepEqual([...bundle.wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module');
    assert.match(bundle.readme, /worker "paylinks-production"/);
  });

  it('--env production binds its own KV namespace, the six rate limits and the production vars', () => {
    const found = bindings(production.output);
    assert.deepEqual(found.STORE, { value: '11111111111111111111111111111111', type: 'KV Namespace' });
    for (const [name, limit] of Object.entries(RATE_LIMITS)) {
      assert.deepEqual(found[name], { value: limit, type: 'Rate Limit' }, `${name}: ${production.output}`);
    }
    const vars = Object.fromEntries(Object.entries(found).filter(([, b]) => b.type === 'Environment Variable').map(([n, b]) => [n, b.value]));
    assert.equal(vars.NETWORK, '"base"');
    assert.match(vars.PUBLIC_BASE_URL, /^"https:\/\//);
    assert.equal(vars.RATE_FEEDS, '"{}"');
    for (const name of ['RPC_URL', 'FORWARDER_FACTORY', 'FORWARDER_IMPLEMENTATION', 'TREASURY', 'CONFIRMATIONS',
      'SESSION_TTL_SECONDS', 'LATE_WINDOW_SECONDS', 'RATE_MAX_AGE_SECONDS']) {
      assert.ok(name in vars, `${name} is bound: ${production.output}`);
    }
    assert.ok(!('API_KEY' in found), 'API_KEY is a secret, never a var');
    const kinds = new Set(Object.values(found).map((b) => b.type));
    assert.deepEqual([...kinds].sort(), ['Environment Variable', 'KV Namespace', 'Rate Limit']);
  });

  it('wrangler reads the same production environment: its name, the cron, distinct rate limit namespaces', () => {
    const config = wrangler.unstable_readConfig({ config: join(ROOT, 'wrangler.toml'), env: 'production' });
    assert.equal(config.name, 'paylinks-production');
    assert.deepEqual(config.triggers.crons, ['* * * * *']);
    assert.deepEqual(config.kv_namespaces.map((k) => k.binding), ['STORE']);
    const top = readRateLimitEntries();
    assert.deepEqual(config.ratelimits.map((r) => [r.name, r.simple]), top.map((r) => [r.name, r.simple]),
      'the same limits as the top level');
    const topIds = new Set(top.map((r) => r.namespace_id));
    assert.ok(config.ratelimits.every((r) => !topIds.has(r.namespace_id)),
      'its own namespace ids, so the two Workers do not share counters in one account');
  });

  it('the production vars are a configuration the core accepts (with a live key)', async () => {
    const config = wrangler.unstable_readConfig({ config: join(ROOT, 'wrangler.toml'), env: 'production' });
    const bundle = bundleOf(production.outdir);
    assert.ok(bundle.entry.length > 0);
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(production.outdir, 'worker.js'),
      modulesRoot: production.outdir,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: config.compatibility_date,
      kvNamespaces: ['STORE'],
      bindings: { ...config.vars, API_KEY: 'sk_live_dry_run_check_0123456789' },
    });
    try {
      // Listing links touches KV only: no chain, so it needs no network.
      const response = await mf.dispatchFetch('https://pay.example.com/api/v1/payment_links', {
        headers: { authorization: 'Bearer sk_live_dry_run_check_0123456789' },
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.equal(JSON.parse(text).object, 'list');
    } finally {
      await mf.dispose();
    }
  });

  it('the default configuration still deploys: the same bundle, the top-level bindings', () => {
    assert.equal(standard.code, 0, standard.output);
    const found = bindings(standard.output);
    assert.deepEqual(found.STORE, { value: '00000000000000000000000000000000', type: 'KV Namespace' });
    for (const [name, limit] of Object.entries(RATE_LIMITS)) assert.deepEqual(found[name], { value: limit, type: 'Rate Limit' });
    assert.equal(found.NETWORK?.value, '"base"');
    assert.ok(bundleOf(standard.outdir).wasm.equals(readFileSync(WASM)));
    assert.match(bundleOf(standard.outdir).readme, /worker "paylinks"/);
  });
});
