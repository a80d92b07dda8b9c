// The bad-input table (issue 2): every request below is answered with the documented 4xx,
// error type, code and param — never a 5xx — and none of them creates anything.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { TEST_KEY, startWorker } from '../support/worker.mjs';
import { CHAIN_VARS, LINKS, assertError, assertLinkShape, listAll } from './helpers.mjs';

let w;
const accepted = new Set(); // ids of links the positive rows created on purpose

before(async () => {
  w = await startWorker({ vars: CHAIN_VARS });
});

after(async () => {
  await w?.dispose();
});

const WELL_FORMED_MISSING_ID = 'pl_01M80W4SDBZTZ98K6GWQJXC7H8';
const JSON_TYPE = { 'content-type': 'application/json' };

/** A create body: a valid link with `changes` merged in (undefined removes a member). */
function link(changes = {}) {
  const body = { title: 'Tee', fiatAmount: '150', ...changes };
  for (const [name, value] of Object.entries(body)) if (value === undefined) delete body[name];
  return body;
}

const httpsUrl = (length) => {
  const base = 'https://shop.example/';
  return base + 'a'.repeat(length - base.length);
};

/** `text` as UTF-8 bytes, with its one "\u00ff" replaced by the raw `bytes` given. */
function utf8Mangled(text, ...bytes) {
  const [head, tail] = text.split('\u00ff');
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
}

/** A raw JSON create body of exactly `bytes` bytes whose description is too long. */
function bodyOfBytes(bytes) {
  const head = '{"title":"Tee","fiatAmount":"150","description":"';
  const tail = '"}';
  return head + 'd'.repeat(bytes - head.length - tail.length) + tail;
}

// [name, request, expected]. request: {method, path, body | raw, headers, key}; defaults to
// POST /api/v1/payment_links with the test key. expected: {status, code, param?, type?}.
const A = (param) => ({ status: 400, code: 'amount_invalid', param });
const C = { status: 400, code: 'currency_invalid', param: 'fiatCurrency' };
const T = { status: 400, code: 'title_invalid', param: 'title' };
const D = { status: 400, code: 'description_invalid', param: 'description' };
const U = (param = 'successUrl') => ({ status: 400, code: 'url_invalid', param });
const S = { status: 400, code: 'slug_invalid', param: 'slug' };
const E = { status: 400, code: 'expires_at_invalid', param: 'expiresAt' };
const JSONX = { status: 400, code: 'json_invalid' };
const MISSING = { status: 404, code: 'resource_missing', param: 'id' };
const LIMIT = { status: 400, code: 'limit_invalid', param: 'limit' };
const CURSOR = (param) => ({ status: 400, code: 'cursor_invalid', param });
const NO_KEY = { status: 401, type: 'authentication_error', code: 'api_key_missing' };
const BAD_KEY = { status: 401, type: 'authentication_error', code: 'api_key_invalid' };

const rows = [
  // fiatAmount: a decimal string ^\d+(\.\d{1,2})?$ from 0.01 to 100,000,000.
  ['fiatAmount as a JSON number', { body: link({ fiatAmount: 150 }) }, A('fiatAmount')],
  ['fiatAmount as a JSON fraction', { body: link({ fiatAmount: 1.5 }) }, A('fiatAmount')],
  ['fiatAmount null', { body: link({ fiatAmount: null }) }, A('fiatAmount')],
  ['fiatAmount as an object', { body: link({ fiatAmount: { value: '1' } }) }, A('fiatAmount')],
  ['fiatAmount "0"', { body: link({ fiatAmount: '0' }) }, A('fiatAmount')],
  ['fiatAmount "0.00"', { body: link({ fiatAmount: '0.00' }) }, A('fiatAmount')],
  ['fiatAmount "0.001"', { body: link({ fiatAmount: '0.001' }) }, A('fiatAmount')],
  ['fiatAmount "100000000.01"', { body: link({ fiatAmount: '100000000.01' }) }, A('fiatAmount')],
  ['fiatAmount of 30 digits', { body: link({ fiatAmount: '9'.repeat(30) }) }, A('fiatAmount')],
  ['fiatAmount "-1"', { body: link({ fiatAmount: '-1' }) }, A('fiatAmount')],
  ['fiatAmount "+1"', { body: link({ fiatAmount: '+1' }) }, A('fiatAmount')],
  ['fiatAmount "1e3"', { body: link({ fiatAmount: '1e3' }) }, A('fiatAmount')],
  ['fiatAmount "0x10"', { body: link({ fiatAmount: '0x10' }) }, A('fiatAmount')],
  ['fiatAmount " 5"', { body: link({ fiatAmount: ' 5' }) }, A('fiatAmount')],
  ['fiatAmount "5 "', { body: link({ fiatAmount: '5 ' }) }, A('fiatAmount')],
  ['fiatAmount Arabic-Indic digit "٥"', { body: link({ fiatAmount: '٥' }) }, A('fiatAmount')],
  ['fiatAmount full-width "１２"', { body: link({ fiatAmount: '１２' }) }, A('fiatAmount')],
  ['fiatAmount ""', { body: link({ fiatAmount: '' }) }, A('fiatAmount')],
  ['fiatAmount "1."', { body: link({ fiatAmount: '1.' }) }, A('fiatAmount')],
  ['fiatAmount ".5"', { body: link({ fiatAmount: '.5' }) }, A('fiatAmount')],
  ['fiatAmount "1,50"', { body: link({ fiatAmount: '1,50' }) }, A('fiatAmount')],
  ['fiatAmount "1.5.0"', { body: link({ fiatAmount: '1.5.0' }) }, A('fiatAmount')],
  ['fiatAmount "NaN"', { body: link({ fiatAmount: 'NaN' }) }, A('fiatAmount')],
  ['fiatAmount "Infinity"', { body: link({ fiatAmount: 'Infinity' }) }, A('fiatAmount')],
  ['fiatAmount "1.5" in JPY (no minor unit)', { body: link({ fiatAmount: '1.5', fiatCurrency: 'JPY' }) }, A('fiatAmount')],
  ['fiatAmount "0.5" in JPY', { body: link({ fiatAmount: '0.5', fiatCurrency: 'JPY' }) }, A('fiatAmount')],
  ['fiatAmount missing', { body: link({ fiatAmount: undefined }) }, { status: 400, code: 'parameter_missing', param: 'fiatAmount' }],

  // fiatCurrency: ISO 4217 from the table, or USDC.
  ['fiatCurrency "XYZ"', { body: link({ fiatCurrency: 'XYZ' }) }, C],
  ['fiatCurrency as a number', { body: link({ fiatCurrency: 840 }) }, C],
  ['fiatCurrency ""', { body: link({ fiatCurrency: '' }) }, C],
  ['fiatCurrency "US"', { body: link({ fiatCurrency: 'US' }) }, C],
  ['fiatCurrency "usd " (padded)', { body: link({ fiatCurrency: 'usd ' }) }, C],
  ['fiatCurrency "USDT"', { body: link({ fiatCurrency: 'USDT' }) }, C],
  ['fiatCurrency null', { body: link({ fiatCurrency: null }) }, C],

  // title: 1–200 characters, no control characters.
  ['title missing', { body: link({ title: undefined }) }, { status: 400, code: 'parameter_missing', param: 'title' }],
  ['title ""', { body: link({ title: '' }) }, T],
  ['title blank', { body: link({ title: '   ' }) }, T],
  ['title with U+0001', { body: link({ title: 'a\u0001b' }) }, T],
  ['title with NUL', { body: link({ title: 'a\u0000b' }) }, T],
  ['title with a newline', { body: link({ title: 'a\nb' }) }, T],
  ['title with a tab', { body: link({ title: 'a\tb' }) }, T],
  ['title with DEL', { body: link({ title: 'a\u007fb' }) }, T],
  ['title with a C1 control (U+0085)', { body: link({ title: 'a\u0085b' }) }, T],
  ['title with a bidi override (U+202E)', { body: link({ title: 'a\u202eb' }) }, T],
  ['title of 201 characters', { body: link({ title: 'x'.repeat(201) }) }, T],
  ['title of 201 CJK characters', { body: link({ title: '字'.repeat(201) }) }, T],
  ['title as a number', { body: link({ title: 42 }) }, T],
  ['title null', { body: link({ title: null }) }, T],

  // description: ≤ 500 characters or null.
  ['description of 501 characters', { body: link({ description: 'x'.repeat(501) }) }, D],
  ['description of 501 two-byte characters', { body: link({ description: 'é'.repeat(501) }) }, D],
  ['description as a number', { body: link({ description: 5 }) }, D],
  ['description with NUL', { body: link({ description: 'a\u0000b' }) }, D],

  // successUrl / cancelUrl: absolute https:// ≤ 2048, no credentials.
  ['successUrl javascript:', { body: link({ successUrl: 'javascript:alert(1)' }) }, U()],
  ['successUrl data:', { body: link({ successUrl: 'data:text/html,<script>alert(1)</script>' }) }, U()],
  ['successUrl http://example.com', { body: link({ successUrl: 'http://example.com/ok' }) }, U()],
  ['cancelUrl http://example.com', { body: link({ cancelUrl: 'http://example.com/no' }) }, U('cancelUrl')],
  ['successUrl http://localhost.evil.example', { body: link({ successUrl: 'http://localhost.evil.example/' }) }, U()],
  ['successUrl ftp://', { body: link({ successUrl: 'ftp://shop.example/file' }) }, U()],
  ['successUrl relative', { body: link({ successUrl: '/thanks' }) }, U()],
  ['successUrl protocol-relative', { body: link({ successUrl: '//shop.example/thanks' }) }, U()],
  ['successUrl without a host', { body: link({ successUrl: 'https:///path' }) }, U()],
  ['successUrl with a space', { body: link({ successUrl: 'https://shop example/' }) }, U()],
  ['successUrl with a bad port', { body: link({ successUrl: 'https://shop.example:99999/' }) }, U()],
  ['successUrl with user:password', { body: link({ successUrl: 'https://user:pass@shop.example/' }) }, U()],
  ['cancelUrl with a user name', { body: link({ cancelUrl: 'https://user@shop.example/' }) }, U('cancelUrl')],
  ['successUrl of 2049 characters', { body: link({ successUrl: httpsUrl(2049) }) }, U()],
  ['cancelUrl of 2049 characters', { body: link({ cancelUrl: httpsUrl(2049) }) }, U('cancelUrl')],
  ['successUrl as a number', { body: link({ successUrl: 42 }) }, U()],
  ['successUrl with a newline', { body: link({ successUrl: 'https://shop.example/\nx' }) }, U()],

  // slug: ^[a-z0-9][a-z0-9-]{2,63}$.
  ['slug in upper case', { body: link({ slug: 'ABC' }) }, S],
  ['slug too short', { body: link({ slug: 'ab' }) }, S],
  ['slug too long', { body: link({ slug: 'a'.repeat(65) }) }, S],
  ['slug starting with a hyphen', { body: link({ slug: '-abc' }) }, S],
  ['slug with an underscore', { body: link({ slug: 'ab_c' }) }, S],
  ['slug with a slash', { body: link({ slug: 'ab/cd' }) }, S],
  ['slug as a number', { body: link({ slug: 1234 }) }, S],

  // expiresAt: future ISO 8601 / Unix seconds, or null.
  ['expiresAt in the past (ISO)', { body: link({ expiresAt: '2001-01-01T00:00:00Z' }) }, E],
  ['expiresAt in the past (Unix seconds)', { body: link({ expiresAt: 1000 }) }, E],
  ['expiresAt malformed', { body: link({ expiresAt: 'yesterday' }) }, E],
  ['expiresAt impossible date', { body: link({ expiresAt: '2099-02-30T00:00:00Z' }) }, E],
  ['expiresAt without a zone', { body: link({ expiresAt: '2099-01-01T00:00:00' }) }, E],
  ['expiresAt as a fraction', { body: link({ expiresAt: 4102444800.5 }) }, E],
  ['expiresAt negative', { body: link({ expiresAt: -1 }) }, E],
  ['expiresAt as a boolean', { body: link({ expiresAt: true }) }, E],

  ['active as a string', { body: link({ active: 'yes' }) }, { status: 400, code: 'parameter_invalid', param: 'active' }],

  // Unknown members, including the read-only ones on create.
  ['unknown field', { body: link({ colour: 'red' }) }, { status: 400, code: 'parameter_unknown', param: 'colour' }],
  ['id on create', { body: link({ id: WELL_FORMED_MISSING_ID }) }, { status: 400, code: 'parameter_unknown', param: 'id' }],
  ['livemode on create', { body: link({ livemode: true }) }, { status: 400, code: 'parameter_unknown', param: 'livemode' }],
  ['snake_case alias', { body: link({ fiat_amount: '1' }) }, { status: 400, code: 'parameter_unknown', param: 'fiat_amount' }],

  // The body itself.
  ['invalid JSON', { raw: '{title: "Tee"}', headers: JSON_TYPE }, JSONX],
  ['truncated JSON', { raw: '{"title":"Tee","fiatAmount":"15', headers: JSON_TYPE }, JSONX],
  ['trailing garbage after JSON', { raw: '{"title":"Tee","fiatAmount":"1"} x', headers: JSON_TYPE }, JSONX],
  ['two JSON values', { raw: '{"title":"Tee","fiatAmount":"1"}{}', headers: JSON_TYPE }, JSONX],
  ['a lone surrogate in a string', { raw: '{"title":"\\ud800","fiatAmount":"1"}', headers: JSON_TYPE }, JSONX],
  // Raw bytes that are not UTF-8 (RFC 8259 §8.1): a stray 0xFF, and an overlong "/".
  ['a byte 0xFF in a string', { raw: utf8Mangled('{"title":"Te\u00ffe","fiatAmount":"1"}', 0xff), headers: JSON_TYPE }, JSONX],
  ['an overlong encoding', { raw: utf8Mangled('{"title":"T\u00ffe","fiatAmount":"1"}', 0xc0, 0xaf), headers: JSON_TYPE }, JSONX],
  // Valid JSON (RFC 8259 sets no range); the core never reads it as a float, so it is
  // refused for what it is: a number where the contract asks for a decimal string.
  ['a number beyond any float range', { raw: '{"title":"Tee","fiatAmount":1e400}', headers: JSON_TYPE }, A('fiatAmount')],
  ['a 400-digit integer amount', { raw: `{"title":"Tee","fiatAmount":${'9'.repeat(400)}}`, headers: JSON_TYPE }, A('fiatAmount')],
  ['a JSON array body', { raw: '[{"title":"Tee","fiatAmount":"1"}]', headers: JSON_TYPE }, { status: 400, code: 'body_not_object' }],
  ['a JSON string body', { raw: '"Tee"', headers: JSON_TYPE }, { status: 400, code: 'body_not_object' }],
  ['a JSON null body', { raw: 'null', headers: JSON_TYPE }, { status: 400, code: 'body_not_object' }],
  ['32 000 nested arrays (64 000 bytes)', { raw: '['.repeat(32000) + ']'.repeat(32000), headers: JSON_TYPE }, JSONX],
  ['60 000 unclosed arrays', { raw: '['.repeat(60000), headers: JSON_TYPE }, JSONX],
  ['deep nesting inside a member', {
    raw: `{"title":"Tee","fiatAmount":"1","x":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`,
    headers: JSON_TYPE,
  }, JSONX],
  // Over the 64 KiB limit the size answers first, however the bytes are arranged.
  ['100 000 nested arrays (200 000 bytes)', { raw: '['.repeat(100000) + ']'.repeat(100000), headers: JSON_TYPE },
    { status: 413, code: 'body_too_large' }],
  ['a 65 KiB body', { raw: bodyOfBytes(65 * 1024), headers: JSON_TYPE }, { status: 413, code: 'body_too_large' }],
  ['a body of 65 537 bytes', { raw: bodyOfBytes(65537), headers: JSON_TYPE }, { status: 413, code: 'body_too_large' }],
  ['a body of exactly 65 536 bytes is read', { raw: bodyOfBytes(65536), headers: JSON_TYPE }, D],
  ['Content-Type text/plain', { raw: JSON.stringify(link()), headers: { 'content-type': 'text/plain' } },
    { status: 415, code: 'content_type_unsupported' }],
  ['Content-Type form-urlencoded', {
    raw: 'title=Tee&fiatAmount=150', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }, { status: 415, code: 'content_type_unsupported' }],
  ['no Content-Type', { raw: JSON.stringify(link()) }, { status: 415, code: 'content_type_unsupported' }],
  ['Content-Type application/jsonx', { raw: JSON.stringify(link()), headers: { 'content-type': 'application/jsonx' } },
    { status: 415, code: 'content_type_unsupported' }],
  ['an empty body', { raw: '', headers: JSON_TYPE }, { status: 400, code: 'parameter_missing', param: 'title' }],
  ['Idempotency-Key of 256 characters', { body: link(), headers: { 'idempotency-key': 'k'.repeat(256) } },
    { status: 400, code: 'idempotency_key_invalid', param: 'Idempotency-Key' }],

  // Malformed or unknown ids in paths: 404 resource_missing, whatever the shape.
  ['GET id "pl_xyz"', { method: 'GET', path: `${LINKS}/pl_xyz` }, MISSING],
  ['GET id without a prefix', { method: 'GET', path: `${LINKS}/01M80W4SDBZTZ98K6GWQJXC7H8` }, MISSING],
  ['GET id with the session prefix', { method: 'GET', path: `${LINKS}/cs_01M80W4SDBZTZ98K6GWQJXC7H8` }, MISSING],
  ['GET id in lower case', { method: 'GET', path: `${LINKS}/${WELL_FORMED_MISSING_ID.toLowerCase()}` }, MISSING],
  ['GET id with a non-Crockford letter', { method: 'GET', path: `${LINKS}/pl_01M80W4SDBZTZ98K6GWQJXC7HU` }, MISSING],
  ['GET id too long', { method: 'GET', path: `${LINKS}/${WELL_FORMED_MISSING_ID}0` }, MISSING],
  ['GET id of 3000 characters', { method: 'GET', path: `${LINKS}/pl_${'A'.repeat(3000)}` }, MISSING],
  ['GET id with %00', { method: 'GET', path: `${LINKS}/pl_%00` }, MISSING],
  ['GET id with invalid UTF-8 %FF', { method: 'GET', path: `${LINKS}/%FF%FE` }, MISSING],
  ['GET id with a bad escape %ZZ', { method: 'GET', path: `${LINKS}/pl_%ZZ` }, MISSING],
  ['GET id with an encoded slash', { method: 'GET', path: `${LINKS}/pl_a%2Fb` }, MISSING],
  ['GET well-formed unknown id', { method: 'GET', path: `${LINKS}/${WELL_FORMED_MISSING_ID}` }, MISSING],
  ['PATCH unknown id', { method: 'PATCH', path: `${LINKS}/pl_xyz`, body: { title: 'x' } }, MISSING],
  ['PATCH well-formed unknown id', { method: 'PATCH', path: `${LINKS}/${WELL_FORMED_MISSING_ID}`, body: { title: 'x' } }, MISSING],
  ['DELETE unknown id', { method: 'DELETE', path: `${LINKS}/pl_xyz` }, MISSING],
  ['DELETE well-formed unknown id', { method: 'DELETE', path: `${LINKS}/${WELL_FORMED_MISSING_ID}` }, MISSING],

  // List query: cursors, limit, unknown parameters.
  ['starting_after "abc"', { method: 'GET', path: `${LINKS}?starting_after=abc` }, CURSOR('starting_after')],
  ['ending_before "abc"', { method: 'GET', path: `${LINKS}?ending_before=abc` }, CURSOR('ending_before')],
  ['starting_after empty', { method: 'GET', path: `${LINKS}?starting_after=` }, CURSOR('starting_after')],
  ['starting_after with another prefix', { method: 'GET', path: `${LINKS}?starting_after=cs_01M80W4SDBZTZ98K6GWQJXC7H8` }, CURSOR('starting_after')],
  ['ending_before truncated', { method: 'GET', path: `${LINKS}?ending_before=pl_01M80W4SDBZ` }, CURSOR('ending_before')],
  ['starting_after with %FF', { method: 'GET', path: `${LINKS}?starting_after=%FF` }, CURSOR('starting_after')],
  ['limit 0', { method: 'GET', path: `${LINKS}?limit=0` }, LIMIT],
  ['limit 101', { method: 'GET', path: `${LINKS}?limit=101` }, LIMIT],
  ['limit abc', { method: 'GET', path: `${LINKS}?limit=abc` }, LIMIT],
  ['limit -1', { method: 'GET', path: `${LINKS}?limit=-1` }, LIMIT],
  ['limit 1.5', { method: 'GET', path: `${LINKS}?limit=1.5` }, LIMIT],
  ['limit empty', { method: 'GET', path: `${LINKS}?limit=` }, LIMIT],
  ['limit 10000000000', { method: 'GET', path: `${LINKS}?limit=10000000000` }, LIMIT],
  ['unknown query parameter', { method: 'GET', path: `${LINKS}?colour=red` }, { status: 400, code: 'parameter_unknown', param: 'colour' }],
  ['limit given twice', { method: 'GET', path: `${LINKS}?limit=5&limit=6` }, { status: 400, code: 'parameter_invalid', param: 'limit' }],

  // Authentication: checked before anything else.
  ['no key (create)', { body: link(), key: null }, NO_KEY],
  ['no key (list)', { method: 'GET', path: LINKS, key: null }, NO_KEY],
  ['no key (retrieve)', { method: 'GET', path: `${LINKS}/${WELL_FORMED_MISSING_ID}`, key: null }, NO_KEY],
  ['no key (update)', { method: 'PATCH', path: `${LINKS}/${WELL_FORMED_MISSING_ID}`, body: { title: 'x' }, key: null }, NO_KEY],
  ['no key (delete)', { method: 'DELETE', path: `${LINKS}/${WELL_FORMED_MISSING_ID}`, key: null }, NO_KEY],
  ['no key and a bad body', { body: { fiatAmount: 5 }, key: null }, NO_KEY],
  ['blank Bearer key', { body: link(), key: null, headers: { authorization: 'Bearer ' } }, BAD_KEY],
  ['Bearer without a key', { body: link(), key: null, headers: { authorization: 'Bearer' } }, BAD_KEY],
  // An empty header is no credential at all (HTTP stacks may not even forward it).
  ['empty Authorization', { body: link(), key: null, headers: { authorization: '' } }, NO_KEY],
  ['wrong key', { body: link(), key: 'sk_test_wrong' }, BAD_KEY],
  ['key missing its last character', { body: link(), key: TEST_KEY.slice(0, -1) }, BAD_KEY],
  ['key with an extra character', { body: link(), key: `${TEST_KEY}x` }, BAD_KEY],
  ['key in another case', { body: link(), key: TEST_KEY.toUpperCase() }, BAD_KEY],
  ['Basic scheme', {
    body: link(), key: null, headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}` },
  }, BAD_KEY],
  ['key without a scheme', { body: link(), key: null, headers: { authorization: TEST_KEY } }, BAD_KEY],
  ['sk_live_ key against a test deployment', { body: link(), key: 'sk_live_local' }, BAD_KEY],
  ['wrong key on a bad id', { method: 'GET', path: `${LINKS}/pl_xyz`, key: 'sk_test_wrong' }, BAD_KEY],
];

/** Inputs at the edge of the rules that are accepted: [name, body, check(link)]. */
const acceptedRows = [
  ['lower-case currency "usd" is normalised to "USD"', link({ fiatCurrency: 'usd' }), (l) => {
    assert.equal(l.fiatCurrency, 'USD');
    assert.equal(l.fiatAmount, '150.00');
  }],
  ['mixed-case currency "jPy" is normalised to "JPY"', link({ fiatCurrency: 'jPy', fiatAmount: '1500' }), (l) => {
    assert.equal(l.fiatCurrency, 'JPY');
    assert.equal(l.fiatAmount, '1500');
  }],
  ['http://localhost:3000/ok with a test key', link({ successUrl: 'http://localhost:3000/ok' }), (l) => {
    assert.equal(l.successUrl, 'http://localhost:3000/ok');
  }],
  ['http://127.0.0.1:8080/cancel with a test key', link({ cancelUrl: 'http://127.0.0.1:8080/cancel' }), (l) => {
    assert.equal(l.cancelUrl, 'http://127.0.0.1:8080/cancel');
  }],
  ['a 2048-character successUrl', link({ successUrl: httpsUrl(2048) }), (l) => {
    assert.equal(l.successUrl.length, 2048);
  }],
  ['a 200-character title', link({ title: 'x'.repeat(200) }), (l) => assert.equal(l.title.length, 200)],
  ['a title of 200 astral characters', link({ title: '😀'.repeat(200) }), (l) => {
    assert.equal([...l.title].length, 200);
  }],
  ['a 500-character description with newlines', link({ description: 'ab\n'.repeat(166) + 'ab' }), (l) => {
    assert.equal(l.description.length, 500);
  }],
  ['the smallest amount "0.01"', link({ fiatAmount: '0.01' }), (l) => assert.equal(l.fiatAmount, '0.01')],
  ['the largest amount "100000000.00"', link({ fiatAmount: '100000000.00' }), (l) => {
    assert.equal(l.fiatAmount, '100000000.00');
  }],
  ['Content-Type with a charset', null, (l) => assert.equal(l.title, 'Charset')],
  ['a three-character slug', link({ slug: 'a-1' }), (l) => assert.equal(l.slug, 'a-1')],
  ['a 64-character slug', link({ slug: `z${'9'.repeat(63)}` }), (l) => assert.equal(l.slug.length, 64)],
];

describe('bad input is refused with the documented status, type, code and param', () => {
  for (const [name, request, expected] of rows) {
    it(name, async () => {
      const { method = 'POST', path = LINKS, body, raw, headers = {}, key } = request;
      const res = await w.request(method, path, { body, raw, headers, ...(key !== undefined ? { key } : {}) });
      assertError(res, expected, name);
    });
  }
});

describe('inputs at the edge of the rules are accepted', () => {
  for (const [name, body, check] of acceptedRows) {
    it(name, async () => {
      const res =
        body === null
          ? await w.request('POST', LINKS, {
              raw: JSON.stringify(link({ title: 'Charset' })),
              headers: { 'content-type': 'Application/JSON; charset=UTF-8' },
            })
          : await w.post(LINKS, body);
      assert.equal(res.status, 201, res.text);
      assertLinkShape(res.json, w.origin);
      check(res.json);
      accepted.add(res.json.id);
    });
  }
});

describe('after all of it', () => {
  it('the table has at least 40 rows', () => {
    assert.ok(rows.length >= 40, `${rows.length} rows`);
  });

  it('bad requests created nothing: only the accepted rows are listed', async () => {
    const listed = await listAll(w);
    assert.deepEqual(new Set(listed.map((l) => l.id)), accepted);
    assert.equal(listed.length, acceptedRows.length);
  });

  it('the worker still serves', async () => {
    const res = await w.get('/healthz', { key: null });
    assert.equal(res.status, 200);
  });
});

describe('a live deployment (sk_live_ key)', () => {
  const LIVE_KEY = 'sk_live_workertests';
  let live;

  before(async () => {
    live = await startWorker({
      vars: { ...CHAIN_VARS, API_KEY: LIVE_KEY, PUBLIC_BASE_URL: 'https://pay.example' },
    });
  });

  after(async () => {
    await live?.dispose();
  });

  it('creates livemode links with checkoutUrl on PUBLIC_BASE_URL', async () => {
    const res = await live.post(LINKS, link(), { key: LIVE_KEY });
    assert.equal(res.status, 201, res.text);
    assertLinkShape(res.json);
    assert.equal(res.json.livemode, true);
    assert.equal(res.json.checkoutUrl, `https://pay.example/l/${res.json.slug}`);
  });

  it('refuses http://localhost and http://127.0.0.1 redirect URLs', async () => {
    for (const [param, url] of [['successUrl', 'http://localhost:3000/ok'], ['cancelUrl', 'http://127.0.0.1/x']]) {
      const res = await live.post(LINKS, link({ [param]: url }), { key: LIVE_KEY });
      assertError(res, { status: 400, code: 'url_invalid', param }, url);
    }
  });

  it('refuses the test key', async () => {
    assertError(await live.get(LINKS, { key: 'sk_test_local' }), BAD_KEY);
  });
});

describe('a body without Content-Length (chunked) is read with the same byte cap', () => {
  let served;
  before(async () => {
    served = await startWorker({ vars: CHAIN_VARS, listen: true });
  });
  after(async () => {
    await served?.dispose();
  });

  /**
   * POSTs `chunks` over real HTTP with Transfer-Encoding: chunked (no Content-Length); with
   * `end: false` the request is left open, as a client that never stops sending would.
   */
  function postChunked(path, chunks, { end = true } = {}) {
    return new Promise((resolve, reject) => {
      const url = new URL(served.url + path);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode, text, json: JSON.parse(text) });
          });
        },
      );
      req.on('error', (error) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      for (const chunk of chunks) req.write(chunk);
      if (end) req.end();
    });
  }

  it('answers 413 body_too_large once 64 KiB have arrived, without waiting for the rest', async () => {
    // 70 KiB sent and the request left open: a worker that buffers the whole body before
    // looking at its size would wait here for ever.
    const chunk = ' '.repeat(1024);
    const answer = postChunked(LINKS, Array.from({ length: 70 }, () => chunk), { end: false });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s: the body was buffered')), 10_000).unref());
    const res = await Promise.race([answer, timeout]);
    assert.equal(res.status, 413, res.text);
    assert.equal(res.json.error.code, 'body_too_large');
  });

  it('reads a small chunked body as any other', async () => {
    const body = JSON.stringify({ title: 'Chunked', fiatAmount: '5' });
    const res = await postChunked(LINKS, [body.slice(0, 10), body.slice(10)]);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.title, 'Chunked');
  });
});
