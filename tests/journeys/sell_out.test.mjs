// Links that sell out, paid for real: the bundled worker in workerd (real KV) against anvil.
// A link with maxPayments: 2 is paid twice — once found by a status poll, once by the cron
// scan, the two places a session becomes fulfilled — and then refuses new sessions; and a
// burst of visits races the sales that reach the limit, against the bound docs/openapi.yaml
// (PaymentLink.maxPayments) and docs/architecture.md state: fulfilled sessions never exceed
// maxPayments by more than the sessions opened before the sale that reached it was recorded.
//
//   node --test tests/journeys/sell_out.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  startChain, startJourneyWorker, stopAll, transfer, scan, sleep, SESSIONS, SUCCESS_URL,
} from './helpers.mjs';

const LINKS = '/api/v1/payment_links';
// Every journey is one client: its visits must not be held to the per-client session limit.
const LIMITS = { LIMIT_SESSIONS_PER_CLIENT: 1000, LIMIT_REQUESTS_PER_CLIENT: 10_000, LIMIT_CHAIN_CHECKS_PER_SESSION: 1000 };
const FULFILLED = new Set(['paid', 'overpaid', 'paid_late']);

function startReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/hooks`, received, close: () => new Promise((r) => server.close(r)) })),
  );
}

describe('links that sell out (worker + anvil)', { timeout: 180_000 }, () => {
  let env, worker, receiver;

  before(async () => {
    env = await startChain();
    receiver = await startReceiver();
    worker = await startJourneyWorker(env, { confirmations: 1, limits: LIMITS });
  });
  after(() => stopAll(worker, receiver, env?.anvil), { timeout: 30_000 });

  const createLink = async (body) => {
    const res = await worker.post(LINKS, { title: 'Winter drop', fiatAmount: '25.00', successUrl: SUCCESS_URL, ...body });
    assert.equal(res.status, 201, res.text);
    return res.json;
  };
  /** A visit without a cookie: {status, id (on 303), cookie, text}. */
  const visit = async (link, headers = {}) => {
    const res = await worker.get(`/l/${link.slug}`, { key: null, headers });
    const id = /^\/c\/(cs_[0-9A-Z]+)$/.exec(res.headers.get('location') ?? '')?.[1];
    return { status: res.status, id, cookie: res.headers.get('set-cookie')?.split(';')[0], text: res.text };
  };
  const session = async (id) => {
    const res = await worker.get(`${SESSIONS}/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const linkSessions = async (link) => {
    const res = await worker.get(`${SESSIONS}?linkId=${link.id}&limit=100`);
    assert.equal(res.status, 200, res.text);
    return res.json.data;
  };
  // The deposit address from the list, which reads no chain: a retrieve would check the
  // session and so hold its next status poll to the 3 s throttle.
  const pay = async (link, id) => {
    const listed = (await linkSessions(link)).find((s) => s.id === id);
    assert.ok(listed, `${id} is listed`);
    return transfer(env, listed.depositAddress, '25');
  };
  const statusOf = async (id) => {
    const res = await worker.get(`/c/${id}/status`, { key: null });
    assert.equal(res.status, 200, res.text);
    return res.json.status;
  };
  /** Polls the page's status until it is `want` (a poll within 3 s of another check repeats it). */
  const pollUntil = async (id, want) => {
    const deadline = Date.now() + 15_000;
    let status;
    while ((status = await statusOf(id)) !== want && Date.now() < deadline) await sleep(250);
    return status;
  };

  it('maxPayments 2: paid twice (a poll, the cron), then the page is sold out, creates are refused and the count is 2', async () => {
    const hook = await worker.post('/api/v1/webhook_endpoints', { url: receiver.url, enabledEvents: ['checkout_session.paid'] });
    assert.equal(hook.status, 201, hook.text);
    const link = await createLink({ maxPayments: 2, metadata: { sku: 'TEE-M' } });
    assert.equal(link.completedSessions, 0);

    const first = await visit(link);
    const second = await visit(link);
    const third = await visit(link);
    for (const v of [first, second, third]) assert.equal(v.status, 303, v.text);
    assert.equal(new Set([first.id, second.id, third.id]).size, 3);

    // The first is found by its page's status poll.
    await pay(link, first.id);
    assert.equal(await statusOf(first.id), 'paid');
    let read = await worker.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.completedSessions, 1);
    assert.equal((await visit(link)).status, 303, 'one of two sold: still open');

    // The second by the cron scan, with nobody watching its page.
    await pay(link, second.id);
    await scan(worker);
    assert.equal((await session(second.id)).status, 'paid');
    read = await worker.get(`${LINKS}/${link.id}`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.completedSessions, 2);
    assert.equal(read.json.maxPayments, 2);

    const before = (await linkSessions(link)).length;
    const soldOut = await visit(link);
    assert.equal(soldOut.status, 410, soldOut.text);
    assert.match(soldOut.text, /<h1[^>]*>Sold out<\/h1>/);
    assert.equal(soldOut.cookie, undefined);
    const refused = await worker.post(SESSIONS, { linkId: link.id }, { key: null });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'link_sold_out');
    assert.equal(refused.json.error.param, 'linkId');
    assert.equal((await linkSessions(link)).length, before, 'nothing was opened');

    // A customer whose session was open when the link sold out is sent back to it, and can
    // still pay it: the limit is exceeded by that one, as documented.
    const back = await visit(link, { cookie: third.cookie });
    assert.equal(back.status, 303, back.text);
    assert.equal(back.id, third.id);
    await pay(link, third.id);
    assert.equal(await pollUntil(third.id, 'paid'), 'paid');
    read = await worker.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.completedSessions, 3, 'a sale past the limit is shown to the merchant');

    // The link's metadata is each session's, in the API and in the paid webhooks.
    for (const id of [first.id, second.id, third.id]) assert.deepEqual((await session(id)).metadata, { sku: 'TEE-M' });
    const deadline = Date.now() + 10_000;
    const paidHooks = () => receiver.received.filter((e) => e.type === 'checkout_session.paid' && e.data.object.linkId === link.id);
    while (paidHooks().length < 3 && Date.now() < deadline) await sleep(50);
    assert.equal(paidHooks().length, 3, JSON.stringify(receiver.received.map((e) => e.type)));
    for (const event of paidHooks()) {
      assert.deepEqual(event.data.object.metadata, { sku: 'TEE-M' });
      assert.deepEqual(event.data.object.customerMetadata, {});
    }
  });

  it('visits racing the sales that reach the limit: none opens after it was recorded, and fulfilled ≤ maxPayments + sessions open then', async (t) => {
    const link = await createLink({ maxPayments: 2 });
    const opened = [];
    for (let i = 0; i < 3; i += 1) {
      const v = await visit(link);
      assert.equal(v.status, 303, v.text);
      opened.push(v.id);
    }
    // Two payments on chain; the polls that record them race a burst of visits.
    await pay(link, opened[0]);
    await pay(link, opened[1]);
    // Two lanes of visits, one after another, for as long as the polls take.
    let polling = true;
    const raced = [];
    const lane = async () => {
      while (polling) raced.push(await visit(link));
    };
    const lanes = [lane(), lane()];
    const polls = Promise.all([statusOf(opened[0]), statusOf(opened[1])]);
    const [s0, s1] = await polls.finally(() => (polling = false));
    assert.deepEqual([s0, s1], ['paid', 'paid']);
    // Both sales are recorded by now (the polls answered after saving them).
    const recordedAt = Date.now();
    await Promise.all(lanes);
    for (const v of raced) assert.ok(v.status === 303 || v.status === 410, `${v.status} ${v.text.slice(0, 200)}`);
    const racedIn = raced.filter((v) => v.status === 303).map((v) => v.id);
    t.diagnostic(`${racedIn.length} of ${raced.length} racing visits opened a session before the limit was recorded`);

    // From here on every visit is refused: the limit is reached and visible.
    const late = await Promise.all(Array.from({ length: 5 }, () => visit(link)));
    for (const v of late) assert.equal(v.status, 410, `a visit after the limit was recorded: ${v.status}`);
    const created = await worker.post(SESSIONS, { linkId: link.id }, { key: null });
    assert.equal(created.status, 409, created.text);

    // Every session the link ever opened, paid: the worst case for the bound.
    const all = await linkSessions(link);
    assert.deepEqual(new Set(all.map((s) => s.id)), new Set([...opened, ...racedIn]), 'only the visits that got a session opened one');
    const openAtLimit = all.filter((s) => !FULFILLED.has(s.status) && Date.parse(s.createdAt) <= recordedAt);
    assert.equal(openAtLimit.length, all.length - 2, 'every other session was opened before the limit was recorded');
    for (const s of openAtLimit) await transfer(env, s.depositAddress, '25');
    await scan(worker);

    const final = await linkSessions(link);
    const fulfilled = final.filter((s) => FULFILLED.has(s.status));
    assert.equal(fulfilled.length, final.length, 'sessions open when it sold out stay payable');
    assert.ok(fulfilled.length <= 2 + openAtLimit.length, `fulfilled ${fulfilled.length} ≤ 2 + ${openAtLimit.length}`);
    const read = await worker.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.completedSessions, fulfilled.length, 'every sale is counted once');
  });
});
