// What anyone can do without the secret key, and what it must not be able to do: a returning
// browser keeps its checkout, a sub-request opens nothing, anonymous Idempotency-Keys never
// hand one customer another's session, customers' words are marked as theirs, and a
// request's Host never reaches objects other people receive.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { CHAIN_VARS, createLink } from './helpers.mjs';

const SESSIONS = '/api/v1/checkout_sessions';

/** The `pl_visit_…` cookie a visit set, as name=value, and its attributes. */
function visitCookie(res) {
  const header = res.headers.get('set-cookie');
  assert.ok(header, 'the visit sets a cookie');
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair, attributes: attributes.map((a) => a.toLowerCase()) };
}

async function sessionCount(w) {
  const res = await w.get(`${SESSIONS}?limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.json.data.length;
}

describe('public pages and the public create', () => {
  let w;
  before(async () => {
    w = await startWorker({ vars: CHAIN_VARS });
  });
  after(async () => {
    await w?.dispose();
  });

  it('a returning browser lands on its open session; another browser gets its own', async () => {
    const link = await createLink(w);
    const first = await w.get(`/l/${link.slug}`, { key: null });
    assert.equal(first.status, 303, first.text);
    const location = first.headers.get('location');
    assert.match(location, /^\/c\/cs_/);
    const cookie = visitCookie(first);
    assert.equal(cookie.pair, `pl_visit_${link.slug}=${location.slice(3)}`);
    assert.ok(cookie.attributes.includes('httponly'), cookie.attributes.join('; '));
    assert.ok(cookie.attributes.includes('samesite=lax'), cookie.attributes.join('; '));
    assert.ok(cookie.attributes.includes(`path=/l/${link.slug}`), cookie.attributes.join('; '));
    assert.ok(!cookie.attributes.includes('secure'), 'plain http gets no Secure attribute');
    const maxAge = Number(cookie.attributes.find((a) => a.startsWith('max-age='))?.slice(8));
    assert.ok(maxAge > 0 && maxAge <= 1800, `max-age ${maxAge} follows the session's lifetime`);

    const before = await sessionCount(w);
    const again = await w.get(`/l/${link.slug}`, { key: null, headers: { cookie: `theme=dark; ${cookie.pair}` } });
    assert.equal(again.status, 303, again.text);
    assert.equal(again.headers.get('location'), location, 'the same checkout, the same deposit address');
    assert.equal(await sessionCount(w), before, 'a return visit opens no session');

    const other = await w.get(`/l/${link.slug}`, { key: null });
    assert.equal(other.status, 303, other.text);
    assert.notEqual(other.headers.get('location'), location, 'a browser without the cookie gets its own');
  });

  it('a cookie naming another link\'s session or a forged id opens a new session', async () => {
    const [mine, theirs] = [await createLink(w), await createLink(w)];
    const visit = await w.get(`/l/${theirs.slug}`, { key: null });
    const theirSession = visit.headers.get('location').slice(3);
    for (const value of [theirSession, 'cs_forged', '']) {
      const res = await w.get(`/l/${mine.slug}`, { key: null, headers: { cookie: `pl_visit_${mine.slug}=${value}` } });
      assert.equal(res.status, 303, res.text);
      assert.notEqual(res.headers.get('location'), `/c/${theirSession}`, `cookie ${value}`);
    }
    // Expiring decides against the chain as it is now: with no node to ask, it refuses.
    const expired = await w.post(`${SESSIONS}/${theirSession}/expire`, {});
    assert.equal(expired.status, 502, expired.text);
    assert.equal(expired.json.error.code, 'upstream_unavailable');
    const still = await w.get(`${SESSIONS}/${theirSession}`);
    assert.equal(still.json.status, 'open', 'a refused expiry changes nothing');
  });

  it('a sub-request of the link (an <img> on another site) gets the preview and opens nothing', async () => {
    const link = await createLink(w);
    const before = await sessionCount(w);
    for (const destination of ['image', 'script', 'empty', 'iframe']) {
      const res = await w.get(`/l/${link.slug}`, { key: null, headers: { 'sec-fetch-dest': destination } });
      assert.equal(res.status, 200, `${destination}: ${res.status}`);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.equal(res.headers.get('set-cookie'), null);
    }
    assert.equal(await sessionCount(w), before);
    const navigation = await w.get(`/l/${link.slug}`, { key: null, headers: { 'sec-fetch-dest': 'document' } });
    assert.equal(navigation.status, 303, navigation.text);
    assert.equal(await sessionCount(w), before + 1);
  });

  it('two anonymous customers sending the same Idempotency-Key get their own sessions', async () => {
    const link = await createLink(w);
    const body = { linkId: link.id };
    const headers = { 'idempotency-key': 'cart-1001' };
    const a = await w.post(SESSIONS, body, { key: null, headers });
    const b = await w.post(SESSIONS, body, { key: null, headers });
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    assert.notEqual(a.json.id, b.json.id);
    assert.notEqual(a.json.depositAddress, b.json.depositAddress);
    assert.equal(b.headers.get('idempotent-replayed'), null);
    // The merchant's key still replays, as the API promises.
    const k1 = await w.post(SESSIONS, body, { headers });
    const k2 = await w.post(SESSIONS, body, { headers });
    assert.equal(k1.status, 201, k1.text);
    assert.equal(k2.json.id, k1.json.id);
    assert.equal(k2.headers.get('idempotent-replayed'), 'true');
    assert.notEqual(k1.json.id, a.json.id, 'the key scopes of merchant and customers are apart');
  });

  it("customers' metadata and email are marked as theirs, in the object and its event", async () => {
    const link = await createLink(w);
    const anonymous = await w.post(
      SESSIONS,
      { linkId: link.id, metadata: { orderId: 'A-1' }, customerEmail: 'buyer@example.com' },
      { key: null },
    );
    assert.equal(anonymous.status, 201, anonymous.text);
    const read = await w.get(`${SESSIONS}/${anonymous.json.id}`);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json.metadata, {});
    assert.deepEqual(read.json.customerMetadata, { orderId: 'A-1' });
    assert.equal(read.json.customerEmailSource, 'customer');

    const keyed = await w.post(SESSIONS, { linkId: link.id, metadata: { orderId: 'M-1' }, customerEmail: 'm@example.com' });
    assert.equal(keyed.status, 201, keyed.text);
    assert.deepEqual(keyed.json.metadata, { orderId: 'M-1' });
    assert.deepEqual(keyed.json.customerMetadata, {});
    assert.equal(keyed.json.customerEmailSource, 'merchant');

    const events = await w.get('/api/v1/events?type=checkout_session.created&limit=100');
    assert.equal(events.status, 200, events.text);
    const created = events.json.data.find((e) => JSON.stringify(e).includes(anonymous.json.id));
    assert.ok(created, 'the created event is listed');
    const object = created.data?.object ?? created.data;
    assert.deepEqual(object.metadata, {});
    assert.deepEqual(object.customerMetadata, { orderId: 'A-1' });
    assert.equal(object.customerEmailSource, 'customer');
  });

  it("a request's Host shapes only its own answer, never the objects events carry", async () => {
    const link = await createLink(w);
    const res = await w.mf.dispatchFetch(`http://evil.example/l/${link.slug}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const id = res.headers.get('location').slice(3);
    const events = await w.get('/api/v1/events?type=checkout_session.created&limit=100');
    const created = events.json.data.find((e) => JSON.stringify(e).includes(id));
    assert.ok(created, 'the created event is listed');
    assert.ok(!JSON.stringify(created).includes('evil.example'), JSON.stringify(created).slice(0, 400));
  });
});
