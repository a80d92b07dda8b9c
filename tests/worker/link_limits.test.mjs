// Links that sell out (maxPayments) and carry merchant metadata, end to end in workerd with
// real KV. Sales are counted from their marker keys (core/links/link_sales.hpp); here the
// markers of sales are put into KV directly, since paying needs a chain — the journey
// tests/journeys/sell_out.test.mjs writes them the real way, by paying on anvil.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { CHAIN_VARS, LINKS, assertError, assertLinkShape, createLink } from './helpers.mjs';

const SESSIONS = '/api/v1/checkout_sessions';

let w;

before(async () => {
  w = await startWorker({ vars: CHAIN_VARS });
});

after(async () => {
  await w?.dispose();
});

/** Records a sale of `link` as the save that fulfils a session does: its marker key. */
async function recordSale(link, sessionId) {
  await (await w.kv()).put(`sold/${link.id}/${sessionId}`, '');
}

const fakeSessionId = (n) => `cs_01JD0000000000000000000${String(n).padStart(3, '0')}`;

function sessionIdOf(visit) {
  const id = /^\/c\/(cs_[0-9A-Z]+)$/.exec(visit.headers.get('location') ?? '')?.[1];
  assert.ok(id, `a visit redirects to a session: ${visit.status} ${visit.headers.get('location')}`);
  return id;
}

describe('maxPayments and metadata on a link', () => {
  it('are created, shown, updated and cleared', async () => {
    const link = await createLink(w, { maxPayments: 3, metadata: { sku: 'TEE-M', drop: 'winter' } });
    assertLinkShape(link, w.origin);
    assert.equal(link.maxPayments, 3);
    assert.equal(link.completedSessions, 0);
    assert.deepEqual(link.metadata, { sku: 'TEE-M', drop: 'winter' });
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, link);

    const plain = await createLink(w);
    assert.equal(plain.maxPayments, null);
    assert.equal(plain.completedSessions, null, 'no limit: nothing counted');
    assert.deepEqual(plain.metadata, {});

    let patched = await w.patch(`${LINKS}/${link.id}`, { maxPayments: 10, metadata: { sku: 'TEE-L' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.maxPayments, 10);
    assert.equal(patched.json.completedSessions, 0);
    assert.deepEqual(patched.json.metadata, { sku: 'TEE-L' }, 'metadata is replaced as a whole');
    patched = await w.patch(`${LINKS}/${link.id}`, { maxPayments: null, metadata: {} });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.maxPayments, null);
    assert.equal(patched.json.completedSessions, null);
    assert.deepEqual(patched.json.metadata, {});
    const listed = await w.get(`${LINKS}?limit=5`);
    assert.equal(listed.status, 200, listed.text);
    assert.ok(listed.json.data.some((l) => l.id === link.id && l.maxPayments === null));
  });

  it('invalid maxPayments and metadata are refused on create and on PATCH, and nothing changes', async () => {
    const link = await createLink(w, { maxPayments: 2, metadata: { a: 'b' } });
    const cases = [
      [{ maxPayments: 0 }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: -1 }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: 1.5 }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: '2' }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: true }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: 1001 }, 'parameter_invalid', 'maxPayments'],
      [{ maxPayments: 2 ** 64 }, 'parameter_invalid', 'maxPayments'],
      [{ metadata: null }, 'metadata_invalid', 'metadata'],
      [{ metadata: ['x'] }, 'metadata_invalid', 'metadata'],
      [{ metadata: { n: 1 } }, 'metadata_invalid', 'metadata'],
      [{ metadata: { '': 'x' } }, 'metadata_invalid', 'metadata'],
      [{ metadata: { ['k'.repeat(41)]: 'x' } }, 'metadata_invalid', 'metadata'],
      [{ metadata: { k: 'v'.repeat(501) } }, 'metadata_invalid', 'metadata'],
      [{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata_invalid', 'metadata'],
    ];
    for (const [fields, code, param] of cases) {
      const label = JSON.stringify(fields).slice(0, 80);
      assertError(await w.post(LINKS, { title: 'Tee', fiatAmount: '5', ...fields }), { status: 400, code, param }, `create ${label}`);
      assertError(await w.patch(`${LINKS}/${link.id}`, fields), { status: 400, code, param }, `PATCH ${label}`);
    }
    assertError(await w.patch(`${LINKS}/${link.id}`, { completedSessions: 0 }), { status: 400, code: 'parameter_immutable', param: 'completedSessions' });
    // The edges are accepted.
    const max = await createLink(w, { maxPayments: 1000, metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(500)])) });
    assert.equal(max.maxPayments, 1000);
    assert.equal(Object.keys(max.metadata).length, 50);
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.maxPayments, 2);
    assert.deepEqual(read.json.metadata, { a: 'b' });
  });
});

describe('the link\'s metadata in its sessions', () => {
  it('a visit copies it into the session\'s metadata; the customer\'s stays apart', async () => {
    const link = await createLink(w, { metadata: { sku: 'TEE-M', warehouse: 'north' } });
    const visit = await w.get(`/l/${link.slug}`, { key: null });
    assert.equal(visit.status, 303, visit.text);
    const session = await w.get(`${SESSIONS}/${sessionIdOf(visit)}`);
    assert.equal(session.status, 200, session.text);
    assert.deepEqual(session.json.metadata, { sku: 'TEE-M', warehouse: 'north' });
    assert.deepEqual(session.json.customerMetadata, {});

    // The public create: the customer's metadata is theirs, the link's is the merchant's.
    const mine = await w.post(SESSIONS, { linkId: link.id, metadata: { sku: 'FREE', note: 'gift' } }, { key: null });
    assert.equal(mine.status, 201, mine.text);
    const full = await w.get(`${SESSIONS}/${mine.json.id}`);
    assert.deepEqual(full.json.metadata, { sku: 'TEE-M', warehouse: 'north' });
    assert.deepEqual(full.json.customerMetadata, { sku: 'FREE', note: 'gift' });

    // With the key, the merchant's own keys go over the link's.
    const keyed = await w.post(SESSIONS, { linkId: link.id, metadata: { warehouse: 'south', order: '1042' } });
    assert.equal(keyed.status, 201, keyed.text);
    assert.deepEqual(keyed.json.metadata, { sku: 'TEE-M', warehouse: 'south', order: '1042' });
    assert.deepEqual(keyed.json.customerMetadata, {});

    // A later change of the link's metadata leaves sessions already opened as they were.
    await w.patch(`${LINKS}/${link.id}`, { metadata: { sku: 'TEE-L' } });
    const again = await w.get(`${SESSIONS}/${sessionIdOf(visit)}`);
    assert.deepEqual(again.json.metadata, { sku: 'TEE-M', warehouse: 'north' });
  });

  it('the merged metadata is held to 50 keys', async () => {
    const link = await createLink(w, { metadata: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`link${i}`, 'v'])) });
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`own${i}`, 'v']));
    assertError(await w.post(SESSIONS, { linkId: link.id, metadata: tooMany }), { status: 400, code: 'metadata_invalid', param: 'metadata' });
    const fits = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`own${i}`, 'v']));
    const ok = await w.post(SESSIONS, { linkId: link.id, metadata: fits });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(Object.keys(ok.json.metadata).length, 50);
    // A customer's metadata is its own object: the link's keys do not count against it.
    const customer = await w.post(SESSIONS, { linkId: link.id, metadata: tooMany }, { key: null });
    assert.equal(customer.status, 201, customer.text);
  });
});

describe('a link that sells out', () => {
  it('counts its sales; at maxPayments the page says sold out, creates are refused, and a returning browser keeps its session', async () => {
    const link = await createLink(w, { title: 'Winter drop', maxPayments: 2 });
    const opened = await w.get(`/l/${link.slug}`, { key: null });
    assert.equal(opened.status, 303, opened.text);
    const cookie = opened.headers.get('set-cookie').split(';')[0];

    await recordSale(link, fakeSessionId(1));
    let read = await w.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.completedSessions, 1);
    assert.equal((await w.get(`/l/${link.slug}`, { key: null })).status, 303, 'one of two sold: still open');

    await recordSale(link, fakeSessionId(2));
    // The same sale recorded again (a second writer of the same fact) is the same key.
    await recordSale(link, fakeSessionId(2));
    read = await w.get(`${LINKS}/${link.id}`);
    assert.equal(read.json.completedSessions, 2);

    const soldOut = await w.get(`/l/${link.slug}`, { key: null });
    assert.equal(soldOut.status, 410, soldOut.text);
    assert.match(soldOut.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(soldOut.text, /<h1[^>]*>Sold out<\/h1>/);
    assert.match(soldOut.text, /Winter drop/);
    assert.equal(soldOut.headers.get('set-cookie'), null, 'no session, no cookie');

    // The browser that opened a session before lands on it: it may still be paid.
    const back = await w.get(`/l/${link.slug}`, { key: null, headers: { cookie } });
    assert.equal(back.status, 303, back.text);
    assert.equal(back.headers.get('location'), opened.headers.get('location'));

    const before = (await w.get(`${SESSIONS}?linkId=${link.id}&limit=100`)).json.data.length;
    assertError(await w.post(SESSIONS, { linkId: link.id }, { key: null }), { status: 409, code: 'link_sold_out', param: 'linkId' }, 'public create');
    assertError(await w.post(SESSIONS, { linkId: link.id }), { status: 409, code: 'link_sold_out', param: 'linkId' }, 'keyed create');
    assert.equal((await w.get(`${SESSIONS}?linkId=${link.id}&limit=100`)).json.data.length, before, 'nothing opened');

    // A preview still shows what the link was.
    const preview = await w.request('HEAD', `/l/${link.slug}`, { key: null });
    assert.equal(preview.status, 200);

    // Raising the limit opens it again; the sales already made still count.
    const raised = await w.patch(`${LINKS}/${link.id}`, { maxPayments: 3 });
    assert.equal(raised.status, 200, raised.text);
    assert.equal(raised.json.completedSessions, 2);
    assert.equal((await w.get(`/l/${link.slug}`, { key: null })).status, 303);
    // Lowering it to what is sold sells it out at once.
    await w.patch(`${LINKS}/${link.id}`, { maxPayments: 2 });
    assert.equal((await w.get(`/l/${link.slug}`, { key: null })).status, 410);
    // Other links are not affected by this link's sales.
    const other = await createLink(w, { maxPayments: 1 });
    assert.equal(other.completedSessions, 0);
    assert.equal((await w.get(`/l/${other.slug}`, { key: null })).status, 303);
  });

  it('a limit set later counts the sales made before it', async () => {
    const link = await createLink(w);
    await recordSale(link, fakeSessionId(7));
    const limited = await w.patch(`${LINKS}/${link.id}`, { maxPayments: 1 });
    assert.equal(limited.status, 200, limited.text);
    assert.equal(limited.json.completedSessions, 1);
    assert.equal((await w.get(`/l/${link.slug}`, { key: null })).status, 410);
    const listed = await w.get(`${LINKS}?limit=100`);
    assert.equal(listed.json.data.find((l) => l.id === link.id)?.completedSessions, 1, 'the list counts too');
  });
});
