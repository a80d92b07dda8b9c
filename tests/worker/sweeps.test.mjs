// Sweeps and balances through the bundled worker in workerd with real local KV: a scripted
// node (tests/support/fake_node.mjs) holds a flushMany receipt, token balances and the
// implementation's treasury(). The record's amounts come from the receipt, whatever the
// caller claims; the same transaction twice is one sweep; balances add up what is listed.
//   node --test tests/worker/sweeps.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeNode } from '../support/fake_node.mjs';
import { DEFAULT_VARS, startWorker } from '../support/worker.mjs';
import { assertError } from './helpers.mjs';

const SWEEPS = '/api/v1/sweeps';
const TREASURY = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TX = '0x' + 'ab'.repeat(32);
const OTHER_TX = '0x' + 'cd'.repeat(32);
const token = DEFAULT_VARS.TOKEN_ADDRESS.toLowerCase();
const pad = (address) => '0x' + address.slice(2).toLowerCase().padStart(64, '0');
const word = (n) => '0x' + BigInt(n).toString(16).padStart(64, '0');
const BLOCK_HASH = word(992 + 1); // the fake node's hash of block 992 (0x3e0)

function transferLog(from, to, value, logIndex) {
  return {
    address: token, topics: ['0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', pad(from), pad(to)],
    data: word(value), transactionHash: TX, blockNumber: '0x3e0', blockHash: BLOCK_HASH,
    logIndex: '0x' + logIndex.toString(16), removed: false,
  };
}

let node, w, sessions;
const receipts = {};
const balances = {};

before(async () => {
  node = await startFakeNode({ token, receipts, balances, treasury: TREASURY });
  w = await startWorker({ vars: { RPC_URL: node.url } });
  sessions = [];
  for (const fiatAmount of ['25.00', '10.00']) {
    const r = await w.post('/api/v1/checkout_sessions', { fiatAmount, fiatCurrency: 'USD' });
    assert.equal(r.status, 201, r.text);
    sessions.push(r.json);
  }
  const [a, b] = sessions.map((s) => s.depositAddress);
  receipts[TX] = {
    transactionHash: TX, blockNumber: '0x3e0', blockHash: BLOCK_HASH, status: '0x1',
    logs: [transferLog(a, TREASURY, 25_000_000n, 0), transferLog(b, TREASURY, 10_000_001n, 1),
      transferLog(b, '0x90F79bf6EB2c4f870365E785982E1f101E93b906', 999n, 2)],
  };
  receipts[OTHER_TX] = { ...receipts[TX], transactionHash: OTHER_TX, status: '0x0', logs: [] };
});

after(async () => {
  await w?.dispose();
  await node?.close();
});

describe('POST /api/v1/sweeps', () => {
  it('needs the secret key', async () => {
    assertError(await w.post(SWEEPS, { transactionHash: TX, sessions: [sessions[0].id] }, { key: null }),
      { status: 401, code: 'api_key_missing' });
  });

  it('refuses malformed bodies, naming the field', async () => {
    const id = sessions[0].id;
    const cases = [
      [{ sessions: [id] }, 'parameter_missing', 'transactionHash'],
      [{ transactionHash: TX }, 'parameter_missing', 'sessions'],
      [{ transactionHash: TX, sessions: [id], amount: '100' }, 'parameter_unknown', 'amount'],
      [{ transactionHash: '0x1234', sessions: [id] }, 'transaction_hash_invalid', 'transactionHash'],
      [{ transactionHash: TX, sessions: [] }, 'parameter_invalid', 'sessions'],
      [{ transactionHash: TX, sessions: [id, 'nope'] }, 'parameter_invalid', 'sessions[1]'],
      [{ transactionHash: TX, sessions: [id, id] }, 'parameter_invalid', 'sessions[1]'],
      [{ transactionHash: TX, sessions: [id], network: '' }, 'parameter_invalid', 'network'],
      [{ transactionHash: TX, sessions: [id], network: 7 }, 'parameter_invalid', 'network'],
      // A network this deployment does not accept: refused before the chain is asked.
      [{ transactionHash: TX, sessions: [id], network: 'base' }, 'parameter_invalid', 'network'],
    ];
    for (const [body, code, param] of cases) assertError(await w.post(SWEEPS, body), { status: 400, code, param }, JSON.stringify(body));
  });

  it('refuses what the chain does not show as a sweep of the named sessions', async () => {
    assertError(await w.post(SWEEPS, { transactionHash: '0x' + '99'.repeat(32), sessions: [sessions[0].id] }),
      { status: 404, code: 'transaction_not_found', param: 'transactionHash' });
    assertError(await w.post(SWEEPS, { transactionHash: OTHER_TX, sessions: [sessions[0].id] }),
      { status: 400, code: 'transaction_not_sweep', param: 'transactionHash' });
    const stranger = (await w.post('/api/v1/checkout_sessions', { fiatAmount: '1.00', fiatCurrency: 'USD' })).json;
    assertError(await w.post(SWEEPS, { transactionHash: TX, sessions: [sessions[0].id, stranger.id] }),
      { status: 400, code: 'transaction_not_sweep', param: 'sessions[1]' });
    assert.equal((await w.get(SWEEPS)).json.data.length, 0);
  });

  it('records the amounts the receipt shows, once per transaction', async () => {
    const body = { transactionHash: TX.toUpperCase().replace('0X', '0x'), sessions: sessions.map((s) => s.id) };
    const first = await w.post(SWEEPS, body);
    assert.equal(first.status, 201, first.text);
    const sweep = first.json;
    assert.match(sweep.id, /^sw_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(sweep.object, 'sweep');
    assert.equal(sweep.transactionHash, TX);
    assert.equal(sweep.chainId, 31337);
    assert.equal(sweep.network, 'local'); // no network named: the primary
    assert.equal(sweep.blockNumber, 992);
    assert.equal(sweep.amount, '35.000001'); // the transfer elsewhere is not the treasury's
    assert.deepEqual(sweep.sessions.map((s) => [s.id, s.amount]), [[sessions[0].id, '25.000000'], [sessions[1].id, '10.000001']]);
    assert.equal(sweep.treasury, TREASURY);
    assert.equal(sweep.token.address, DEFAULT_VARS.TOKEN_ADDRESS);

    const again = await w.post(SWEEPS, body);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, sweep);
    // Naming the primary is the same sweep.
    const named = await w.post(SWEEPS, { ...body, network: 'local' });
    assert.equal(named.status, 200, named.text);
    assert.deepEqual(named.json, sweep);

    const keys = (await (await w.kv()).list({ prefix: 'sweep/' })).keys;
    assert.equal(keys.length, 1);
    assert.equal(keys[0].metadata.x, TX);
    assert.equal(keys[0].metadata.a, '35000001');
    assert.equal(keys[0].metadata.w, 'local');

    const list = await w.get(SWEEPS);
    assert.equal(list.status, 200);
    assert.equal(list.json.object, 'list');
    assert.deepEqual(list.json.data, [sweep]);
    assert.deepEqual((await w.get(`${SWEEPS}/${sweep.id}`)).json, sweep);
    assertError(await w.get(`${SWEEPS}/sw_01JZ0000000000000000000001`), { status: 404, code: 'resource_missing', param: 'id' });
  });
});

describe('GET /api/v1/balances', () => {
  it('reads what waits from the chain and sums what was collected', async () => {
    const r = await w.get('/api/v1/balances');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.object, 'balances');
    const [row] = r.json.tokens;
    assert.equal(row.token.address, DEFAULT_VARS.TOKEN_ADDRESS);
    assert.equal(row.network, 'local');
    assert.equal(row.chainId, 31337);
    assert.equal(row.collected, '35.000001');
    assert.equal(row.sweeps, 1);
    assert.equal(row.waiting, '0.000000'); // no fulfilled session here
    assert.equal(r.json.recentSweeps.length, 1);
    assert.equal(r.json.recentSweeps[0].transactionHash, TX);
    assert.equal(r.json.recentSweeps[0].network, 'local');
    assert.equal(r.json.recentSweeps[0].explorerUrl, null); // a local chain has no explorer
    assert.equal(r.json.complete, true);
    assertError(await w.get('/api/v1/balances', { key: null }), { status: 401, code: 'api_key_missing' });
  });
});
