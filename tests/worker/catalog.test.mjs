// One source of truth: the session statuses, event types, currencies and networks are
// defined once in the core (core/catalog gathers them). The dashboard reads them from its
// page and README.md and docs/openapi.yaml have them written by the build
// (scripts/build/catalog-docs.mjs); these tests hold each place to the core.
//   node --test tests/worker/catalog.test.mjs   (after `make build`)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogDocs, generatedParts } from '../../scripts/build/catalog-docs.mjs';
import { loadCatalog } from '../support/catalog.mjs';
import { ROOT, startWorker } from '../support/worker.mjs';

const catalog = loadCatalog();

describe('core/catalog', () => {
  it('holds every status, event type, currency and network once', () => {
    const names = (list, key) => list.map((x) => x[key]);
    for (const [list, key, least] of [
      [catalog.statuses, 'name', 8],
      [catalog.eventTypes, 'type', 11],
      [catalog.currencies, 'code', 20],
      [catalog.networks, 'name', 4],
    ]) {
      assert.ok(list.length >= least, `${key}: ${names(list, key).join(' ')}`);
      assert.equal(new Set(names(list, key)).size, list.length, `${key}s are distinct`);
    }
    // Every session status has an event of its own, but `open` (a session is created open).
    const sessionEvents = catalog.eventTypes.map((e) => e.type).filter((t) => t.startsWith('checkout_session.'));
    for (const { name } of catalog.statuses)
      if (name !== 'open') assert.ok(sessionEvents.includes(`checkout_session.${name}`), name);
    assert.deepEqual(
      catalog.statuses.filter((s) => s.fulfilled).map((s) => s.name),
      ['paid', 'overpaid', 'paid_late'],
    );
    for (const s of catalog.statuses) assert.ok(['ok', 'live', 'warn', 'muted'].includes(s.tone), s.name);
  });

  it('README.md and docs/openapi.yaml are what the build writes from it', () => {
    for (const { path, now, want } of catalogDocs(catalog)) assert.equal(now, want, `${path} is stale: run make native`);
  });

  it('a status added to the core reaches both documents (the generator is not a no-op)', () => {
    const grown = structuredClone(catalog);
    grown.statuses.push({ name: 'on_hold', label: 'On hold', tone: 'warn', fulfilled: false, meaning: 'held for review' });
    grown.eventTypes.push({ type: 'checkout_session.on_hold', when: 'the merchant held it' });
    grown.currencies.push({ code: 'XTS', exponent: 2 });
    const docs = Object.fromEntries(catalogDocs(grown).map((d) => [d.path, d]));
    assert.match(docs['README.md'].want, /\| `on_hold` \| no \| held for review \|/);
    assert.match(docs['README.md'].want, /\| `checkout_session\.on_hold` \| the merchant held it \|/);
    assert.match(docs['docs/openapi.yaml'].want, /enum: \[open, [^\]]*, on_hold\]/);
    assert.match(docs['docs/openapi.yaml'].want, /\[Xx\]\[Tt\]\[Ss\]\)\$"/);
    assert.notEqual(docs['README.md'].want, docs['README.md'].now);
    // The parts are built from the catalog alone.
    assert.ok(generatedParts(grown).readme.currencies.includes('`XTS` (2 decimals)'));
  });
});

describe('the dashboard', () => {
  let w;
  before(async () => {
    w = await startWorker();
  });
  after(async () => {
    await w?.dispose();
  });

  it('carries the catalog of the module it is served by, and its script repeats none of it', async () => {
    const page = await w.get('/dashboard', { key: null });
    assert.equal(page.status, 200);
    const block = /<script id="catalog" type="application\/json">([^<]*)<\/script>/.exec(page.text);
    assert.ok(block, 'the page has the catalog data block');
    // The page's copy leaves the prose out (statuses' meaning, event types' when).
    const withoutProse = {
      ...catalog,
      statuses: catalog.statuses.map(({ meaning, ...rest }) => rest),
      eventTypes: catalog.eventTypes.map(({ when, ...rest }) => rest),
    };
    assert.deepEqual(JSON.parse(block[1]), withoutProse, 'the wasm module and the native build agree');
    const script = readFileSync(join(ROOT, 'assets/dashboard.js'), 'utf8');
    for (const name of ['paid_late', 'underpaid', 'reorged', 'checkout_session.', 'payment_link.', 'basescan', 'EUR'])
      assert.ok(!script.includes(`'${name}`), `assets/dashboard.js spells out ${name}`);
    assert.ok(!/<option>[A-Z]{3}<\/option>/.test(page.text), 'no currency list in the page markup');
  });
});
