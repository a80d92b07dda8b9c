// The OpenAPI document (docs/openapi.yaml): valid OpenAPI 3.1 by an independent validator,
// in step with the core's own tables (routes, error codes; statuses, event types and
// currencies through core/catalog), and served by the worker at GET /api/v1/openapi.json as the build embedded it.
// (Every answer the other worker tests receive is checked against it: tests/support/openapi.mjs.)
import { Validator } from '@seriousme/openapi-schema-validator';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadCatalog } from '../support/catalog.mjs';
import { loadDocument, matchPath } from '../support/openapi.mjs';
import { ROOT, startWorker } from '../support/worker.mjs';

const source = (path) => readFileSync(`${ROOT}${path}`, 'utf8');
const document = loadDocument();
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the OpenAPI document', () => {
  test('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.equal(validator.version, '3.1');
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('documents every route of the core, and no other', () => {
    const table = source('core/http/router.cpp');
    const rows = [...table.matchAll(/RouteSpec\{"([A-Z]+)",\s*"([^"]+)"/g)].map(([, method, pattern]) => ({ method, pattern }));
    assert.ok(rows.length >= 27, `read ${rows.length} routes from kRoutes`);
    const documented = new Set();
    for (const [template, item] of Object.entries(document.paths))
      for (const method of METHODS) if (item[method]) documented.add(`${method.toUpperCase()} ${template.replace(/\{[^}]+\}/g, '{}')}`);
    const routes = new Set(rows.map(({ method, pattern }) => `${method} ${pattern}`));
    assert.deepEqual([...routes].filter((r) => !documented.has(r)), [], 'routes of kRoutes missing from the document');
    assert.deepEqual([...documented].filter((r) => !routes.has(r)), [], 'operations the core does not route');
    // A request path finds its own template (the literal /api/v1/openapi.json included).
    assert.equal(matchPath('/api/v1/openapi.json'), '/api/v1/openapi.json');
    assert.equal(matchPath('/api/v1/payment_links/pl_x?expand=1'), '/api/v1/payment_links/{id}');
  });

  test('names every error code of core/http/error.cpp, with the type its status implies', () => {
    const table = source('core/http/error.cpp');
    const rows = [...table.matchAll(/Row\{\w+, \{"(\w+)", (\d+)\}\}/g)].map(([, code, status]) => ({ code, status: Number(status) }));
    assert.ok(rows.length >= 40);
    const error = document.components.schemas.Error.properties.error.properties;
    assert.deepEqual(error.code.enum, rows.map((r) => r.code));
    const types = new Set(rows.map(({ status }) =>
      status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error'));
    assert.deepEqual(new Set(error.type.enum), types);
  });

  test('lists the core\'s statuses, event types and currencies (core/catalog)', () => {
    const schemas = document.components.schemas;
    const catalog = loadCatalog();
    // SessionStatus is the payment state (what lists filter by); the merchant's object may
    // also say what refunds made of it.
    assert.deepEqual(schemas.SessionStatus.enum, catalog.statuses.filter((s) => !s.refund).map((s) => s.name));
    assert.deepEqual(schemas.CheckoutSessionFields.properties.status.enum, catalog.statuses.map((s) => s.name));
    assert.deepEqual(schemas.EventType.enum, catalog.eventTypes.map((e) => e.type));
    const currencies = catalog.currencies.map((c) => c.code);
    assert.ok(currencies.length >= 20 && currencies.includes('USD'), currencies.join(' '));
    assert.deepEqual(schemas.Currency.enum, currencies);
    const input = new RegExp(schemas.CurrencyInput.pattern, 'u');
    for (const code of currencies) {
      assert.match(code, input);
      assert.match(code.toLowerCase(), input); // any letter case is read
    }
    assert.doesNotMatch('XYZ', input);
  });

  test('gives every JSON answer object additionalProperties or unevaluatedProperties false', () => {
    const open = [];
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      // Objects with members of their own, and compositions of a *Fields schema.
      const composed = schema.allOf?.some((part) => part.$ref?.endsWith('Fields'));
      const isObject = (schema.type === 'object' && schema.properties) || composed;
      if (!isObject || name.endsWith('Fields')) continue;
      if (schema.additionalProperties !== false && schema.unevaluatedProperties !== false) open.push(name);
    }
    assert.deepEqual(open, []);
  });
});

describe('GET /api/v1/openapi.json', () => {
  let w;
  before(async () => {
    w = await startWorker();
  });
  after(() => w?.dispose());

  test('serves the document without a key, with a strong ETag, and 304 for it', async (t) => {
    const res = await w.get('/api/v1/openapi.json', { key: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(res.json, document);
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const again = await w.get('/api/v1/openapi.json', { key: null, headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    const weak = await w.get('/api/v1/openapi.json', { key: null, headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.status, 304);
    const stale = await w.get('/api/v1/openapi.json', { key: null, headers: { 'if-none-match': '"0000"' } });
    assert.equal(stale.status, 200);
    // A wrong key does not matter on an open route.
    assert.equal((await w.get('/api/v1/openapi.json', { key: 'sk_test_wrong' })).status, 200);
    const head = await w.request('HEAD', '/api/v1/openapi.json', { key: null });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    t.diagnostic(`openapi.json: ${res.text.length} bytes, ${gzipSync(res.text, { level: 9 }).length} gzipped`);
  });

  test('refuses other methods with 405', async () => {
    const res = await w.post('/api/v1/openapi.json', {}, { key: null });
    assert.equal(res.status, 405);
    assert.equal(res.json.error.code, 'method_not_allowed');
  });
});
