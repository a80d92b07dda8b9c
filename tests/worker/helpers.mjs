// Shared assertions and small utilities for the worker tests (node:test, real workerd + KV).
import assert from 'node:assert/strict';

export const LINKS = '/api/v1/payment_links';

/**
 * A complete chain configuration for a local (anvil) network. The payment-link routes never
 * reach the chain, but the worker refuses to serve with an incomplete configuration.
 */
export const CHAIN_VARS = {
  NETWORK: 'local',
  RPC_URL: 'http://127.0.0.1:8545',
  TOKEN_ADDRESS: `0x${'11'.repeat(20)}`,
  FORWARDER_FACTORY: `0x${'22'.repeat(20)}`,
  FORWARDER_IMPLEMENTATION: `0x${'33'.repeat(20)}`,
  // Links in these currencies need a rate source, or they are refused (currency_unpriced).
  RATES: JSON.stringify({ EUR: '1.08', GBP: '1.27', JPY: '0.0067', SGD: '0.74' }),
};

/** Crockford base32 as the ids use it: `pl_` + 26 characters (10 of time, 16 of randomness). */
export const LINK_ID = /^pl_[0-9A-HJKMNP-TV-Z]{26}$/;
/** ISO 8601 UTC with milliseconds, as every timestamp of the API is written. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const SLUG = /^[a-z0-9][a-z0-9-]{2,63}$/;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task(item)` over `items` with at most `width` in flight, results in input order. */
export async function inBatches(items, width, task) {
  const results = new Array(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const at = next++;
      results[at] = await task(items[at], at);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/** A response is JSON, whatever its status. */
export function assertJsonResponse(res) {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/i, `content-type of: ${res.text}`);
  assert.notEqual(res.json, undefined, `body is not JSON: ${res.text.slice(0, 200)}`);
}

/**
 * The error shape (docs/openapi.yaml): {"error":{type, code, message, param?}}. `param` undefined means
 * "no param member"; pass a string to require that exact param.
 */
export function assertError(res, { status, type, code, param }, label = '') {
  const where = `${label ? `${label}: ` : ''}${res.status} ${res.text.slice(0, 300)}`;
  assert.ok(res.status < 500, `5xx answered: ${where}`);
  assert.equal(res.status, status, where);
  assertJsonResponse(res);
  const error = res.json.error;
  assert.equal(typeof error, 'object', where);
  assert.deepEqual(Object.keys(res.json), ['error'], where);
  assert.equal(error.type, type ?? expectedType(status), where);
  assert.equal(error.code, code, where);
  assert.equal(typeof error.message, 'string', where);
  assert.ok(error.message.length > 0, where);
  if (param === undefined) assert.equal(error.param, undefined, `unexpected param: ${where}`);
  else assert.equal(error.param, param, where);
}

export function expectedType(status) {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Every member of a payment link, with its type and format (the PaymentLink schema of docs/openapi.yaml). */
export function assertLinkShape(link, origin) {
  assert.deepEqual(Object.keys(link).sort(), [
    'active', 'cancelUrl', 'checkoutUrl', 'completedSessions', 'createdAt', 'description', 'expiresAt',
    'fiatAmount', 'fiatCurrency', 'id', 'livemode', 'maxPayments', 'metadata', 'object', 'slug',
    'successUrl', 'title', 'updatedAt',
  ]);
  assert.match(link.id, LINK_ID);
  assert.equal(link.object, 'payment_link');
  assert.match(link.slug, SLUG);
  assert.equal(typeof link.title, 'string');
  assert.ok(link.description === null || typeof link.description === 'string');
  assert.equal(typeof link.fiatAmount, 'string');
  assert.match(link.fiatAmount, /^\d+(\.\d{1,2})?$/);
  assert.match(link.fiatCurrency, /^[A-Z]{3,4}$/);
  assert.ok(link.successUrl === null || typeof link.successUrl === 'string');
  assert.ok(link.cancelUrl === null || typeof link.cancelUrl === 'string');
  assert.equal(typeof link.active, 'boolean');
  assert.ok(link.expiresAt === null || ISO_UTC.test(link.expiresAt), `expiresAt ${link.expiresAt}`);
  // A count only where there is a limit to count against (it costs a KV list).
  if (link.maxPayments === null) assert.equal(link.completedSessions, null);
  else {
    assert.ok(Number.isInteger(link.maxPayments) && link.maxPayments >= 1, `maxPayments ${link.maxPayments}`);
    assert.ok(Number.isInteger(link.completedSessions) && link.completedSessions >= 0, `completedSessions ${link.completedSessions}`);
  }
  assert.equal(typeof link.metadata, 'object');
  assert.ok(link.metadata !== null && !Array.isArray(link.metadata));
  assert.equal(typeof link.checkoutUrl, 'string');
  const checkout = new URL(link.checkoutUrl); // absolute, or this throws
  assert.ok(checkout.protocol === 'https:' || checkout.protocol === 'http:');
  assert.ok(link.checkoutUrl.endsWith(`/l/${link.slug}`), link.checkoutUrl);
  if (origin) assert.equal(link.checkoutUrl, `${origin}/l/${link.slug}`);
  assert.equal(typeof link.livemode, 'boolean');
  for (const stamp of [link.createdAt, link.updatedAt]) {
    assert.match(stamp, ISO_UTC);
    assert.equal(new Date(stamp).toISOString(), stamp);
  }
  assert.ok(link.updatedAt >= link.createdAt);
}

/** Walks the whole list newest first with limit=100 and starting_after; returns the links. */
export async function listAll(worker, path = LINKS) {
  const all = [];
  let after = null;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await worker.get(`${path}?limit=100${after ? `&starting_after=${after}` : ''}`);
    assert.equal(res.status, 200, res.text);
    all.push(...res.json.data);
    if (!res.json.has_more) return all;
    assert.ok(res.json.data.length > 0, 'has_more with an empty page');
    after = res.json.data.at(-1).id;
  }
  throw new Error('list did not end');
}

/** Creates a link and returns it (asserting 201). */
export async function createLink(worker, body = {}, options = {}) {
  const res = await worker.post(LINKS, { title: 'Tee', fiatAmount: '25', ...body }, options);
  assert.equal(res.status, 201, res.text);
  return res.json;
}
