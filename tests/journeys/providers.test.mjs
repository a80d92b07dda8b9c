// Journeys through a hosted-provider emulator (tests/support/provider.mjs): the bundled worker
// in workerd against a real anvil, reached through a front that behaves like Alchemy, Infura or
// QuickNode (capped log ranges, no blockTimestamp, a lagging backend, 429 storms) — plus an
// 18-decimal token, on-time payments seen late, a dead first RPC URL, a cheap /verify on an old
// session, a deep reorg, zero-value transfers and overpay after paid.
//
//   node --test tests/journeys/providers.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startChain, startJourneyWorker, stopAll, mine, transfer, rpc, Polls, createSession, scan, SESSIONS,
} from './helpers.mjs';
import { startProvider } from '../support/provider.mjs';
import { sendAndWait, calldata, SEL } from '../../scripts/chain/rpc.mjs';

const E18 = 10n ** 18n;

/** A transfer of `raw` base units of `token` (no decimals applied); the receipt. */
const transferRaw = (env, token, to, raw) =>
  sendAndWait(env.url, { from: env.chain.customer, to: token, data: calldata(SEL.transfer, to, raw) });

const blockTime = async (url, blockNumber) =>
  Number((await rpc(url, 'eth_getBlockByNumber', ['0x' + BigInt(blockNumber).toString(16), false])).timestamp);

/** The events of `type` about session `id` (GET /api/v1/events?limit=100 with the key). */
async function eventsOf(worker, id, type) {
  const res = await worker.get(`/api/v1/events?limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.json.data.filter((e) => e.type === type && e.data?.object?.id === id);
}

describe('hosted-provider journeys (worker + provider emulator + anvil)', { timeout: 300_000 }, () => {
  let env;
  const started = [];
  /** A worker (stopped in after()). */
  async function worker(options) {
    const w = await startJourneyWorker(env, options);
    started.push(w);
    return w;
  }
  async function provider(options = {}) {
    const p = await startProvider({ target: env.url, ...options });
    started.push(p);
    return p;
  }

  before(async () => {
    env = await startChain();
  });
  after(() => stopAll(...started.reverse(), env?.anvil), { timeout: 30_000 });

  // First: the chain clock is still close to real time (later journeys mine thousands of blocks,
  // each anvil block a second later than the one before).
  it('an expire asked while the RPC is down is refused (a payment may be on chain unseen); once seen, the payment pays, paidAt the block time', async () => {
    // The worker reaches anvil through the emulator, down (HTTP 503) while the merchant
    // expires the session: the payment is on chain, confirmed, but cannot be seen. Expiring
    // blind would turn a paid order into an expired one; the expiry is refused instead.
    const p = await provider();
    const w = await worker({ confirmations: 2, vars: { RPC_URL: p.url } });
    const polls = new Polls(w);
    const session = await createSession(w);
    const receipt = await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    await p.configure({ outage: 'http503' });
    const refused = await polls.expire(session.id);
    assert.equal(refused.status, 502, refused.text);
    assert.equal(refused.json.error.code, 'upstream_unavailable', refused.text);
    await p.restore();
    // With the chain back, the expiry is refused for what it finds: a payment.
    const again = await polls.expire(session.id);
    assert.equal(again.status, 409, again.text);
    assert.equal(again.json.error.code, 'session_not_expirable', again.text);
    const verified = await polls.verify(session.id, receipt.transactionHash);
    assert.equal(verified.status, 200, verified.text);
    await scan(w);
    const s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
    const stamp = await blockTime(env.url, receipt.blockNumber);
    assert.equal(Date.parse(s.paidAt), stamp * 1000, `paidAt ${s.paidAt} vs block time ${stamp}`);
    assert.equal(s.payments.length, 1);
  });

  it('an 18-decimal token with TOKEN_DECIMALS unset: amounts, URI and payment in 18 decimals; a wrong declared value refuses', async () => {
    const w = await worker({ vars: { TOKEN_ADDRESS: env.chain.token18, TOKEN_DECIMALS: '' } });
    const polls = new Polls(w);
    const session = await createSession(w);
    assert.equal(session.amountDue, '25.000000000000000000');
    assert.equal(session.token.decimals, 18);
    assert.match(session.paymentUri, /[?&]uint256=25000000000000000000(&|$)/, session.paymentUri);

    const paid = await transferRaw(env, env.chain.token18, session.depositAddress, 25n * E18);
    await mine(env.url, 1);
    await scan(w);
    let s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.equal(s.amountReceived, '25.000000000000000000');
    assert.equal(s.payments[0].transactionHash, paid.transactionHash);

    // 25e6 base units: 25 USDC's worth of digits, 0.000000000025 TDAI. Not paid.
    const other = await createSession(w);
    await transferRaw(env, env.chain.token18, other.depositAddress, 25_000_000n);
    await mine(env.url, 1);
    await scan(w);
    s = await polls.retrieve(other.id, { fresh: false });
    assert.notEqual(s.status, 'paid', JSON.stringify(s));
    assert.equal(s.status, 'underpaid', JSON.stringify(s));
    assert.equal(s.amountReceived, '0.000000000025000000');

    const wrong = await worker({ vars: { TOKEN_ADDRESS: env.chain.token18, TOKEN_DECIMALS: '6' } });
    const res = await wrong.post(SESSIONS, { fiatAmount: '25.00', fiatCurrency: 'USD' });
    assert.equal(res.status, 500, res.text);
    assert.equal(res.json?.error?.code, 'configuration_invalid', res.text);
  });

  for (const style of ['alchemy', 'quicknode']) {
    it(`hosted provider (${style} range cap 10, no blockTimestamp, a backend 3 behind): underpaid stays underpaid, one event; top-up → paid`, async () => {
      const p = await provider({ blockTimestamp: false, maxBlockRange: 10, rangeErrorStyle: style, lagging: { behind: 3 } });
      const w = await worker({ vars: { RPC_URL: p.url } });
      const polls = new Polls(w);
      const session = await createSession(w);
      await transfer(env, session.depositAddress, '10');
      await mine(env.url, 5);
      const seen = [];
      for (let i = 0; i < 2 && seen.at(-1) !== 'underpaid'; i++) {
        await scan(w);
        seen.push((await polls.retrieve(session.id, { fresh: false })).status);
      }
      assert.equal(seen.at(-1), 'underpaid', `statuses: ${seen}`);
      const from = seen.length;
      for (let i = 0; i < 8; i++) {
        await mine(env.url, 1 + (i % 3));
        if (i % 2) await scan(w);
        seen.push((await polls.retrieve(session.id, { fresh: false })).status);
        seen.push((await polls.status(session.id, { fresh: i >= 6 })).status);
      }
      assert.deepEqual(seen.slice(from), seen.slice(from).map(() => 'underpaid'), `statuses: ${seen}`);
      const events = await eventsOf(w, session.id, 'checkout_session.underpaid');
      assert.equal(events.length, 1, JSON.stringify(events.map((e) => e.id)));

      await transfer(env, session.depositAddress, '15');
      await mine(env.url, 5);
      await scan(w);
      let s = await polls.retrieve(session.id, { fresh: false });
      if (s.status !== 'paid') {
        await scan(w);
        s = await polls.retrieve(session.id, { fresh: false });
      }
      assert.equal(s.status, 'paid', JSON.stringify(s));
      assert.equal(s.amountReceived, '25.000000');
      // The emulator really was in the way: the lagging backend answered, and some log range was refused.
      assert.ok(p.calls.some((c) => c.backend === 'lagging'), 'the lagging backend served calls');
      assert.ok(p.calls.some((c) => c.method === 'eth_getLogs' && c.error != null), 'a log range was refused');
    });
  }

  it('found by the cron alone through a range cap of 10 and a 429 storm; no 5xx anywhere', async () => {
    const p = await provider({ maxBlockRange: 10, rateLimit: { every: 2, retryAfter: 1 } });
    const w = await worker({ vars: { RPC_URL: p.url } });
    const session = await createSession(w);
    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 30);
    await scan(w);
    const res = await w.get(`${SESSIONS}/${session.id}`);
    assert.ok(res.status < 500, `${res.status} ${res.text}`);
    assert.equal(res.json.status, 'paid', res.text);
    const limited = p.requests.filter((r) => r.status === 429).length;
    assert.ok(limited > 0, 'the storm did happen');
    assert.deepEqual(p.requests.filter((r) => r.status >= 500), []);
  });

  it('a dead first RPC URL: the next one in RPC_URL is used and the payment found', async () => {
    const p = await provider();
    const w = await worker({ vars: { RPC_URL: `http://127.0.0.1:9,${p.url}` } });
    const polls = new Polls(w);
    const session = await createSession(w);
    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    const s = await polls.status(session.id);
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.ok(p.calls.length > 0);
  });

  it('/verify on an old session (3000 blocks since creation) costs ~10 calls even with a range cap of 10', async () => {
    const p = await provider({ maxBlockRange: 10 });
    const w = await worker({ vars: { RPC_URL: p.url } });
    const polls = new Polls(w);
    const session = await createSession(w);
    await mine(env.url, 3000);
    const receipt = await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    const before = p.calls.length;
    const res = await polls.verify(session.id, receipt.transactionHash);
    const cost = p.calls.length - before;
    assert.equal(res.status, 200, res.text);
    assert.ok(cost <= 10, `verify made ${cost} JSON-RPC calls: ${JSON.stringify(p.countSince(before))}`);
    const s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
  });

  it('a deep reorg removes a fulfilled payment: reorged (never silently paid), an event; paying again → paid', async () => {
    const w = await worker({ confirmations: 2 });
    const polls = new Polls(w);
    const session = await createSession(w);
    const snapshot = await rpc(env.url, 'evm_snapshot');
    const receipt = await transfer(env, session.depositAddress, '25');
    await mine(env.url, 5);
    await scan(w);
    let s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));

    assert.equal(await rpc(env.url, 'evm_revert', [snapshot]), true);
    await mine(env.url, 10);
    const verified = await polls.verify(session.id, receipt.transactionHash);
    assert.ok(verified.status < 500, verified.text);
    await scan(w);
    s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'reorged', JSON.stringify(s));
    assert.equal((await eventsOf(w, session.id, 'checkout_session.reorged')).length, 1);

    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 2);
    await scan(w);
    s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
  });

  it('a zero-value transfer is ignored; after paid, a second transfer → overpaid with the sum', async () => {
    const w = await worker({ confirmations: 2 });
    const polls = new Polls(w);
    const session = await createSession(w);
    const zero = await transfer(env, session.depositAddress, '0');
    await mine(env.url, 2);
    await polls.verify(session.id, zero.transactionHash);
    await scan(w);
    let s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'open', JSON.stringify(s));
    assert.deepEqual(s.payments, []);

    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    await scan(w);
    s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));

    await transfer(env, session.depositAddress, '5');
    await mine(env.url, 1);
    await scan(w);
    s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'overpaid', JSON.stringify(s));
    assert.equal(s.amountReceived, '30.000000');
    assert.equal(s.payments.length, 2);
  });
});
