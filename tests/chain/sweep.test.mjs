// make sweep with no arguments, end to end: the bundled worker (workerd, real KV) on a
// real anvil, sessions paid with pay.mjs as a customer would, then sweep.mjs finds the
// fulfilled ones through the API and flushes them with flushMany.
//   node --test tests/chain/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { decodeFunctionResult, encodeFunctionData, getAddress } from 'viem';
import { startAnvil, freePort, rpc } from '../../scripts/chain/anvil.mjs';
import { deployContracts } from '../../scripts/chain/deploy.mjs';
import { loadArtifact } from '../../scripts/chain/compile.mjs';
import { erc20Balance, parseUnits } from '../../scripts/chain/rpc.mjs';
import { localVars } from '../../scripts/local-config.mjs';
import { startWorker, TEST_KEY } from '../support/worker.mjs';

const script = (name) => fileURLToPath(new URL(`../../scripts/chain/${name}`, import.meta.url));

function run(name, args, env) {
  return new Promise((resolve) => {
    execFile(process.execPath, [script(name), ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

describe('make sweep against a real worker', { timeout: 120_000 }, () => {
  let anvil, chain, worker, env;
  const usdc = (owner) => erc20Balance(anvil.url, chain.token, owner);
  const nonce = async (a) => Number(await rpc(anvil.url, 'eth_getTransactionCount', [a, 'latest']));

  const createSession = async (fiatAmount) => {
    const r = await worker.post('/api/v1/checkout_sessions', { fiatAmount, fiatCurrency: 'USD', successUrl: 'https://shop.example/ok' });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const pay = async (id, amount) => {
    const r = await run('pay.mjs', [id, amount], { PAYLINKS_URL: worker.url, RPC_URL: anvil.url });
    assert.equal(r.code, 0, r.stderr);
  };
  const statusOf = async (id) => (await worker.get(`/api/v1/checkout_sessions/${id}`)).json.status;

  before(async () => {
    anvil = await startAnvil({ port: await freePort() });
    chain = await deployContracts(anvil.url);
    worker = await startWorker({ vars: localVars(chain, { confirmations: 1 }), listen: true });
    env = {
      PAYLINKS_URL: worker.url,
      API_KEY: TEST_KEY,
      RPC_URL: anvil.url,
      FORWARDER_FACTORY: chain.forwarderFactory,
      SWEEP_BATCH: '2',
    };
  });
  after(async () => {
    await worker?.dispose();
    await anvil?.stop();
  });

  it('flushes every paid or overpaid session to the treasury and leaves the others alone', async () => {
    const paid = [await createSession('25.00'), await createSession('10.00'), await createSession('7.50')];
    const underpaid = await createSession('40.00');
    const open = await createSession('12.00');

    // The core's derivation (the worker's deposit address) is the factory's own.
    const { abi } = loadArtifact('ForwarderFactory');
    for (const s of [...paid, underpaid, open]) {
      const data = encodeFunctionData({ abi, functionName: 'addressOf', args: [s.id] });
      const ret = await rpc(anvil.url, 'eth_call', [{ to: chain.forwarderFactory, data }, 'latest']);
      assert.equal(decodeFunctionResult({ abi, functionName: 'addressOf', data: ret }), getAddress(s.depositAddress), s.id);
    }

    await pay(paid[0].id, '25');
    await pay(paid[1].id, '10.000001'); // overpaid by one base unit
    await pay(paid[2].id, '7.5');
    await pay(underpaid.id, '5');
    await worker.scheduled(); // the chain scan settles them (CONFIRMATIONS=1)
    assert.deepEqual(await Promise.all(paid.map((s) => statusOf(s.id))), ['paid', 'overpaid', 'paid']);
    assert.equal(await statusOf(underpaid.id), 'underpaid');
    assert.equal(await statusOf(open.id), 'open');

    const expected = parseUnits('42.500001', 6);
    const before = await usdc(chain.treasury);
    const r = await run('sweep.mjs', ['--deployment', join(tmpdir(), 'paylinks-no-such-chain.json')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^3 fulfilled sessions at /m);
    assert.match(r.stdout, /3 sessions, 3 with a balance/);
    assert.match(r.stdout, /batch 1\/2: tx 0x[0-9a-f]{64}, 2 sessions, swept /);
    assert.match(r.stdout, /batch 2\/2: tx 0x[0-9a-f]{64}, 1 session, swept /);
    assert.match(r.stdout, /before: 0\.000000 USDC/);
    assert.match(r.stdout, /after: +42\.500001 USDC \(\+42\.500001 USDC\)/);
    // Each batch is recorded with the worker, which read the receipts for the amounts.
    assert.doesNotMatch(r.stderr, /not recorded|recording sweep|\/api\/v1\/sweeps/, r.stderr);
    const hashes = [...r.stdout.matchAll(/tx (0x[0-9a-f]{64})/g)].map((m) => m[1]);
    assert.equal(hashes.length, 2);

    for (const s of paid) assert.equal(await usdc(s.depositAddress), 0n, s.id);
    assert.equal(await usdc(chain.treasury), before + expected);
    assert.equal(await usdc(underpaid.depositAddress), parseUnits('5', 6));
    assert.equal(await rpc(anvil.url, 'eth_getCode', [underpaid.depositAddress, 'latest']), '0x');
    assert.equal(await rpc(anvil.url, 'eth_getCode', [open.depositAddress, 'latest']), '0x');

    // The API says the same as the chain: two sweeps summing to what the treasury gained,
    // and nothing left waiting. (Newest first by block time: anvil mined both in one second,
    // so their order is the tie's.)
    const units = (text) => parseUnits(text, 6);
    const list = await worker.get('/api/v1/sweeps');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.data.map((x) => x.transactionHash).sort(), [...hashes].sort());
    assert.equal(list.json.data.reduce((sum, x) => sum + units(x.amount), 0n), expected);
    assert.deepEqual(list.json.data.flatMap((x) => x.sessions.map((s) => s.id)).sort(), paid.map((s) => s.id).sort());
    assert.equal(getAddress(list.json.data[0].treasury), getAddress(chain.treasury));
    const one = await worker.get(`/api/v1/sweeps/${list.json.data[1].id}`);
    assert.deepEqual(one.json, list.json.data[1]);
    const balances = await worker.get('/api/v1/balances');
    assert.equal(balances.status, 200, balances.text);
    const [usdcRow] = balances.json.tokens;
    assert.equal(units(usdcRow.collected), expected);
    assert.equal(usdcRow.waiting, '0.000000');
    assert.equal(usdcRow.sweeps, 2);
    assert.equal(usdcRow.fulfilledSessionsChecked, 3);
    assert.deepEqual(balances.json.recentSweeps.map((x) => x.transactionHash), list.json.data.map((x) => x.transactionHash));
    // Recording the same transaction again is the same sweep.
    const again = await worker.post('/api/v1/sweeps', { transactionHash: list.json.data[1].transactionHash, sessions: list.json.data[1].sessions.map((s) => s.id) });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.id, list.json.data[1].id);
    assert.equal((await worker.get('/api/v1/sweeps')).json.data.length, 2);
  });

  it('a second sweep finds nothing and sends nothing', async () => {
    const sweeper = chain.deployer; // anvil's public key #0 is the local default
    const before = await nonce(sweeper);
    const r = await run('sweep.mjs', ['--deployment', join(tmpdir(), 'paylinks-no-such-chain.json')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing to sweep/);
    assert.equal(await nonce(sweeper), before);
  });

  it('says what is wrong: a wrong API key, an unreachable worker, a missing factory', async () => {
    const deployment = ['--deployment', join(tmpdir(), 'paylinks-no-such-chain.json')];
    let r = await run('sweep.mjs', deployment, { ...env, API_KEY: 'sk_test_wrong' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the API key \(401\)/);
    r = await run('sweep.mjs', deployment, { ...env, PAYLINKS_URL: `http://127.0.0.1:${await freePort()}` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach paylinks/);
    r = await run('sweep.mjs', deployment, { ...env, FORWARDER_FACTORY: '' });
    assert.match(r.stderr, /set FORWARDER_FACTORY/);
    r = await run('sweep.mjs', deployment, { ...env, FORWARDER_FACTORY: chain.customer });
    assert.match(r.stderr, /no ForwarderFactory at/);
  });
});
