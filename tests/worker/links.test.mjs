// The payment-links API (docs/openapi.yaml) end to end: the bundled worker in workerd with real KV.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import {
  CHAIN_VARS, LINKS, assertError, assertJsonResponse, assertLinkShape, createLink, inBatches, listAll, sleep,
} from './helpers.mjs';

let w;

before(async () => {
  w = await startWorker({ vars: CHAIN_VARS });
});

after(async () => {
  await w?.dispose();
});

describe('service routes', () => {
  it('GET /healthz answers 200 JSON without a key', async () => {
    const res = await w.get('/healthz', { key: null });
    assert.equal(res.status, 200);
    assertJsonResponse(res);
    assert.equal(res.json.ok, true);
  });

  it('unknown /api paths answer 404 route_missing as JSON', async () => {
    for (const path of ['/api/v1/nope', '/api/v2/payment_links', '/api', `${LINKS}/pl_x/extra`, `${LINKS}/`]) {
      assertError(await w.get(path), { status: 404, code: 'route_missing' }, path);
      assertError(await w.post(path, {}), { status: 404, code: 'route_missing' }, `POST ${path}`);
    }
  });

  it('a known path with another method answers 405 method_not_allowed with Allow', async () => {
    const cases = [
      ['PUT', LINKS, ['GET', 'POST']],
      ['DELETE', LINKS, ['GET', 'POST']],
      ['PATCH', LINKS, ['GET', 'POST']],
      ['PUT', `${LINKS}/pl_01M80W4SDBZTZ98K6GWQJXC7H8`, ['GET', 'PATCH', 'DELETE']],
      ['POST', '/healthz', ['GET']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await w.request(method, path, { body: {} });
      assertError(res, { status: 405, code: 'method_not_allowed' }, `${method} ${path}`);
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      for (const m of allowed) assert.ok(allow.includes(m), `${method} ${path}: Allow "${allow}" lacks ${m}`);
      assert.ok(!allow.includes(method), `${method} ${path}: Allow lists ${method}`);
    }
  });
});

describe('create, retrieve, list, delete', () => {
  it('POST creates a link: 201 with the full object', async () => {
    const before = Date.now();
    const res = await w.post(LINKS, {
      title: 'Tee',
      fiatAmount: '150',
      fiatCurrency: 'EUR',
      successUrl: 'https://shop.example/thanks',
      cancelUrl: 'https://shop.example/cart',
    });
    assert.equal(res.status, 201, res.text);
    assertJsonResponse(res);
    const link = res.json;
    assertLinkShape(link, w.origin);
    assert.equal(link.title, 'Tee');
    assert.equal(link.description, null);
    assert.equal(link.fiatAmount, '150.00');
    assert.equal(link.fiatCurrency, 'EUR');
    assert.equal(link.successUrl, 'https://shop.example/thanks');
    assert.equal(link.cancelUrl, 'https://shop.example/cart');
    assert.equal(link.active, true);
    assert.equal(link.expiresAt, null);
    assert.equal(link.livemode, false);
    assert.equal(link.createdAt, link.updatedAt);
    const created = Date.parse(link.createdAt);
    assert.ok(created >= before - 1000 && created <= Date.now() + 1000, link.createdAt);
    // A random slug is unguessable: at least 58 bits, so at least 12 of [a-z0-9-].
    assert.ok(link.slug.length >= 12, link.slug);
  });

  it('defaults: description, URLs and expiresAt null, active true, USD', async () => {
    const link = await createLink(w, { title: 'Plain', fiatAmount: '9.5' });
    assertLinkShape(link, w.origin);
    assert.equal(link.fiatAmount, '9.50');
    assert.equal(link.fiatCurrency, 'USD');
    assert.equal(link.description, null);
    assert.equal(link.successUrl, null);
    assert.equal(link.cancelUrl, null);
    assert.equal(link.expiresAt, null);
    assert.equal(link.active, true);
  });

  it('amounts are normalised to the currency decimals', async () => {
    const cases = [
      ['150', 'USD', '150.00'],
      ['150.5', 'USD', '150.50'],
      ['0.01', 'GBP', '0.01'],
      ['007.50', 'SGD', '7.50'],
      ['100000000', 'USD', '100000000.00'],
      ['1500', 'JPY', '1500'],
      ['12.3', 'USDC', '12.30'],
    ];
    for (const [amount, currency, expected] of cases) {
      const link = await createLink(w, { fiatAmount: amount, fiatCurrency: currency });
      assert.equal(link.fiatAmount, expected, `${amount} ${currency}`);
      assert.equal(link.fiatCurrency, currency);
    }
  });

  it('all optional members are accepted on create', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const link = await createLink(w, {
      title: 'Full',
      description: 'A description\nover two lines',
      fiatAmount: '10',
      fiatCurrency: 'GBP',
      successUrl: 'https://shop.example/ok?order=1#top',
      cancelUrl: 'https://shop.example:8443/cancel',
      active: false,
      expiresAt,
      slug: 'full-options-link',
    });
    assert.equal(link.description, 'A description\nover two lines');
    assert.equal(link.active, false);
    assert.equal(link.expiresAt, expiresAt);
    assert.equal(link.slug, 'full-options-link');
    assert.equal(link.successUrl, 'https://shop.example/ok?order=1#top');
    assert.equal(link.cancelUrl, 'https://shop.example:8443/cancel');
  });

  it('GET retrieves exactly what was created', async () => {
    const link = await createLink(w, { title: 'Retrieve me' });
    const res = await w.get(`${LINKS}/${link.id}`);
    assert.equal(res.status, 200);
    assertJsonResponse(res);
    assert.deepEqual(res.json, link);
  });

  it('GET list: the list envelope, newest first, default limit 10', async () => {
    const made = [];
    for (let i = 0; i < 12; i++) {
      await sleep(2); // distinct milliseconds, so creation order is list order
      made.push(await createLink(w, { title: `List ${i}` }));
    }
    const res = await w.get(LINKS);
    assert.equal(res.status, 200);
    assertJsonResponse(res);
    assert.deepEqual(Object.keys(res.json).sort(), ['data', 'has_more', 'object', 'url']);
    assert.equal(res.json.object, 'list');
    assert.equal(res.json.url, LINKS);
    assert.equal(res.json.has_more, true);
    assert.equal(res.json.data.length, 10);
    // Nothing else is being created in this worker right now: the newest ten are ours.
    assert.deepEqual(res.json.data.map((l) => l.id), made.slice(-10).reverse().map((l) => l.id));
    for (const link of res.json.data) assertLinkShape(link, w.origin);
    assert.deepEqual(res.json.data[0], made.at(-1));

    const one = await w.get(`${LINKS}?limit=1`);
    assert.equal(one.json.data.length, 1);
    assert.equal(one.json.has_more, true);
    assert.equal(one.json.data[0].id, made.at(-1).id);
  });

  it('DELETE answers the deleted stub; then GET, PATCH and DELETE are 404', async () => {
    const link = await createLink(w, { title: 'Doomed' });
    const res = await w.del(`${LINKS}/${link.id}`);
    assert.equal(res.status, 200, res.text);
    assertJsonResponse(res);
    assert.deepEqual(res.json, { id: link.id, object: 'payment_link', deleted: true });

    assertError(await w.get(`${LINKS}/${link.id}`), { status: 404, code: 'resource_missing', param: 'id' });
    assertError(await w.patch(`${LINKS}/${link.id}`, { title: 'x' }), {
      status: 404, code: 'resource_missing', param: 'id',
    });
    assertError(await w.del(`${LINKS}/${link.id}`), { status: 404, code: 'resource_missing', param: 'id' });
    const listed = await listAll(w);
    assert.ok(!listed.some((l) => l.id === link.id), 'a deleted link is still listed');
  });

  it('a custom slug is used as given; a taken one is 409 slug_taken', async () => {
    const link = await createLink(w, { slug: 'summer-sale-2026' });
    assert.equal(link.slug, 'summer-sale-2026');
    assert.equal(link.checkoutUrl, `${w.origin}/l/summer-sale-2026`);
    const again = await w.post(LINKS, { title: 'Other', fiatAmount: '1', slug: 'summer-sale-2026' });
    assertError(again, { status: 409, code: 'slug_taken', param: 'slug' });
    // The first link is untouched.
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.deepEqual(read.json, link);
  });

  it('POST /api/v1/payment_links/{id} updates like PATCH', async () => {
    const link = await createLink(w);
    await sleep(3);
    const res = await w.post(`${LINKS}/${link.id}`, { title: 'Posted' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.title, 'Posted');
  });
});

describe('PATCH', () => {
  let link;

  before(async () => {
    link = await createLink(w, {
      title: 'Patch me',
      description: 'first',
      fiatAmount: '150',
      fiatCurrency: 'USD',
      successUrl: 'https://shop.example/ok',
      cancelUrl: 'https://shop.example/cancel',
    });
  });

  // Applies `fields`, checks the answer, that only those members changed, that updatedAt
  // moved forward, and that a fresh GET agrees.
  async function patch(fields, expected) {
    await sleep(3); // updatedAt has millisecond resolution
    const res = await w.patch(`${LINKS}/${link.id}`, fields);
    assert.equal(res.status, 200, `${JSON.stringify(fields)}: ${res.text}`);
    assertJsonResponse(res);
    const updated = res.json;
    assertLinkShape(updated, w.origin);
    const { updatedAt: oldStamp, ...oldRest } = link;
    const { updatedAt: newStamp, ...newRest } = updated;
    assert.deepEqual(newRest, { ...oldRest, ...expected });
    assert.ok(newStamp > oldStamp, `updatedAt ${oldStamp} -> ${newStamp}`);
    assert.equal(updated.createdAt, link.createdAt);
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.deepEqual(read.json, updated);
    link = updated;
  }

  it('title', () => patch({ title: 'New title' }, { title: 'New title' }));
  it('description, then null to clear', async () => {
    await patch({ description: 'Second description' }, { description: 'Second description' });
    await patch({ description: null }, { description: null });
  });
  it('fiatAmount', () => patch({ fiatAmount: '99.9' }, { fiatAmount: '99.90' }));
  it('fiatCurrency alone re-reads the amount in the new currency', async () => {
    await patch({ fiatAmount: '150' }, { fiatAmount: '150.00' });
    await patch({ fiatCurrency: 'jpy' }, { fiatCurrency: 'JPY', fiatAmount: '150' });
    await patch({ fiatCurrency: 'EUR' }, { fiatCurrency: 'EUR', fiatAmount: '150.00' });
  });
  it('fiatCurrency to one without cents refuses an amount with cents', async () => {
    await patch({ fiatAmount: '150.50' }, { fiatAmount: '150.50' });
    const res = await w.patch(`${LINKS}/${link.id}`, { fiatCurrency: 'JPY' });
    assertError(res, { status: 400, code: 'amount_invalid', param: 'fiatCurrency' });
    await patch({ fiatCurrency: 'JPY', fiatAmount: '2000' }, { fiatCurrency: 'JPY', fiatAmount: '2000' });
  });
  it('successUrl, then null to clear', async () => {
    await patch({ successUrl: 'https://shop.example/paid' }, { successUrl: 'https://shop.example/paid' });
    await patch({ successUrl: null }, { successUrl: null });
  });
  it('cancelUrl, then null to clear', async () => {
    await patch({ cancelUrl: 'https://shop.example/back' }, { cancelUrl: 'https://shop.example/back' });
    await patch({ cancelUrl: null }, { cancelUrl: null });
  });
  it('active false and back to true', async () => {
    await patch({ active: false }, { active: false });
    await patch({ active: true }, { active: true });
  });
  it('expiresAt as ISO 8601, as Unix seconds, then null to clear', async () => {
    const later = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000);
    await patch({ expiresAt: later.toISOString() }, { expiresAt: later.toISOString() });
    const evenLater = new Date(later.getTime() + 60_000);
    await patch({ expiresAt: evenLater.getTime() / 1000 }, { expiresAt: evenLater.toISOString() });
    await patch({ expiresAt: null }, { expiresAt: null });
  });
  it('several fields at once', () =>
    patch(
      { title: 'Combined', fiatAmount: '5', fiatCurrency: 'GBP', active: false },
      { title: 'Combined', fiatAmount: '5.00', fiatCurrency: 'GBP', active: false },
    ));

  it('immutable members are refused with parameter_immutable and nothing changes', async () => {
    const attempts = {
      id: 'pl_01M80W4SDBZTZ98K6GWQJXC7H8',
      object: 'checkout_session',
      slug: 'new-slug',
      livemode: true,
      checkoutUrl: 'https://evil.example/l/x',
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2020-01-01T00:00:00.000Z',
    };
    for (const [name, value] of Object.entries(attempts)) {
      const res = await w.patch(`${LINKS}/${link.id}`, { title: 'Sneaky', [name]: value });
      assertError(res, { status: 400, code: 'parameter_immutable', param: name }, name);
    }
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.deepEqual(read.json, link);
  });

  it('unknown members are refused with parameter_unknown and nothing changes', async () => {
    for (const name of ['colour', 'amount', 'Title', 'maxpayments', 'deleted']) {
      const res = await w.patch(`${LINKS}/${link.id}`, { title: 'Sneaky', [name]: 'x' });
      assertError(res, { status: 400, code: 'parameter_unknown', param: name }, name);
    }
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.deepEqual(read.json, link);
  });

  it('invalid values are refused with their param and nothing changes', async () => {
    const cases = [
      [{ title: '' }, 'title_invalid', 'title'],
      [{ title: null }, 'title_invalid', 'title'],
      [{ fiatAmount: 5 }, 'amount_invalid', 'fiatAmount'],
      [{ fiatAmount: '0' }, 'amount_invalid', 'fiatAmount'],
      [{ fiatCurrency: 'XYZ' }, 'currency_invalid', 'fiatCurrency'],
      [{ successUrl: 'http://example.com/' }, 'url_invalid', 'successUrl'],
      [{ cancelUrl: 'javascript:alert(1)' }, 'url_invalid', 'cancelUrl'],
      [{ active: 'false' }, 'parameter_invalid', 'active'],
      [{ expiresAt: '2001-01-01T00:00:00Z' }, 'expires_at_invalid', 'expiresAt'],
      [{ description: 'x'.repeat(501) }, 'description_invalid', 'description'],
    ];
    for (const [fields, code, param] of cases) {
      const res = await w.patch(`${LINKS}/${link.id}`, fields);
      assertError(res, { status: 400, code, param }, JSON.stringify(fields));
    }
    const read = await w.get(`${LINKS}/${link.id}`);
    assert.deepEqual(read.json, link);
  });
});

describe('pagination over 250 links', () => {
  it('walks forwards and backwards with no gap, no duplicate, newest first', async () => {
    const existing = await listAll(w);
    await sleep(2); // every new link is strictly newer than every existing one
    const made = await inBatches(Array.from({ length: 250 }, (_, i) => i), 10, (i) =>
      createLink(w, { title: `Page ${i}`, fiatAmount: String(i + 1) }),
    );
    const madeIds = new Set(made.map((l) => l.id));
    assert.equal(madeIds.size, 250);
    const expectedIds = new Set([...madeIds, ...existing.map((l) => l.id)]);

    // Forwards, 100 at a time.
    const forward = [];
    const forwardPages = [];
    let cursor = null;
    for (;;) {
      const res = await w.get(`${LINKS}?limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
      assert.equal(res.status, 200, res.text);
      const page = res.json;
      forwardPages.push(page);
      assert.ok(page.data.length <= 100);
      forward.push(...page.data);
      if (!page.has_more) break;
      assert.equal(page.data.length, 100, 'a page with has_more is full');
      cursor = page.data.at(-1).id;
      assert.ok(forwardPages.length < 20, 'runaway pagination');
    }
    assert.equal(forwardPages[0].has_more, true);
    assert.equal(forwardPages.at(-1).has_more, false);
    assert.ok(forwardPages.length >= 3);
    const ids = forward.map((l) => l.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate in the forward walk');
    assert.equal(ids.length, expectedIds.size, 'gap or extra in the forward walk');
    assert.deepEqual(new Set(ids), expectedIds);
    assertNewestFirst(forward);
    // The new ones were created after the existing ones, so they all come first.
    assert.deepEqual(new Set(ids.slice(0, 250)), madeIds);
    // Each listed link is the stored one.
    const byId = new Map(made.map((l) => [l.id, l]));
    for (const link of forward.slice(0, 250)) assert.deepEqual(link, byId.get(link.id));

    // Past the oldest: nothing more.
    const pastEnd = await w.get(`${LINKS}?limit=100&starting_after=${ids.at(-1)}`);
    assert.deepEqual(pastEnd.json.data, []);
    assert.equal(pastEnd.json.has_more, false);
    // Before the newest: nothing newer.
    const beforeStart = await w.get(`${LINKS}?limit=100&ending_before=${ids[0]}`);
    assert.deepEqual(beforeStart.json.data, []);
    assert.equal(beforeStart.json.has_more, false);

    // Backwards from the oldest, 100 at a time: each page is the 100 just newer than the
    // cursor, still newest first within the page.
    const backward = [];
    cursor = ids.at(-1);
    let backPages = 0;
    for (;;) {
      const res = await w.get(`${LINKS}?limit=100&ending_before=${cursor}`);
      assert.equal(res.status, 200, res.text);
      const page = res.json;
      backPages++;
      const at = ids.indexOf(cursor);
      const expected = ids.slice(Math.max(0, at - 100), at);
      assert.deepEqual(page.data.map((l) => l.id), expected, `backward page ${backPages}`);
      assert.equal(page.has_more, at - 100 > 0, `has_more on backward page ${backPages}`);
      backward.unshift(...page.data);
      if (!page.has_more) break;
      cursor = page.data[0].id;
      assert.ok(backPages < 20, 'runaway pagination');
    }
    assert.deepEqual(backward.map((l) => l.id), ids.slice(0, -1));

    // Smaller pages in the middle agree with the full walk.
    const mid = await w.get(`${LINKS}?limit=7&starting_after=${ids[120]}`);
    assert.deepEqual(mid.json.data.map((l) => l.id), ids.slice(121, 128));
    assert.equal(mid.json.has_more, true);
    const midBack = await w.get(`${LINKS}?limit=7&ending_before=${ids[120]}`);
    assert.deepEqual(midBack.json.data.map((l) => l.id), ids.slice(113, 120));
    assert.equal(midBack.json.has_more, true);
  });

  it('a cursor that was deleted still pages from its place', async () => {
    const all = await listAll(w);
    const cursor = all[50];
    const res = await w.del(`${LINKS}/${cursor.id}`);
    assert.equal(res.status, 200);
    const next = await w.get(`${LINKS}?limit=3&starting_after=${cursor.id}`);
    assert.deepEqual(next.json.data.map((l) => l.id), all.slice(51, 54).map((l) => l.id));
    const previous = await w.get(`${LINKS}?limit=3&ending_before=${cursor.id}`);
    assert.deepEqual(previous.json.data.map((l) => l.id), all.slice(47, 50).map((l) => l.id));
  });
});

function assertNewestFirst(links) {
  for (let i = 1; i < links.length; i++) {
    assert.ok(links[i - 1].id > links[i].id, `ids not strictly descending at ${i}`);
    assert.ok(links[i - 1].createdAt >= links[i].createdAt, `createdAt not descending at ${i}`);
  }
}

describe('Idempotency-Key', () => {
  it('a replay answers the same status and body and creates nothing', async () => {
    const body = { title: 'Idempotent', fiatAmount: '42' };
    const headers = { 'idempotency-key': `order-${Date.now()}` };
    const countBefore = (await listAll(w)).length;
    const first = await w.post(LINKS, body, { headers });
    assert.equal(first.status, 201, first.text);
    for (let i = 0; i < 3; i++) {
      const again = await w.post(LINKS, body, { headers });
      assert.equal(again.status, first.status);
      assert.equal(again.text, first.text);
      assertJsonResponse(again);
    }
    const listed = await listAll(w);
    assert.equal(listed.length, countBefore + 1);
    assert.equal(listed.filter((l) => l.title === 'Idempotent').length, 1);
  });

  it('the same key with another body is 409 idempotency_key_reused', async () => {
    const headers = { 'idempotency-key': `reuse-${Date.now()}` };
    const first = await w.post(LINKS, { title: 'Reuse A', fiatAmount: '1' }, { headers });
    assert.equal(first.status, 201);
    const countBefore = (await listAll(w)).length;
    const other = await w.post(LINKS, { title: 'Reuse B', fiatAmount: '1' }, { headers });
    assertError(other, { status: 409, code: 'idempotency_key_reused', param: 'Idempotency-Key' });
    assert.equal((await listAll(w)).length, countBefore);
    // The original is still replayed.
    const replay = await w.post(LINKS, { title: 'Reuse A', fiatAmount: '1' }, { headers });
    assert.equal(replay.text, first.text);
  });

  it('different keys create different links', async () => {
    const body = { title: 'Twice', fiatAmount: '3' };
    const a = await w.post(LINKS, body, { headers: { 'idempotency-key': `a-${Date.now()}` } });
    const b = await w.post(LINKS, body, { headers: { 'idempotency-key': `b-${Date.now()}` } });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.json.id, b.json.id);
    assert.notEqual(a.json.slug, b.json.slug);
  });

  it('without a key the same body creates twice', async () => {
    const body = { title: 'No key', fiatAmount: '3' };
    const a = await w.post(LINKS, body);
    const b = await w.post(LINKS, body);
    assert.notEqual(a.json.id, b.json.id);
  });

  it('an unusable key is refused', async () => {
    const res = await w.post(LINKS, { title: 'x', fiatAmount: '1' }, {
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    assertError(res, { status: 400, code: 'idempotency_key_invalid', param: 'Idempotency-Key' });
  });
});

describe('concurrency', () => {
  it('50 concurrent creates: 50 distinct ids and slugs, all listed', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => w.post(LINKS, { title: `Concurrent ${i}`, fiatAmount: '7' })),
    );
    for (const res of results) assert.equal(res.status, 201, res.text);
    const links = results.map((r) => r.json);
    assert.equal(new Set(links.map((l) => l.id)).size, 50);
    assert.equal(new Set(links.map((l) => l.slug)).size, 50);
    const listed = await listAll(w);
    const listedById = new Map(listed.map((l) => [l.id, l]));
    for (const link of links) assert.deepEqual(listedById.get(link.id), link, `${link.id} not listed`);
    assertNewestFirst(listed);
    // Each is retrievable on its own, concurrently too.
    const reads = await Promise.all(links.map((l) => w.get(`${LINKS}/${l.id}`)));
    for (const [i, res] of reads.entries()) assert.deepEqual(res.json, links[i]);
  });

  // KV has no compare-and-set, so twins racing inside one instance are caught by the
  // engine's in-flight claims: one wins, the others get 409 (or replay the winner).
  it('concurrent creates with one Idempotency-Key create one link', async () => {
    for (let round = 0; round < 5; round++) {
      const headers = { 'idempotency-key': `race-${round}-${Date.now()}` };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => w.post(LINKS, { title: `Race ${round}`, fiatAmount: '1' }, { headers })),
      );
      const created = results.filter((r) => r.status === 201);
      assert.ok(created.length >= 1, `round ${round}: nothing created`);
      assert.equal(new Set(created.map((r) => r.json.id)).size, 1, `round ${round}: several links`);
      for (const res of results.filter((r) => r.status !== 201)) {
        assertError(res, { status: 409, code: 'idempotency_key_in_use', param: 'Idempotency-Key' });
      }
      const again = await w.post(LINKS, { title: `Race ${round}`, fiatAmount: '1' }, { headers });
      assert.equal(again.text, created[0].text);
    }
  });

  it('concurrent creates with one custom slug: one 201, the rest 409 slug_taken', async () => {
    for (let round = 0; round < 5; round++) {
      const slug = `race-slug-${round}-${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => w.post(LINKS, { title: 'Race', fiatAmount: '1', slug })),
      );
      assert.equal(results.filter((r) => r.status === 201).length, 1, `round ${round}`);
      for (const res of results.filter((r) => r.status !== 201)) {
        assertError(res, { status: 409, code: 'slug_taken', param: 'slug' });
      }
    }
  });
});
