// The chain CLIs end to end: deploy.mjs, pay.mjs (against a stand-in for the
// worker's /c/{id}/status), sweep.mjs, plus compile errors and exact amounts.
//   node --test tests/chain/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAnvil, freePort, rpc } from '../../scripts/chain/anvil.mjs';
import { compileContracts } from '../../scripts/chain/compile.mjs';
import { erc20Balance, parseUnits, formatUnits } from '../../scripts/chain/rpc.mjs';
import { depositAddressFor } from '../../scripts/chain/create2.mjs';

const script = (name) => fileURLToPath(new URL(`../../scripts/chain/${name}`, import.meta.url));

/** Runs a script; resolves {code, stdout, stderr} whatever the exit code. */
function run(name, args = [], env = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [script(name), ...args], { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

describe('chain CLIs', () => {
  let anvil, d, tmp, server, paylinksUrl;
  const sessions = new Map(); // id -> status JSON served by the stand-in worker

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'paylinks-chain-'));
    anvil = await startAnvil({ port: await freePort() });
    server = createServer((req, res) => {
      const m = /^\/c\/([^/]+)\/status$/.exec(req.url);
      const s = m && sessions.get(decodeURIComponent(m[1]));
      res.writeHead(s ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(s ?? { error: { type: 'invalid_request_error', code: 'resource_missing' } }));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    paylinksUrl = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    await anvil?.stop();
    server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('deploy.mjs --out writes the deployment JSON and prints it', async () => {
    const out = join(tmp, 'chain.json');
    const r = await run('deploy.mjs', ['--rpc', anvil.url, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    d = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(JSON.parse(r.stdout), d);
    assert.equal(d.rpcUrl, anvil.url);
    assert.equal(d.token, '0x5FbDB2315678afecb367f032d93F642f64180aa3');

    // --reuse keeps contracts that are still on this chain.
    const again = await run('deploy.mjs', ['--rpc', anvil.url, '--out', out, '--reuse']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /reusing/);
    assert.deepEqual(JSON.parse(again.stdout), d);
  });

  it('pay.mjs pays amountDue or an exact AMOUNT; sweep.mjs moves it to the treasury', async () => {
    const id = 'cs_01JD3PAYSCRIPT000000000000';
    const depositAddress = depositAddressFor(d.forwarderFactory, d.forwarderImplementation, id);
    sessions.set(id, {
      id, status: 'open', chainId: 31337, depositAddress, amountDue: '150.000000',
      token: { address: d.token, decimals: 6, symbol: 'USDC' },
    });
    const env = { PAYLINKS_URL: paylinksUrl, RPC_URL: anvil.url };

    let r = await run('pay.mjs', [id], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /paid 150\.000000 USDC \(150000000 base units\)/);
    assert.match(r.stdout, /tx +0x[0-9a-f]{64}/);
    assert.match(r.stdout, /block \d+/);

    r = await run('pay.mjs', [], { ...env, SESSION: id, AMOUNT: '12.34' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await erc20Balance(anvil.url, d.token, depositAddress), 162_340_000n);

    const before = await erc20Balance(anvil.url, d.token, d.treasury);
    // Named sessions need no listing; the stand-in has no /api/v1/sweeps (404).
    r = await run('sweep.mjs', [id, '--deployment', join(tmp, 'chain.json')], { ...env, SWEEPER_PRIVATE_KEY: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /batch 1\/1: tx 0x[0-9a-f]{64}, 1 session, swept 162\.340000 USDC/);
    assert.match(r.stdout, /after: +162\.340000 USDC \(\+162\.340000 USDC\)/);
    assert.match(r.stderr, /no POST \/api\/v1\/sweeps \(404\)/);
    assert.equal(await erc20Balance(anvil.url, d.token, d.treasury), before + 162_340_000n);
    assert.equal(await erc20Balance(anvil.url, d.token, depositAddress), 0n);
  });

  it('pay.mjs explains what went wrong', async () => {
    const id = 'cs_01JD3PAYSCRIPT000000000000';
    const env = { PAYLINKS_URL: paylinksUrl, RPC_URL: anvil.url };
    const cases = [
      [[id, '1.2345678'], env, /bad amount "1\.2345678": at most 6 decimals/],
      [[id, '1e3'], env, /bad amount "1e3"/],
      [[id, '-5'], env, /bad amount "-5"/],
      [[id, '0'], env, /greater than 0/],
      [['cs_unknown'], env, /unknown session cs_unknown/],
      [[], env, /usage/],
      [[id], { ...env, RPC_URL: `http://127.0.0.1:${await freePort()}` }, /unreachable.*ECONNREFUSED/],
      [[id], { ...env, PAYLINKS_URL: `http://127.0.0.1:${await freePort()}` }, /cannot reach paylinks/],
    ];
    // None of these sends a transaction, so they can run side by side.
    const results = await Promise.all(cases.map(([args, e]) => run('pay.mjs', args, { SESSION: '', AMOUNT: '', ...e })));
    results.forEach((r, i) => {
      assert.equal(r.code, 1, `${cases[i][0].join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, cases[i][2]);
    });
  });

  it('anvil.mjs CLI reports a taken port and exits non-zero', async () => {
    const r = await run('anvil.mjs', ['--port', String(anvil.port), '--quiet']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already in use/);
    assert.equal(Number(await rpc(anvil.url, 'eth_chainId')), 31337);
  });

  it('compileContracts reports solc errors', async () => {
    const src = join(tmp, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'Broken.sol'), 'pragma solidity ^0.8.20; contract Broken { function f( }');
    await assert.rejects(compileContracts({ contractsDir: src, buildDir: join(tmp, 'out') }), /solc failed:[\s\S]*ParserError/);
  });
});

describe('exact amounts', () => {
  it('parseUnits/formatUnits never round', () => {
    assert.equal(parseUnits('150', 6), 150_000_000n);
    assert.equal(parseUnits('150.000000', 6), 150_000_000n);
    assert.equal(parseUnits('0.000001', 6), 1n);
    assert.equal(parseUnits('12.34', 6), 12_340_000n);
    assert.equal(parseUnits('12.3400000', 6), 12_340_000n); // trailing zeros are exact
    assert.equal(parseUnits('123456789012345678901234567890.5', 6), 123456789012345678901234567890_500000n);
    for (const bad of ['', '.5', '1.0000001', '1,5', '0x10', ' 1 2', 'NaN', '1e6', '+1']) {
      assert.throws(() => parseUnits(bad, 6), /bad amount/, bad);
    }
    assert.equal(formatUnits(1n, 6), '0.000001');
    assert.equal(formatUnits(150_000_000n, 6), '150.000000');
    assert.equal(formatUnits(0n, 6), '0.000000');
    assert.equal(formatUnits(7n, 0), '7');
  });
});
