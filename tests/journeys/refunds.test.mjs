// Refund journeys end to end: the bundled worker in workerd (real KV) against a real anvil
// chain. A customer pays a session; the merchant creates a refund; the treasury (anvil's
// account #9, unlocked) pays it with an ordinary ERC-20 transfer. Transfers from the wrong
// sender, of the wrong amount or to the wrong address are not counted; the right one is, once
// it has CONFIRMATIONS (2), and the session becomes partially_refunded or refunded.
//
//   node --test tests/journeys/refunds.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startChain, startJourneyWorker, stopAll, mine, transfer, rpc, createSession, scan, SESSIONS } from './helpers.mjs';

describe('refund journeys (worker + anvil)', { timeout: 180_000 }, () => {
  let env, worker, other;

  before(async () => {
    env = await startChain();
    worker = await startJourneyWorker(env, { confirmations: 2 });
    other = (await rpc(env.url, 'eth_accounts'))[2];
    // The treasury needs tokens to refund with: the customer sends it some.
    await transfer(env, env.chain.treasury, '1000');
  });
  after(() => stopAll(worker, env?.anvil), { timeout: 30_000 });

  /** A session paid 25 USDC by the customer and confirmed. */
  async function paidSession() {
    const session = await createSession(worker);
    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    await scan(worker);
    const res = await worker.get(`${SESSIONS}/${session.id}`);
    assert.equal(res.json.status, 'paid', res.text);
    return res.json;
  }

  const refundOf = async (id) => {
    const res = await worker.get(`/api/v1/refunds/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.json;
  };

  async function eventsOf(type) {
    const res = await worker.get(`/api/v1/events?type=${type}&limit=100`);
    assert.equal(res.status, 200, res.text);
    return res.json.data;
  }

  it('an exact refund: wrong transfers are not counted, the right one is, and the session becomes refunded', async () => {
    const session = await paidSession();
    // Nothing pending yet.
    const created = await worker.post(`${SESSIONS}/${session.id}/refunds`, { reason: 'returned' });
    assert.equal(created.status, 201, created.text);
    const refund = created.json;
    assert.match(refund.id, /^re_[0-9A-Z]{26}$/);
    assert.equal(refund.status, 'pending');
    assert.equal(refund.amount, '25.000000');
    assert.equal(refund.address.toLowerCase(), env.chain.customer.toLowerCase());
    assert.equal(refund.sender.toLowerCase(), env.chain.treasury.toLowerCase());
    assert.equal(refund.network, 'local');
    assert.equal(refund.paymentUri,
      `ethereum:${refund.token.address}@${refund.chainId}/transfer?address=${refund.address}&uint256=25000000`);
    assert.match(refund.qrSvg, /^<svg/);
    // Everything is refunded or pending: nothing more.
    const more = await worker.post(`${SESSIONS}/${session.id}/refunds`, {});
    assert.equal(more.status, 409, more.text);
    assert.equal(more.json.error.code, 'session_not_refundable');

    // Wrong sender (the customer itself), wrong amount, wrong address: all confirmed.
    await transfer(env, env.chain.customer, '25');
    await transfer(env, env.chain.customer, '24.999999', { from: env.chain.treasury });
    await transfer(env, other, '25', { from: env.chain.treasury });
    await mine(env.url, 3);
    await scan(worker);
    assert.equal((await refundOf(refund.id)).status, 'pending');
    assert.equal((await worker.get(`${SESSIONS}/${session.id}`)).json.status, 'paid');

    // The right one: one confirmation is not enough, two are.
    const paid = await transfer(env, env.chain.customer, '25', { from: env.chain.treasury });
    await scan(worker);
    assert.equal((await refundOf(refund.id)).status, 'pending');
    await mine(env.url, 1);
    await scan(worker);
    const done = await refundOf(refund.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.transactionHash, paid.transactionHash);
    assert.equal(done.blockNumber, Number(paid.blockNumber));
    assert.equal(done.qrSvg, undefined);

    const shown = (await worker.get(`${SESSIONS}/${session.id}`)).json;
    assert.equal(shown.status, 'refunded');
    assert.equal(shown.amountRefunded, '25.000000');
    assert.deepEqual(shown.refunds, [{ id: refund.id, amount: '25.000000', status: 'succeeded' }]);

    // Ticks after it change nothing and record nothing twice.
    await mine(env.url, 1);
    await scan(worker);
    const succeeded = (await eventsOf('refund.succeeded')).filter((e) => e.data.object.id === refund.id);
    assert.equal(succeeded.length, 1);
    const refunded = (await eventsOf('checkout_session.refunded')).filter((e) => e.data.object.id === session.id);
    assert.equal(refunded.length, 1);
    assert.equal(refunded[0].data.object.status, 'refunded');
    const createdEvents = (await eventsOf('refund.created')).filter((e) => e.data.object.id === refund.id);
    assert.equal(createdEvents.length, 1);

    const listed = await worker.get(`${SESSIONS}/${session.id}/refunds`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.data.map((r) => r.id), [refund.id]);
  });

  it('a partial refund makes the session partially_refunded; one transfer proves one of two like refunds', async () => {
    const session = await paidSession();
    const key = `refund-${session.id}`;
    const first = await worker.post(`${SESSIONS}/${session.id}/refunds`, { amount: '5' }, { headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, first.text);
    // The same key again answers the same refund.
    const replay = await worker.post(`${SESSIONS}/${session.id}/refunds`, { amount: '5' }, { headers: { 'idempotency-key': key } });
    assert.equal(replay.json.id, first.json.id);
    const second = await worker.post(`${SESSIONS}/${session.id}/refunds`, { amount: '5' });
    assert.equal(second.status, 201, second.text);
    const tooMuch = await worker.post(`${SESSIONS}/${session.id}/refunds`, { amount: '15.000001' });
    assert.equal(tooMuch.status, 400, tooMuch.text);
    assert.equal(tooMuch.json.error.code, 'refund_amount_too_large');

    // One transfer of 5: one of the two refunds, not both.
    await transfer(env, env.chain.customer, '5', { from: env.chain.treasury });
    await mine(env.url, 2);
    await scan(worker);
    await scan(worker);
    const states = [(await refundOf(first.json.id)).status, (await refundOf(second.json.id)).status];
    assert.deepEqual(states.sort(), ['pending', 'succeeded']);
    let shown = (await worker.get(`${SESSIONS}/${session.id}`)).json;
    assert.equal(shown.status, 'partially_refunded');
    assert.equal(shown.amountRefunded, '5.000000');
    const partial = (await eventsOf('checkout_session.partially_refunded')).filter((e) => e.data.object.id === session.id);
    assert.equal(partial.length, 1);

    // A second transfer proves the other; still partial (10 of 25).
    await transfer(env, env.chain.customer, '5', { from: env.chain.treasury });
    await mine(env.url, 2);
    await scan(worker);
    assert.equal((await refundOf(first.json.id)).status, 'succeeded');
    assert.equal((await refundOf(second.json.id)).status, 'succeeded');
    shown = (await worker.get(`${SESSIONS}/${session.id}`)).json;
    assert.equal(shown.status, 'partially_refunded');
    assert.equal(shown.amountRefunded, '10.000000');
    const all = await worker.get('/api/v1/refunds?limit=100');
    assert.ok(all.json.data.some((r) => r.id === second.json.id));
  });

  it('a refund proven by its transaction hash (the receipt), and a transaction that is not it refused', async () => {
    const session = await paidSession();
    const created = await worker.post(`${SESSIONS}/${session.id}/refunds`, { amount: '7.5' });
    assert.equal(created.status, 201, created.text);
    const verify = (transactionHash) => worker.post(`/api/v1/refunds/${created.json.id}/verify`, { transactionHash });

    const wrong = await transfer(env, env.chain.customer, '7.4', { from: env.chain.treasury });
    const refused = await verify(wrong.transactionHash);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error.code, 'transaction_not_refund');
    assert.equal(refused.json.error.param, 'transactionHash');
    const unknown = await verify('0x' + '12'.repeat(32));
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json.error.code, 'transaction_not_found');

    const right = await transfer(env, env.chain.customer, '7.5', { from: env.chain.treasury });
    let answer = await verify(right.transactionHash);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.status, 'pending'); // one confirmation of two
    await mine(env.url, 1);
    answer = await verify(right.transactionHash.toUpperCase().replace('0X', '0x'));
    assert.equal(answer.json.status, 'succeeded', answer.text);
    assert.equal(answer.json.transactionHash, right.transactionHash);
    const shown = (await worker.get(`${SESSIONS}/${session.id}`)).json;
    assert.equal(shown.status, 'partially_refunded');
    assert.equal(shown.amountRefunded, '7.500000');
    // The tick after it finds nothing more to prove and records no second event.
    await scan(worker);
    const events = (await eventsOf('refund.succeeded')).filter((e) => e.data.object.id === created.json.id);
    assert.equal(events.length, 1);
  });
});
