// make sweep on a deployment of two networks, end to end: the bundled worker in workerd (real
// KV) with two real anvil chains (31337, the primary "local", and 31338 as NETWORKS'
// "local-b"). Sessions paid on each chain are found through the API, and sweep.mjs's
// sweepNetworks flushes each chain's deposit addresses there; each treasury grows by that
// chain's sum, the worker verifies every sweep on its own chain, and balances say so per
// network. A sweep recorded as on local-b is refused when local-b shows no such sweep. The
// script itself finds local-b's RPC URL in the deployment file (make dev's .dev/chain.json).
//
//   node --test tests/journeys/sweep_networks.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { erc20Balance } from '../../scripts/chain/rpc.mjs';
import { freePort } from '../../scripts/chain/anvil.mjs';
import { ANVIL_DEFAULT_KEY } from '../../scripts/chain/keys.mjs';
import { fulfilledSessions, sweepNetworks } from '../../scripts/chain/sweep.mjs';
import { TEST_KEY } from '../support/worker.mjs';
import { startChain, startJourneyWorker, stopAll, mine, transfer, createSession, scan, parseUnits } from './helpers.mjs';

describe('make sweep on two networks (worker + two anvil chains)', { timeout: 180_000 }, () => {
  let a, b, worker;
  const usdc = (env, owner) => erc20Balance(env.url, env.chain.token, owner);

  before(async () => {
    a = await startChain();
    b = await startChain({ chainId: 31338 });
    worker = await startJourneyWorker(a, { confirmations: 1, listen: true, networks: [{ name: 'local-b', chain: b.chain }] });
  });
  after(() => stopAll(worker, b?.anvil, a?.anvil), { timeout: 30_000 });

  /** `make sweep` with the deployment file `file` and nothing else configured. */
  const sweepCli = (file) =>
    new Promise((resolve) => {
      const script = fileURLToPath(new URL('../../scripts/chain/sweep.mjs', import.meta.url));
      execFile(process.execPath, [script, '--deployment', file],
        { env: { PATH: process.env.PATH, PAYLINKS_URL: worker.url, API_KEY: TEST_KEY }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    });

  const paySessions = async () => {
    const onA = await createSession(worker, { fiatAmount: '4.00' });
    const onB = await createSession(worker, { fiatAmount: '6.00' });
    await transfer(a, onA.depositAddress, '4');
    await transfer(b, onB.depositAddress, '6');
    await mine(a.url, 1);
    await mine(b.url, 1);
    await scan(worker);
    return [onA, onB];
  };

  it('empties the deposit addresses on both chains into each chain treasury, recorded per network', async () => {
    const onA = [await createSession(worker, { fiatAmount: '25.00' }), await createSession(worker, { fiatAmount: '7.50' })];
    const onB = [await createSession(worker, { fiatAmount: '10.00' }), await createSession(worker, { fiatAmount: '3.25' })];
    await transfer(a, onA[0].depositAddress, '25');
    await transfer(a, onA[1].depositAddress, '7.5');
    await transfer(b, onB[0].depositAddress, '10.000001'); // overpaid by one base unit
    await transfer(b, onB[1].depositAddress, '3.25');
    await mine(a.url, 1);
    await mine(b.url, 1);
    await scan(worker);
    for (const s of [...onA, ...onB]) {
      const r = await worker.get(`/api/v1/checkout_sessions/${s.id}`);
      assert.ok(['paid', 'overpaid'].includes(r.json.status), JSON.stringify(r.json));
    }

    // Before: balances read what waits on each network.
    let balances = await worker.get('/api/v1/balances');
    assert.equal(balances.status, 200, balances.text);
    const row = (network) => balances.json.tokens.find((t) => t.network === network);
    assert.equal(row('local').waiting, '32.500000');
    assert.equal(row('local').chainId, 31337);
    assert.equal(row('local-b').waiting, '13.250001');
    assert.equal(row('local-b').chainId, 31338);
    assert.equal(row('local-b').token.address, b.chain.token);

    const beforeA = await usdc(a, a.chain.treasury);
    const beforeB = await usdc(b, b.chain.treasury);
    const lines = [];
    const results = await sweepNetworks({
      rpcUrls: { local: a.url, 'local-b': b.url },
      factory: a.chain.forwarderFactory,
      sessions: await fulfilledSessions(worker.url, TEST_KEY),
      privateKeyFor: () => ANVIL_DEFAULT_KEY,
      paylinksUrl: worker.url,
      apiKey: TEST_KEY,
      batchSize: 1,
      log: (line) => lines.push(line),
      warn: (line) => { throw new Error(line); },
    });
    assert.deepEqual([...results.keys()].sort(), ['local', 'local-b']);
    // One flushMany per batch (of one) per token with a balance, on each network.
    assert.equal(results.get('local').transactions.length, 2, lines.join('\n'));
    assert.equal(results.get('local-b').transactions.length, 2, lines.join('\n'));
    for (const s of [...onA, ...onB]) {
      assert.equal(await usdc(a, s.depositAddress), 0n, s.id);
      assert.equal(await usdc(b, s.depositAddress), 0n, s.id);
    }
    assert.equal(await usdc(a, a.chain.treasury), beforeA + parseUnits('32.5', 6));
    assert.equal(await usdc(b, b.chain.treasury), beforeB + parseUnits('13.250001', 6));

    // Every transaction was recorded, verified on its own chain.
    const list = await worker.get('/api/v1/sweeps');
    assert.equal(list.status, 200, list.text);
    const recorded = (network) => list.json.data.filter((x) => x.network === network);
    assert.deepEqual(recorded('local').map((x) => x.transactionHash).sort(), [...results.get('local').transactions].sort());
    assert.deepEqual(recorded('local-b').map((x) => x.transactionHash).sort(), [...results.get('local-b').transactions].sort());
    assert.ok(recorded('local-b').every((x) => x.chainId === 31338 && x.token.address === b.chain.token));
    assert.deepEqual(recorded('local-b').flatMap((x) => x.sessions.map((s) => s.id)).sort(), onB.map((s) => s.id).sort());

    balances = await worker.get('/api/v1/balances');
    assert.equal(balances.status, 200, balances.text);
    assert.equal(row('local').waiting, '0.000000');
    assert.equal(row('local').collected, '32.500000');
    assert.equal(row('local').sweeps, 2);
    assert.equal(row('local-b').waiting, '0.000000');
    assert.equal(row('local-b').collected, '13.250001');
    assert.equal(row('local-b').sweeps, 2);
    assert.equal(balances.json.recentSweeps.filter((x) => x.network === 'local-b').length, 2);
    assert.equal(balances.json.complete, true);

    // A sweep on local is not a sweep on local-b: the receipt is read there, and refused.
    const onLocal = recorded('local')[0];
    let r = await worker.post('/api/v1/sweeps', { transactionHash: onLocal.transactionHash, sessions: onLocal.sessions.map((s) => s.id), network: 'local-b' });
    assert.equal(r.status, 404, r.text);
    assert.equal(r.json.error.code, 'transaction_not_found');
    // A transaction on local-b that moved no named session's funds to the treasury.
    const stray = await transfer(b, b.chain.treasury, '1');
    r = await worker.post('/api/v1/sweeps', { transactionHash: stray.transactionHash, sessions: [onB[0].id], network: 'local-b' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'transaction_not_sweep');
    // The right transaction with the wrong network's sessions: not what local-b shows.
    const onB0 = recorded('local-b')[0];
    r = await worker.post('/api/v1/sweeps', { transactionHash: onB0.transactionHash, sessions: [onA[0].id], network: 'local-b' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'transaction_not_sweep');
    // Recording it again on local-b is the same sweep; an unknown network is refused.
    r = await worker.post('/api/v1/sweeps', { transactionHash: onB0.transactionHash, sessions: onB0.sessions.map((s) => s.id), network: 'local-b' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, onB0.id);
    r = await worker.post('/api/v1/sweeps', { transactionHash: onB0.transactionHash, sessions: onB0.sessions.map((s) => s.id), network: 'mars' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.param, 'network');
  });

  it('make sweep itself finds local-b\'s RPC URL in the deployment file make dev writes', async () => {
    const [onA, onB] = await paySessions();
    const beforeA = await usdc(a, a.chain.treasury);
    const beforeB = await usdc(b, b.chain.treasury);
    const file = join(mkdtempSync(join(tmpdir(), 'paylinks-sweep-')), 'chain.json');
    writeFileSync(file, JSON.stringify({ ...a.chain, networks: { 'local-b': b.chain } }));
    const r = await sweepCli(file);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^local-b \(chain 31338\) at /m);
    assert.doesNotMatch(r.stderr, /warning/, r.stderr);
    assert.equal(await usdc(a, onA.depositAddress), 0n);
    assert.equal(await usdc(b, onB.depositAddress), 0n);
    assert.equal(await usdc(a, a.chain.treasury), beforeA + parseUnits('4', 6));
    assert.equal(await usdc(b, b.chain.treasury), beforeB + parseUnits('6', 6));

    // Without a URL for local-b, it is skipped with a warning and left as it is.
    const [, again] = await paySessions();
    writeFileSync(file, JSON.stringify({ ...a.chain }));
    const skipped = await sweepCli(file);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /skipping .* on local-b: no RPC URL for it \(RPC_URLS\)/);
    assert.equal(await usdc(b, again.depositAddress), parseUnits('6', 6));

    // A network that cannot be reached fails the run, after the others were swept.
    const [onA2] = await paySessions();
    const warnings = [];
    await assert.rejects(
      sweepNetworks({
        rpcUrls: { local: a.url, 'local-b': `http://127.0.0.1:${await freePort()}` },
        factory: a.chain.forwarderFactory,
        sessions: await fulfilledSessions(worker.url, TEST_KEY),
        privateKeyFor: () => ANVIL_DEFAULT_KEY,
        paylinksUrl: worker.url,
        apiKey: TEST_KEY,
        log: () => {},
        warn: (line) => warnings.push(line),
      }),
      /not swept on local-b/,
    );
    assert.match(warnings.join('\n'), /^error: local-b: /m);
    assert.equal(await usdc(a, onA2.depositAddress), 0n);
  });
});
