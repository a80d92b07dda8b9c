// Refunds through the bundled worker in workerd with real local KV: what a create refuses and
// why (the documented error shape and codes), the lists and an unknown refund. The chain side
// (creating refunds of paid sessions and proving them) is in tests/journeys/refunds.test.mjs.
//   node --test tests/worker/refunds.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeNode } from '../support/fake_node.mjs';
import { DEFAULT_VARS, startWorker } from '../support/worker.mjs';
import { assertError } from './helpers.mjs';

const SESSIONS = '/api/v1/checkout_sessions';
const token = DEFAULT_VARS.TOKEN_ADDRESS.toLowerCase();
const UNKNOWN_SESSION = 'cs_01JZ0000000000000000000001';
const UNKNOWN_REFUND = 're_01JZ0000000000000000000001';

let node, w, session;

before(async () => {
  node = await startFakeNode({ token });
  w = await startWorker({ vars: { RPC_URL: node.url } });
  const r = await w.post(SESSIONS, { fiatAmount: '25.00', fiatCurrency: 'USD' });
  assert.equal(r.status, 201, r.text);
  session = r.json;
});

after(async () => {
  await w?.dispose();
  await node?.close();
});

describe('POST /api/v1/checkout_sessions/{id}/refunds', () => {
  const path = () => `${SESSIONS}/${session.id}/refunds`;

  it('needs the secret key', async () => {
    assertError(await w.post(path(), {}, { key: null }), { status: 401, code: 'api_key_missing' });
    assertError(await w.post(path(), {}, { key: 'sk_test_wrong' }), { status: 401, code: 'api_key_invalid' });
  });

  it('reads the body strictly', async () => {
    const cases = [
      [{ amount: 5 }, 'amount_invalid', 'amount'],
      [{ address: '0x1234' }, 'address_invalid', 'address'],
      [{ address: '0x' + '0'.repeat(40) }, 'address_invalid', 'address'],
      // A mixed-case address must be its EIP-55 checksum.
      [{ address: '0x70997970C51812dc3A010C7d01b50e0d17dc79c8' }, 'address_invalid', 'address'],
      [{ reason: 'x'.repeat(501) }, 'parameter_invalid', 'reason'],
      [{ note: 'x' }, 'parameter_unknown', 'note'],
    ];
    for (const [body, code, param] of cases) {
      assertError(await w.post(path(), body), { status: 400, code, param }, JSON.stringify(body));
    }
    assertError(await w.post(path(), [1]), { status: 400, code: 'body_not_object' });
  });

  it('refuses a session with nothing confirmed to refund, and an unknown session', async () => {
    const refused = await w.post(path(), {});
    assertError(refused, { status: 409, code: 'session_not_refundable' });
    assert.match(refused.json.error.message, /no confirmed payment/);
    assertError(await w.post(`${SESSIONS}/${UNKNOWN_SESSION}/refunds`, {}), { status: 404, code: 'resource_missing', param: 'id' });
    assertError(await w.post(`${SESSIONS}/not-an-id/refunds`, {}), { status: 404, code: 'resource_missing', param: 'id' });
  });

  it('checks the Idempotency-Key for form', async () => {
    assertError(await w.post(path(), {}, { headers: { 'idempotency-key': 'x'.repeat(256) } }),
      { status: 400, code: 'idempotency_key_invalid', param: 'Idempotency-Key' });
  });
});

describe('listing refunds', () => {
  it("lists a session's refunds (none yet) and 404s an unknown session", async () => {
    const listed = await w.get(`${SESSIONS}/${session.id}/refunds`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json, { object: 'list', url: `${SESSIONS}/${session.id}/refunds`, data: [], has_more: false });
    assertError(await w.get(`${SESSIONS}/${UNKNOWN_SESSION}/refunds`), { status: 404, code: 'resource_missing', param: 'id' });
  });

  it('lists all refunds, with the list query rules of the other lists', async () => {
    const listed = await w.get('/api/v1/refunds');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json, { object: 'list', url: '/api/v1/refunds', data: [], has_more: false });
    assertError(await w.get('/api/v1/refunds?limit=0'), { status: 400, code: 'limit_invalid', param: 'limit' });
    assertError(await w.get('/api/v1/refunds?starting_after=cs_01JZ0000000000000000000001'),
      { status: 400, code: 'cursor_invalid', param: 'starting_after' });
    assertError(await w.get(`/api/v1/refunds?starting_after=${UNKNOWN_REFUND}&ending_before=${UNKNOWN_REFUND}`),
      { status: 400, code: 'parameter_invalid', param: 'ending_before' });
    assertError(await w.get('/api/v1/refunds', { key: null }), { status: 401, code: 'api_key_missing' });
  });

  it('404s an unknown refund', async () => {
    assertError(await w.get(`/api/v1/refunds/${UNKNOWN_REFUND}`), { status: 404, code: 'resource_missing', param: 'id' });
    assertError(await w.get('/api/v1/refunds/nothing'), { status: 404, code: 'resource_missing', param: 'id' });
  });

  it('verify reads its body strictly and 404s an unknown refund', async () => {
    const path = `/api/v1/refunds/${UNKNOWN_REFUND}/verify`;
    assertError(await w.post(path, {}), { status: 400, code: 'parameter_missing', param: 'transactionHash' });
    assertError(await w.post(path, { transactionHash: '0x12' }), { status: 400, code: 'transaction_hash_invalid', param: 'transactionHash' });
    assertError(await w.post(path, { transactionHash: '0x' + '1'.repeat(64), other: 1 }), { status: 400, code: 'parameter_unknown', param: 'other' });
    assertError(await w.post(path, { transactionHash: '0x' + '1'.repeat(64) }), { status: 404, code: 'resource_missing', param: 'id' });
    assertError(await w.post(path, { transactionHash: '0x' + '1'.repeat(64) }, { key: null }), { status: 401, code: 'api_key_missing' });
  });

  it('shows a session without refunds as before, with nothing refunded', async () => {
    const shown = await w.get(`${SESSIONS}/${session.id}`);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.json.amountRefunded, '0.000000');
    assert.deepEqual(shown.json.refunds, []);
    assert.equal(shown.json.status, 'open');
  });
});
