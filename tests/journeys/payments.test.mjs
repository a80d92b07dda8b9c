// Customer journeys end to end: the bundled worker in workerd (real KV) against a real anvil
// chain, paid the way a wallet pays — an ERC-20 transfer of the test USDC to the session's
// deposit address. CONFIRMATIONS=2, anvil automines (one block per transaction), and blocks
// are added explicitly with anvil_mine to confirm. The worker reaches anvil through the
// fault proxy in `pass` mode, only so the scan's RPC calls can be counted.
//
//   node --test tests/journeys/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  startChain, startJourneyWorker, stopAll, mine, transfer, rpc, Polls, createSession,
  stored, scan, assertNothingCounted, SUCCESS_URL, SESSIONS,
} from './helpers.mjs';

describe('payment journeys (worker + anvil)', { timeout: 120_000 }, () => {
  let env, worker, polls;

  before(async () => {
    env = await startChain({ proxy: true });
    worker = await startJourneyWorker(env, { confirmations: 2, listen: true });
    polls = new Polls(worker);
  });
  after(() => stopAll(worker, env?.proxy, env?.anvil), { timeout: 30_000 });

  it('exact payment through a link: open → detected → paid after 2 confirmations; the page shows success and successUrl', async () => {
    const link = await worker.post('/api/v1/payment_links', {
      title: 'Tee', fiatAmount: '25.00', fiatCurrency: 'USD', successUrl: SUCCESS_URL,
    });
    assert.equal(link.status, 201, link.text);
    const visit = await worker.get(`/l/${link.json.slug}`, { key: null });
    assert.equal(visit.status, 303, visit.text);
    const id = /^\/c\/(cs_[0-9A-Z]+)$/.exec(visit.headers.get('location'))?.[1];
    assert.ok(id, visit.headers.get('location'));

    // The page polls the status; before any payment it is open and the chain was reachable.
    const page = await polls.page(id);
    assert.equal(page.status, 200);
    assert.match(page.text, /data-status="open"/);
    let s = await polls.status(id, { fresh: false });
    assert.equal(s.status, 'open');
    assert.equal(s.chainCheck, 'ok');
    assert.equal(s.amountDue, '25.000000');
    assert.equal(s.confirmationsRequired, 2);
    assert.equal(s.successUrl, SUCCESS_URL);

    const receipt = await transfer(env, s.depositAddress, '25');
    // The next poll (once the 3 s throttle allows) finds it: one confirmation of two.
    s = await polls.status(id);
    assert.equal(s.chainCheck, 'ok');
    assert.equal(s.status, 'detected');
    assert.equal(s.amountReceived, '25.000000');
    assert.equal(s.paidAt, null);
    assert.equal(s.payments.length, 1);
    const [p] = s.payments;
    assert.equal(p.transactionHash, receipt.transactionHash);
    assert.equal(p.from.toLowerCase(), env.chain.customer.toLowerCase());
    assert.equal(p.amount, '25.000000');
    assert.equal(p.blockNumber, Number(receipt.blockNumber));
    assert.equal(p.confirmations, 1);
    assert.equal(p.confirmed, false);
    const detectedPage = await polls.page(id, { fresh: false });
    assert.match(detectedPage.text, /data-status="detected"/);
    assert.match(detectedPage.text, /<a id="done-link" class="btn" href="[^"]+" hidden>/);

    await mine(env.url, 1);
    s = await polls.status(id);
    assert.equal(s.status, 'paid');
    assert.equal(s.payments[0].confirmations, 2);
    assert.equal(s.payments[0].confirmed, true);
    assert.ok(s.paidAt && !Number.isNaN(Date.parse(s.paidAt)), s.paidAt);

    // The hosted page now carries the success state and where to send the customer.
    const done = await polls.page(id, { fresh: false });
    assert.equal(done.status, 200);
    assert.match(done.text, /data-status="paid"/);
    const escaped = SUCCESS_URL.replaceAll('&', '&amp;').replace(/[?.]/g, '\\$&');
    assert.match(done.text, new RegExp(`data-success-url="${escaped}"`));
    assert.match(done.text, new RegExp(`<a id="done-link" class="btn" href="${escaped}">`));
    assert.match(done.text, /Payment received/);

    // Paid is final: more blocks and a scan change nothing but confirmations.
    await mine(env.url, 3);
    await scan(worker);
    const api = await polls.retrieve(id, { fresh: false });
    assert.equal(api.status, 'paid');
    assert.equal(api.paidAt, s.paidAt);
  });

  it('underpaid, then topped up → paid', async () => {
    const session = await createSession(worker);
    const first = await transfer(env, session.depositAddress, '10');
    await mine(env.url, 1);
    await scan(worker);
    let s = await polls.status(session.id);
    assert.equal(s.status, 'underpaid');
    assert.equal(s.amountReceived, '10.000000');
    assert.equal(s.paidAt, null);
    const underpaidPage = await polls.page(session.id, { fresh: false });
    assert.match(underpaidPage.text, /send the remaining 15\.000000 USDC/);

    const second = await transfer(env, session.depositAddress, '15');
    await scan(worker);
    s = await polls.status(session.id, { fresh: false }); // the scan stored it
    assert.equal(s.status, 'detected');
    assert.equal(s.amountReceived, '25.000000');

    await mine(env.url, 1);
    await scan(worker);
    s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'paid');
    assert.deepEqual(s.payments.map((p) => [p.transactionHash, p.amount, p.confirmed]), [
      [first.transactionHash, '10.000000', true],
      [second.transactionHash, '15.000000', true],
    ]);
    assert.ok(s.paidAt);
  });

  it('overpaid', async () => {
    const session = await createSession(worker);
    await transfer(env, session.depositAddress, '30.5');
    await mine(env.url, 1);
    await scan(worker);
    const s = await polls.status(session.id);
    assert.equal(s.status, 'overpaid');
    assert.equal(s.amountReceived, '30.500000');
    assert.ok(s.paidAt);
    const page = await polls.page(session.id, { fresh: false });
    assert.match(page.text, /5\.500000 USDC more than due/);
  });

  it('nothing paid → expired (the merchant expires it; the clock path is covered natively)', async () => {
    // Expiring through the API moves expiresAt to now, which is exactly what the clock does
    // when expiresAt passes; tests/unit/chain/expiry_journey_test.cpp drives the same engine
    // past a real expiresAt with a controlled clock (poll, scan, RPC down) without waiting.
    const session = await createSession(worker);
    const res = await polls.expire(session.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'expired');
    let s = await polls.status(session.id, { fresh: false });
    assertNothingCounted(s, 'expired');
    assert.equal(s.chainCheck, 'ok');
    // The scan still looks at it (the late window) and finds nothing: it stays expired.
    await scan(worker);
    s = await polls.status(session.id, { fresh: false });
    assertNothingCounted(s, 'expired');
    const page = await polls.page(session.id, { fresh: false });
    assert.match(page.text, /data-status="expired"/);
    assert.match(page.text, /This checkout has expired/);
    assert.doesNotMatch(page.text, /<a id="done-link" class="btn" href="[^"]+">/);
    // Expiring twice is refused: it is no longer open.
    const again = await polls.expire(session.id);
    assert.equal(again.status, 409, again.text);
  });

  it('paid after expiry, within the late window → paid_late', async () => {
    const session = await createSession(worker);
    const expired = await polls.expire(session.id);
    assert.equal(expired.json.status, 'expired');
    const expiresAtMs = Date.parse(expired.json.expiresAt);
    // Block times have one-second resolution: a block mined in the same second as the expiry
    // would carry a time at or before expiresAt (in time, by the chain's clock). The
    // customer pays a moment later: the next block is stamped 2 s after the expiry, which is
    // at most ~2 s ahead of the worker's clock (never a block "from the future" beyond that).
    const lateSeconds = Math.floor(expiresAtMs / 1000) + 2;
    const latest = await rpc(env.url, 'eth_getBlockByNumber', ['latest', false]);
    await rpc(env.url, 'evm_setNextBlockTimestamp', [Math.max(lateSeconds, Number(latest.timestamp) + 1)]);
    await transfer(env, session.depositAddress, '25');
    await scan(worker);
    let s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'detected', 'a late payment is watched like any other');
    await mine(env.url, 1);
    await scan(worker);
    s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'paid_late');
    assert.equal(s.amountReceived, '25.000000');
    assert.ok(s.paidAt);
    const page = await polls.page(session.id, { fresh: false });
    assert.match(page.text, /data-status="paid_late"/);
    assert.match(page.text, /<a id="done-link" class="btn" href="[^"]+">/);
  });

  it('a reorg removes a detected payment: back to open; the re-sent payment is then found', async () => {
    const session = await createSession(worker);
    const snapshot = await rpc(env.url, 'evm_snapshot');
    const receipt = await transfer(env, session.depositAddress, '25');
    await scan(worker);
    const detected = await stored(worker, session.id); // read without a chain check
    assert.equal(detected.status, 'detected');
    assert.equal(detected.payments[0].tx, receipt.transactionHash);

    assert.equal(await rpc(env.url, 'evm_revert', [snapshot]), true);
    assert.equal(await rpc(env.url, 'eth_getTransactionReceipt', [receipt.transactionHash]), null);
    // Until the replacement chain passes the payment's height, its absence is what a lagging
    // node would show too: kept as it was.
    let s = await polls.status(session.id);
    assert.equal(s.status, 'detected', 'a chain shorter than the payment proves nothing yet');
    await mine(env.url, 2);
    // Past it, the status poll sees it gone (no receipt on a node beyond its block)...
    s = await polls.status(session.id);
    assertNothingCounted(s, 'open', 'after the reorg (poll)');
    assert.equal(s.chainCheck, 'ok');
    assert.equal((await stored(worker, session.id)).status, 'open');
    // ...and the scan agrees.
    await scan(worker);
    assertNothingCounted(await polls.status(session.id, { fresh: false }), 'open', 'after the reorg (scan)');

    // The replacement chain then carries the customer's re-sent transfer.
    const again = await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    await scan(worker);
    s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'paid');
    assert.deepEqual(s.payments.map((p) => p.transactionHash), [again.transactionHash]);
  });

  it('the cron scan finds a payment nobody polled, with one eth_getLogs for every watched session', async () => {
    // A crowd of open sessions nobody pays, and three that are paid without anyone looking.
    const crowd = [];
    for (let i = 0; i < 12; i++) crowd.push(await createSession(worker, { fiatAmount: '1.00' }));
    const paid = [];
    for (let i = 0; i < 3; i++) paid.push(await createSession(worker));
    for (const session of paid) await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);

    const from = env.proxy.calls.length;
    await scan(worker);
    const calls = env.proxy.countSince(from);
    // The head, then one log query for all of them beside the head that answered it (so a
    // lagging node's view is known), and one header per block that holds a new payment
    // (its hash and time). eth_chainId and the token's decimals only when due.
    assert.equal(calls.eth_blockNumber, 2, JSON.stringify(calls));
    assert.equal(calls.eth_getLogs, 1, JSON.stringify(calls));
    // (Sessions paid by earlier tests of this worker are re-checked for reorgs until settled.)
    assert.ok(calls.eth_getBlockByNumber >= 3 && calls.eth_getBlockByNumber <= 8, JSON.stringify(calls));
    assert.deepEqual(
      Object.keys(calls).filter((m) => !['eth_blockNumber', 'eth_getLogs', 'eth_chainId', 'eth_call', 'eth_getBlockByNumber'].includes(m)),
      [],
    );
    const query = env.proxy.calls.slice(from).find((c) => c.method === 'eth_getLogs').params[0];
    const asked = new Set(query.topics[2]);
    for (const session of [...crowd, ...paid]) {
      assert.ok(asked.has('0x' + session.depositAddress.slice(2).toLowerCase().padStart(64, '0')), session.id);
    }

    // Straight from KV: the scan stored them paid, no poll involved.
    for (const session of paid) {
      const record = await stored(worker, session.id);
      assert.equal(record.status, 'paid', session.id);
      assert.equal(record.payments.length, 1);
      assert.ok(record.paidAt);
      // Paid, and still watched until the late window closes (in the watch index, which a
      // session enters at its first change): a second transfer would make it overpaid.
      const watched = (await (await worker.kv()).list({ prefix: 'watch/' })).keys;
      assert.equal(watched.some((k) => k.metadata?.d === record.deposit), true, session.id);
    }
    for (const session of crowd) assert.equal((await stored(worker, session.id)).status, 'open');
  });

  it('`make pay` (scripts/chain/pay.mjs) pays a session through the HTTP worker', async () => {
    const session = await createSession(worker, { fiatAmount: '12.34' });
    const script = fileURLToPath(new URL('../../scripts/chain/pay.mjs', import.meta.url));
    const out = await new Promise((resolve) => {
      execFile(process.execPath, [script, session.id], {
        env: { ...process.env, PAYLINKS_URL: worker.url, RPC_URL: env.url },
        timeout: 30_000,
      }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
    polls.touch(session.id); // pay.mjs read /c/{id}/status, which checked the chain
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`paid 12\\.340000 USDC \\(12340000 base units\\) to ${session.depositAddress} for ${session.id}`));
    const hash = /tx +(0x[0-9a-f]{64})/.exec(out.stdout)?.[1];
    assert.ok(hash, out.stdout);

    // The customer points at the transaction; /verify counts it at once.
    const verified = await polls.verify(session.id, hash);
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.json.status, 'detected');
    await mine(env.url, 1);
    await scan(worker);
    const s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'paid');
    assert.equal(s.payments[0].transactionHash, hash);
    assert.equal(s.amountReceived, '12.340000');
  });

  it('the API view agrees with the public one and lists the session by status', async () => {
    const session = await createSession(worker, { metadata: { order: 'A-1' } });
    await transfer(env, session.depositAddress, '25');
    await mine(env.url, 1);
    const api = await polls.retrieve(session.id); // the API re-checks the chain too
    assert.equal(api.status, 'paid');
    assert.deepEqual(api.metadata, { order: 'A-1' });
    const list = await worker.get(`${SESSIONS}?status=paid&limit=100`);
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.data.some((x) => x.id === session.id));
  });
});
