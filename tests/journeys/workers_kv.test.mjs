// Payments on a real chain (anvil) through the worker at two locations over Workers KV as it
// is documented to behave (tests/support/workers_kv.mjs): one write per second per key (429
// past it) and writes seen at the other location only after a delay. Customers poll and
// verify at both locations while both run cron ticks; nothing may be lost, nothing marked
// wrongly, and every fact must reach the merchant's webhook under one webhook-id, at most
// once per location.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { localVars } from '../../scripts/local-config.mjs';
import { sessionKey } from '../support/keys.mjs';
import { startWorkerOnWorkersKv } from '../support/workers_kv.mjs';
import { mine, sleep, startChain, stopAll, transfer } from './helpers.mjs';

const STALE_MS = 2500;
const LOCATIONS = ['a', 'b'];

function startReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ id: request.headers['webhook-id'], event: JSON.parse(body) });
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hooks`,
        received,
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

describe('journey: paying at two locations over Workers KV', () => {
  let env;
  let w;
  let receiver;
  before(async () => {
    env = await startChain();
    receiver = await startReceiver();
    // All customers here come from one address (no CF-Connecting-IP): the per-client verify
    // limit is raised so that the race, not the limiter, is what is tested.
    w = await startWorkerOnWorkersKv({
      vars: localVars(env.chain, { confirmations: 2 }),
      staleMs: STALE_MS,
      limits: { LIMIT_VERIFY_PER_CLIENT: 1000 },
    });
  });
  after(async () => {
    await stopAll(w, receiver, env?.anvil);
  });

  it('polls, verifies and ticks racing at both locations: every payment counted once, each fact delivered under one webhook-id', async (t) => {
    const endpoint = await w.post('/api/v1/webhook_endpoints', { url: receiver.url });
    assert.equal(endpoint.status, 201, endpoint.text);
    const link = await w.post('/api/v1/payment_links', { title: 'Mug', fiatAmount: '12.00' });
    assert.equal(link.status, 201, link.text);
    await sleep(STALE_MS + 300); // both locations now see the link and the endpoint

    // Six customers, three per location; each visit is the customer's own browser.
    const customers = [];
    for (let i = 0; i < 6; i += 1) {
      const location = LOCATIONS[i % 2];
      const at = w.at(location);
      const visit = await at.get(`/l/${link.json.slug}`, { key: null });
      assert.equal(visit.status, 303, visit.text);
      const id = visit.headers.get('location').replace(/^.*\/c\//, '');
      const status = await at.get(`/c/${id}/status`, { key: null });
      assert.equal(status.status, 200, status.text);
      customers.push({ id, location, session: status.json });
    }
    // Four pay in full, one half, one not at all.
    const plan = ['12', '12', '6', '12', '12', null];
    for (const [i, amount] of plan.entries()) {
      if (amount === null) continue;
      customers[i].receipt = await transfer(env, customers[i].session.depositAddress, amount);
    }
    await mine(env.url, 2);
    // A customer's browser keeps to its own location; the storm below does not, so it starts
    // once both locations can see every session (before that, the other one answers 404).
    await sleep(STALE_MS + 300);

    // The storm: each round, every customer polls at both locations and the payers verify at
    // both; both locations tick. Within a round everything runs at once.
    const statuses = new Map(); // status code → count
    const count = (res) => statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    for (let round = 0; round < 4; round += 1) {
      const work = [];
      for (const c of customers) {
        for (const location of LOCATIONS) {
          const at = w.at(location);
          work.push(at.get(`/c/${c.id}/status`, { key: null }).then(count));
          if (c.receipt) {
            work.push(at.post(`/c/${c.id}/verify`, { transactionHash: c.receipt.transactionHash }, { key: null }).then(count));
          }
        }
      }
      for (const location of LOCATIONS) work.push(w.at(location).scheduled());
      await Promise.all(work);
      if (round === 1) await mine(env.url, 1);
      await sleep(1100);
    }
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // A poll or a verify whose write KV refused (another writer saved the session within the
    // second) still answers what it read from the chain.
    for (const code of statuses.keys()) assert.equal(code, 200, `answered ${code}: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(200) ?? 0) > 0);

    // Settled: once KV has caught up, both locations and the store agree on every session.
    await sleep(STALE_MS + 300);
    for (const location of LOCATIONS) await w.at(location).scheduled();
    await sleep(1500); // deliveries run after the ticks' answers
    const expected = ['paid', 'paid', 'underpaid', 'paid', 'paid', 'open'];
    for (const [i, c] of customers.entries()) {
      const record = JSON.parse(await w.kv().get(sessionKey(c.id)));
      assert.equal(record.status, expected[i], `${c.id} stored`);
      assert.equal(record.payments.length, c.receipt ? 1 : 0, `${c.id} payments`);
      for (const location of LOCATIONS) {
        const seen = await w.at(location).get(`/c/${c.id}/status`, { key: null });
        assert.equal(seen.status, 200, seen.text);
        assert.equal(seen.json.status, expected[i], `${c.id} at ${location}`);
      }
    }

    // The merchant's view: for each session and event type, one event id, which is the
    // webhook-id every delivery of it carried.
    const ids = new Map(); // `${session} ${type}` → Set of webhook-ids
    for (const { id, event } of receiver.received) {
      assert.equal(id, event.id, 'webhook-id is the event id');
      const subject = event.data.object.id;
      const key = `${subject} ${event.type}`;
      if (!ids.has(key)) ids.set(key, new Set());
      ids.get(key).add(id);
    }
    for (const [key, set] of ids) assert.equal(set.size, 1, `${key}: ${[...set].join(', ')}`);
    for (const [i, c] of customers.entries()) {
      assert.ok(ids.has(`${c.id} checkout_session.created`), `${c.id} created delivered`);
      const final = expected[i];
      if (final !== 'open') assert.ok(ids.has(`${c.id} checkout_session.${final}`), `${c.id} ${final} delivered`);
      for (const wrong of ['paid', 'underpaid', 'overpaid', 'expired', 'paid_late']) {
        if (wrong === final) continue;
        assert.ok(!ids.has(`${c.id} checkout_session.${wrong}`), `${c.id} never ${wrong}`);
      }
    }
    // Sent once per location at most: within a location a fact written by several writers is
    // delivered by the one whose event write KV stored first, and an endpoint with a delivery
    // record is not sent it again; another location does not see that record for up to KV's
    // delay, and may send its copy, under the same webhook-id (docs/architecture.md).
    const perId = new Map();
    for (const { id } of receiver.received) perId.set(id, (perId.get(id) ?? 0) + 1);
    const copies = receiver.received.length - perId.size;
    t.diagnostic(`deliveries: ${receiver.received.length}, distinct webhook-ids: ${perId.size}, repeated copies: ${copies}`);
    for (const [id, n] of perId) assert.ok(n <= LOCATIONS.length, `${id} sent ${n} times`);
  });

  it('a sale that reaches maxPayments sells the link out where it was recorded at once, and elsewhere once KV shows it there', async () => {
    const a = w.at('a');
    const b = w.at('b');
    const link = await a.post('/api/v1/payment_links', { title: 'Last one', fiatAmount: '12.00', maxPayments: 1 });
    assert.equal(link.status, 201, link.text);
    await sleep(STALE_MS + 300);
    const visit = await a.get(`/l/${link.json.slug}`, { key: null });
    assert.equal(visit.status, 303, visit.text);
    const id = visit.headers.get('location').replace(/^.*\/c\//, '');
    const status = await a.get(`/c/${id}/status`, { key: null });
    const receipt = await transfer(env, status.json.depositAddress, '12');
    await mine(env.url, 1);
    const verified = await a.post(`/c/${id}/verify`, { transactionHash: receipt.transactionHash }, { key: null });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.json.status, 'paid');

    assert.equal((await a.get(`/l/${link.json.slug}`, { key: null })).status, 410, 'sold out where the sale was recorded');
    // The other location has not seen the marker yet: a session opened there now is one of
    // those the documented bound allows for (PaymentLink.maxPayments in docs/openapi.yaml).
    const early = await b.get(`/l/${link.json.slug}`, { key: null });
    assert.equal(early.status, 303, `b within KV's delay: ${early.status}`);
    await sleep(STALE_MS + 300);
    assert.equal((await b.get(`/l/${link.json.slug}`, { key: null })).status, 410, 'sold out at b once KV shows the sale');
    const counted = await b.get(`/api/v1/payment_links/${link.json.id}`);
    assert.equal(counted.json.completedSessions, 1);
  });
});
