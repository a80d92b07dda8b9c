// Faults between the worker and its RPC node, through the fault proxy
// (tests/support/rpc_proxy.mjs) in front of a real anvil chain. Under every fault:
//   * each session keeps its state (a detected payment is not dropped, a paid one stays paid,
//     a payment made during the fault is not invented nor half-counted),
//   * GET /c/{id}/status still answers 200 with `paylinks-chain-check: unavailable`, and the
//     hosted page still renders,
//   * /verify answers 502 upstream_unavailable rather than guessing, the cron scan changes
//     nothing,
// and once the proxy passes again, the payments are found.
//
// The fault worker runs with RPC_TIMEOUT_MS=500 so a node that never answers in time costs
// 1 s per check (two attempts) instead of 16 s; one test keeps the shipped 8 s timeout and
// delays a single request past it, to show the timeout and the retry are real.
//
//   node --test tests/journeys/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRpcProxy } from '../support/rpc_proxy.mjs';
import {
  startChain, startJourneyWorker, stopAll, mine, transfer, headBlock, Polls, createSession, stored,
  scan, assertNothingCounted,
} from './helpers.mjs';

describe('faults (worker → fault proxy → anvil)', { timeout: 120_000 }, () => {
  let env, worker, polls;

  before(async () => {
    env = await startChain({ proxy: true });
    // Each fault ends in verifies from the one client this test is: more than a minute's
    // worth of LIMIT_VERIFY_PER_CLIENT (tests/worker/rate_limits.test.mjs tests the limit).
    worker = await startJourneyWorker(env, {
      confirmations: 2,
      vars: { RPC_TIMEOUT_MS: '500' },
      limits: { LIMIT_VERIFY_PER_CLIENT: 1000 },
    });
    polls = new Polls(worker);
  });
  after(() => stopAll(worker, env?.proxy, env?.anvil), { timeout: 30_000 });

  /**
   * Three sessions meet the fault: one already paid, one already detected (1 of 2
   * confirmations), one paid while the fault lasts. Then the node comes back.
   */
  async function underFault(mode, options = {}) {
    try {
      await faultJourney(mode, options);
    } finally {
      await env.proxy.set('pass'); // a failed assertion must not leave the next test faulted
    }
  }

  async function faultJourney(mode, options) {
    const paidBefore = await createSession(worker);
    await transfer(env, paidBefore.depositAddress, '25');
    await mine(env.url, 1);
    const detected = await createSession(worker);
    const detectedTx = await transfer(env, detected.depositAddress, '25');
    const during = await createSession(worker);
    await scan(worker);
    assert.equal((await stored(worker, paidBefore.id)).status, 'paid');
    assert.equal((await stored(worker, detected.id)).status, 'detected');

    await env.proxy.set(mode, options);
    const calls = env.proxy.calls.length;
    const tx = await transfer(env, during.depositAddress, '25');
    await mine(env.url, 1); // both pending payments now have their 2 confirmations on chain

    // The poll answers from what is stored and says the chain could not be checked.
    let s = await polls.status(during.id);
    assertNothingCounted(s, 'open', `${mode}: during`);
    assert.equal(s.chainCheck, 'unavailable', `${mode}: during`);
    s = await polls.status(detected.id);
    assert.equal(s.chainCheck, 'unavailable', `${mode}: detected`);
    assert.equal(s.status, 'detected', `${mode}: a detected payment is kept`);
    assert.equal(s.payments.length, 1);
    assert.equal(s.payments[0].confirmations, 1, `${mode}: nothing confirmed on an unreadable answer`);
    assert.equal(s.amountReceived, '25.000000');
    s = await polls.status(paidBefore.id);
    assert.equal(s.status, 'paid');
    assert.equal(s.payments.length, 1);

    // Polled again at once (within the 3 s throttle): still the truth as last known, and
    // still saying the chain is unavailable.
    s = await polls.status(during.id, { fresh: false });
    assertNothingCounted(s, 'open', `${mode}: during, again`);
    assert.equal(s.chainCheck, 'unavailable', `${mode}: a throttled poll after a failed check`);

    const page = await polls.page(detected.id, { fresh: false });
    assert.equal(page.status, 200, `${mode}: page`);
    assert.match(page.text, /data-status="detected"/);

    const verified = await polls.verify(during.id, tx.transactionHash);
    assert.equal(verified.status, 502, `${mode}: verify ${verified.text}`);
    assert.equal(verified.json.error.code, 'upstream_unavailable');
    assert.equal(verified.json.error.type, 'api_error');

    await scan(worker);
    assert.equal((await stored(worker, during.id)).status, 'open', `${mode}: scan`);
    assert.deepEqual((await stored(worker, during.id)).payments, []);
    assert.equal((await stored(worker, detected.id)).status, 'detected', `${mode}: scan`);
    assert.equal((await stored(worker, paidBefore.id)).status, 'paid', `${mode}: scan`);
    if (mode !== 'refuse') assert.ok(env.proxy.calls.length > calls, `${mode}: the worker did try the node`);

    // The node is back: everything is found.
    await env.proxy.set('pass');
    const recovered = await polls.verify(during.id, tx.transactionHash);
    assert.equal(recovered.status, 200, `${mode}: after recovery ${recovered.text}`);
    assert.equal(recovered.json.status, 'paid');
    assert.equal(recovered.json.payments[0].transactionHash, tx.transactionHash);
    await scan(worker);
    const record = await stored(worker, detected.id);
    assert.equal(record.status, 'paid', `${mode}: detected → paid after recovery (scan)`);
    const again = await polls.verify(detected.id, detectedTx.transactionHash);
    assert.equal(again.status, 200, again.text);
    s = await polls.status(detected.id, { fresh: false }); // right after a good check
    assert.equal(s.status, 'paid');
    assert.equal(s.chainCheck, 'ok');
    assert.equal(s.payments.length, 1);
  }

  it('RPC down: connection refused', () => underFault('refuse'));
  it('RPC down: connection closed without an answer', () => underFault('close'));
  it('RPC slow past the timeout (every request)', () => underFault('slow', { delayMs: 1200 }));
  it('RPC answers HTTP 500', () => underFault('http500'));
  it('RPC answers malformed JSON', () => underFault('malformed'));
  it('RPC answers JSON-RPC errors', () =>
    underFault('rewrite', {
      rewrite: (call, answer) => ({ jsonrpc: '2.0', id: answer.id, error: { code: -32005, message: 'limit exceeded' } }),
    }));
  it('RPC answers a quantity that is not hex', () =>
    underFault('rewrite', {
      rewrite: (call, answer) => (call.method === 'eth_blockNumber' ? { ...answer, result: '0xnothex' } : answer),
    }));
  it('a corrupt log: data is not hex', () => underFault('corruptLog', { how: 'badHex' }));
  it('a corrupt log: blockNumber is not a quantity', () => underFault('corruptLog', { how: 'badBlockNumber' }));
  it('a corrupt log: data one byte short', () => underFault('corruptLog', { how: 'shortData' }));
  it('a corrupt log: emitted by another contract', () =>
    underFault('corruptLog', { how: 'wrongEmitter', emitter: env.chain.lookalikeToken }));
  it('a corrupt log: to an address that was not asked for', () =>
    underFault('corruptLog', { how: 'wrongRecipient', recipient: env.chain.treasury }));

  it('logs missing (a lagging log index): nothing is counted from them; /verify still finds the payment by its receipt', async (t) => {
    t.after(() => env.proxy.set('pass'));
    const paidBefore = await createSession(worker);
    await transfer(env, paidBefore.depositAddress, '25');
    await mine(env.url, 1);
    await scan(worker);
    assert.equal((await stored(worker, paidBefore.id)).status, 'paid');
    const during = await createSession(worker);

    await env.proxy.set('dropLogs');
    const tx = await transfer(env, during.depositAddress, '25');
    await mine(env.url, 1);
    // An empty answer is a valid answer: the node says there is nothing (yet).
    let s = await polls.status(during.id);
    assertNothingCounted(s, 'open', 'dropLogs');
    assert.equal(s.chainCheck, 'ok');
    await scan(worker);
    assert.equal((await stored(worker, during.id)).status, 'open');
    // A paid session stays paid when its logs stop being shown.
    s = await polls.status(paidBefore.id);
    assert.equal(s.status, 'paid');
    assert.equal(s.payments.length, 1);
    // The customer points at the transaction: its receipt is evidence on its own.
    const verified = await polls.verify(during.id, tx.transactionHash);
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.json.status, 'paid');
    assert.equal(verified.json.amountReceived, '25.000000');
    // Once paid with its confirmations, it stays paid even though the logs are still missing.
    await scan(worker);
    assert.equal((await stored(worker, during.id)).status, 'paid');
    s = await polls.status(during.id, { fresh: false });
    assert.equal(s.status, 'paid');
    await env.proxy.set('pass');
    await scan(worker);
    s = await polls.status(during.id, { fresh: false });
    assert.equal(s.status, 'paid');
    assert.equal(s.payments.length, 1, 'the same payment, not counted twice');
  });

  it('a stale view (head held back, newer logs not shown): nothing is confirmed early; found once current', async (t) => {
    t.after(() => env.proxy.set('pass'));
    const session = await createSession(worker);
    const heldHead = await headBlock(env.url);
    await env.proxy.set('stale', { head: heldHead });
    const tx = await transfer(env, session.depositAddress, '25');
    await mine(env.url, 3);
    let s = await polls.status(session.id);
    assertNothingCounted(s, 'open', 'stale');
    assert.equal(s.chainCheck, 'ok');
    // The receipt is there, but the node's head is behind it: seen, not confirmed.
    const verified = await polls.verify(session.id, tx.transactionHash);
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.json.status, 'detected');
    assert.equal(verified.json.payments[0].confirmed, false);
    await scan(worker);
    assert.notEqual((await stored(worker, session.id)).status, 'paid');
    await env.proxy.set('pass');
    await scan(worker);
    s = await polls.status(session.id, { fresh: false }); // as the scan stored it
    assert.equal(s.status, 'paid');
    assert.equal(s.payments[0].confirmations, 4);
  });

  it('a single request slower than the shipped 8 s timeout is retried, and the payment found', async () => {
    const proxy = await startRpcProxy({ target: env.url });
    const slowWorker = await startJourneyWorker({ ...env, proxy }, { confirmations: 2 }); // default timeout
    try {
      const session = await createSession(slowWorker);
      await transfer(env, session.depositAddress, '25');
      await mine(env.url, 1);
      // The first request is held for 9.5 s; the worker must give up on it at 8 s and retry.
      const before = proxy.requests.length; // session creation asked the node already
      await proxy.set('slow', { delayMs: 9500, times: 1 });
      const started = Date.now();
      const s = await new Polls(slowWorker).status(session.id);
      const elapsed = Date.now() - started;
      assert.equal(s.status, 'paid');
      assert.equal(s.chainCheck, 'ok');
      assert.ok(elapsed >= 7900 && elapsed < 9500, `the first attempt was abandoned at ~8 s (took ${elapsed} ms)`);
      const [held, retry] = proxy.requests.slice(before);
      assert.equal(retry.body, held.body, 'the same batch was sent again');
      assert.ok(retry.at - held.at >= 7900, `retried after the timeout (${retry.at - held.at} ms)`);
    } finally {
      await stopAll(slowWorker, proxy);
    }
  });
});
