// Anonymous callers against the Workers Rate Limiting bindings of wrangler.toml, in workerd:
// who is counted, for what, and what a refusal looks like; and that a missing or failing
// limiter never blocks a customer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { performEffects } from '../../edge/effects.js';
import { rateLimitsOption, readRateLimitEntries } from '../support/ratelimits.mjs';
import { startWorker } from '../support/worker.mjs';
import { assertError, createLink, sleep } from './helpers.mjs';

const SESSIONS = '/api/v1/checkout_sessions';

const from = (ip, headers = {}) => ({ key: null, headers: { 'cf-connecting-ip': ip, ...headers } });

// Workers Rate Limiting (and Miniflare's) counts in fixed windows of the period (60 s): a test
// that crosses a window's end would see its count start again. Counting tests start with at
// least `ms` of the current window left.
async function windowWithAtLeast(ms) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await sleep(left + 50);
}

function assertLimited(res, binding) {
  assertError(res, { status: 429, type: 'rate_limit_error', code: 'rate_limited' });
  assert.equal(res.headers.get('retry-after'), '60');
  assert.ok(res.json.error.message.includes(binding), res.json.error.message);
  assert.match(res.json.error.message, /retry after 60 seconds/);
}

function assertLimitedPage(res) {
  assert.equal(res.status, 429, res.text.slice(0, 200));
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(res.headers.get('retry-after'), '60');
  assert.match(res.text, /Too many attempts/);
  assert.match(res.text, /wait a minute/);
}

describe('rate limits as wrangler.toml sets them', () => {
  let w;
  before(async () => {
    w = await startWorker();
  });
  after(async () => {
    await w?.dispose();
  });

  it('the 21st session from one client in a minute is refused; other clients and the merchant are served', async () => {
    await windowWithAtLeast(25000);
    const link = await createLink(w);
    for (let i = 0; i < 20; i++) {
      const res = await w.post(SESSIONS, { linkId: link.id }, from('203.0.113.1'));
      assert.equal(res.status, 201, `session ${i + 1}: ${res.text}`);
      assert.equal(res.headers.get('paylinks-rate-limit'), null, 'the limiter answered');
    }
    assertLimited(await w.post(SESSIONS, { linkId: link.id }, from('203.0.113.1')), 'LIMIT_SESSIONS_PER_CLIENT');
    // The same client's visit of the link page is refused with a page, and opens nothing.
    const page = await w.get(`/l/${link.slug}`, from('203.0.113.1'));
    assertLimitedPage(page);
    assert.equal(page.headers.get('location'), null);

    const other = await w.post(SESSIONS, { linkId: link.id }, from('198.51.100.1'));
    assert.equal(other.status, 201, other.text);
    const visit = await w.get(`/l/${link.slug}`, from('198.51.100.1'));
    assert.equal(visit.status, 303, visit.text);

    const keyed = await w.post(SESSIONS, { linkId: link.id }, { headers: { 'cf-connecting-ip': '203.0.113.1' } });
    assert.equal(keyed.status, 201, `a request with the secret key is not limited: ${keyed.text}`);
  });

  it('wrangler.toml declares the six limits with their documented defaults', async () => {
    const entries = readRateLimitEntries();
    assert.deepEqual(
      Object.fromEntries(entries.map((e) => [e.name, [e.namespace_id, e.simple.limit, e.simple.period]])),
      {
        LIMIT_SESSIONS_PER_CLIENT: ['1001', 20, 60],
        LIMIT_SESSIONS_PER_LINK: ['1002', 300, 60],
        LIMIT_VERIFY_PER_CLIENT: ['1003', 20, 60],
        LIMIT_VERIFY_PER_SESSION: ['1004', 10, 60],
        LIMIT_CHAIN_CHECKS_PER_SESSION: ['1005', 30, 60],
        LIMIT_REQUESTS_PER_CLIENT: ['1006', 600, 60],
      },
    );
    // The small reader agrees with wrangler's own.
    const { unstable_readConfig } = await import('wrangler');
    const config = unstable_readConfig({ config: new URL('../../wrangler.toml', import.meta.url).pathname });
    assert.deepEqual(
      config.ratelimits.map(({ name, namespace_id, simple }) => ({ name, namespace_id, simple })),
      entries.map(({ name, namespace_id, simple }) => ({ name, namespace_id, simple })),
    );
  });
});

describe('rate limits, lowered per test', () => {
  const workers = [];
  const start = async (limits) => {
    const w = await startWorker({ limits });
    workers.push(w);
    return w;
  };
  after(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
  });

  it('return visits, previews, sub-requests and missing links count against no session limit', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_SESSIONS_PER_CLIENT: 2 });
    const link = await createLink(w);
    const first = await w.get(`/l/${link.slug}`, from('203.0.113.2'));
    assert.equal(first.status, 303, first.text);
    const cookie = first.headers.get('set-cookie').split(';')[0];
    for (let i = 0; i < 5; i++) {
      const again = await w.get(`/l/${link.slug}`, from('203.0.113.2', { cookie }));
      assert.equal(again.status, 303, again.text);
      assert.equal(again.headers.get('location'), first.headers.get('location'));
    }
    const preview = await w.get(`/l/${link.slug}`, from('203.0.113.2', { 'user-agent': 'Slackbot-LinkExpanding 1.0' }));
    assert.equal(preview.status, 200);
    const image = await w.get(`/l/${link.slug}`, from('203.0.113.2', { 'sec-fetch-dest': 'image' }));
    assert.equal(image.status, 200);
    assert.equal((await w.get('/l/no-such-link', from('203.0.113.2'))).status, 404);
    assert.equal((await w.post(SESSIONS, { linkId: 'pl_missing' }, from('203.0.113.2'))).status, 404);

    const second = await w.get(`/l/${link.slug}`, from('203.0.113.2'));
    assert.equal(second.status, 303, `the second session is still allowed: ${second.text}`);
    assertLimitedPage(await w.get(`/l/${link.slug}`, from('203.0.113.2')));
  });

  it('a link opens a limited number of sessions a minute, whoever asks', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_SESSIONS_PER_LINK: 3 });
    const busy = await createLink(w);
    const quiet = await createLink(w);
    for (let i = 1; i <= 3; i++) {
      const res = await w.get(`/l/${busy.slug}`, from(`192.0.2.${i}`));
      assert.equal(res.status, 303, res.text);
    }
    assertLimitedPage(await w.get(`/l/${busy.slug}`, from('192.0.2.4')));
    assertLimited(await w.post(SESSIONS, { linkId: busy.id }, from('192.0.2.5')), 'LIMIT_SESSIONS_PER_LINK');
    assert.equal((await w.get(`/l/${quiet.slug}`, from('192.0.2.4'))).status, 303, 'another link is not affected');
  });

  it('one client flooding a link past its own limit does not spend the link\'s budget for others', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_SESSIONS_PER_CLIENT: 3, LIMIT_SESSIONS_PER_LINK: 6 });
    const link = await createLink(w);
    let opened = 0;
    for (let i = 0; i < 12; i++) {
      const res = await w.get(`/l/${link.slug}`, from('203.0.113.66'));
      if (res.status === 303) opened += 1;
      else assertLimitedPage(res);
    }
    assert.equal(opened, 3, 'the flood opens its own three');
    // The link counted those three only: three customers are still let in.
    for (let i = 1; i <= 3; i++) {
      const res = await w.get(`/l/${link.slug}`, from(`198.51.100.${20 + i}`));
      assert.equal(res.status, 303, `customer ${i}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    assertLimitedPage(await w.get(`/l/${link.slug}`, from('198.51.100.30')));
  });

  it('verifies are limited per session and per client; the merchant is not', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_VERIFY_PER_SESSION: 2, LIMIT_VERIFY_PER_CLIENT: 3 });
    const link = await createLink(w);
    const open = async () => (await w.post(SESSIONS, { linkId: link.id })).json.id;
    const [a, b, c, d] = [await open(), await open(), await open(), await open()];
    const verify = (id, ip, options = {}) =>
      w.post(`/c/${id}/verify`, { transactionHash: `0x${'ab'.repeat(32)}` }, { ...from(ip), ...options });
    // The test chain answers nothing: each verify that is let through is a 502, not a 429.
    assert.equal((await verify(a, '198.51.100.10')).status, 502);
    assert.equal((await verify(a, '198.51.100.11')).status, 502);
    assertLimited(await verify(a, '198.51.100.12'), 'LIMIT_VERIFY_PER_SESSION');
    assert.equal((await verify(b, '198.51.100.12')).status, 502, 'another session can be verified');

    // One client, three verifies (b's second, c's first and second), then a fourth session.
    assert.equal((await verify(b, '198.51.100.20')).status, 502);
    assert.equal((await verify(c, '198.51.100.20')).status, 502);
    assert.equal((await verify(c, '198.51.100.20')).status, 502);
    assertLimited(await verify(d, '198.51.100.20'), 'LIMIT_VERIFY_PER_CLIENT');
    assert.equal((await verify(d, '198.51.100.21')).status, 502, 'd itself is not spent');
    const keyed = await verify(a, '198.51.100.20', { key: undefined });
    assert.equal(keyed.status, 502, `the secret key is not held to the limits: ${keyed.text}`);
  });

  it('a session past its chain checks answers from the stored state, and refuses a verify', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_CHAIN_CHECKS_PER_SESSION: 1 });
    const link = await createLink(w);
    const id = (await w.post(SESSIONS, { linkId: link.id })).json.id;
    const first = await w.get(`/c/${id}/status`, from('203.0.113.30'));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('paylinks-chain-check'), 'unavailable', 'checked, against a chain that is down');
    // Within the check interval a poll asks nothing of the chain and is not counted.
    const soon = await w.get(`/c/${id}/status`, from('203.0.113.31'));
    assert.equal(soon.status, 200);
    await sleep(3100);
    const limited = await w.get(`/c/${id}/status`, from('203.0.113.32'));
    assert.equal(limited.status, 200, limited.text);
    assert.equal(limited.headers.get('paylinks-chain-check'), 'limited');
    assert.equal(limited.json.id, id);
    assert.equal(limited.json.status, 'open');
    const page = await w.get(`/c/${id}`, from('203.0.113.33'));
    assert.equal(page.status, 200, 'the page still shows the checkout');
    assertLimited(
      await w.post(`/c/${id}/verify`, { transactionHash: `0x${'cd'.repeat(32)}` }, from('203.0.113.34')),
      'LIMIT_CHAIN_CHECKS_PER_SESSION',
    );
  });

  it('every anonymous request counts against the per-client request limit; keyed ones do not', async () => {
    await windowWithAtLeast(15000);
    const w = await start({ LIMIT_REQUESTS_PER_CLIENT: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await w.get('/healthz', from('203.0.113.40'))).status, 200);
    assertLimited(await w.get('/healthz', from('203.0.113.40')), 'LIMIT_REQUESTS_PER_CLIENT');
    // Guessing keys counts too: a wrong key is anonymous.
    const guess = await w.get('/api/v1/payment_links', { key: 'sk_test_guess', headers: { 'cf-connecting-ip': '203.0.113.40' } });
    assertLimited(guess, 'LIMIT_REQUESTS_PER_CLIENT');
    assertLimitedPage(await w.get('/assets/checkout.css', from('203.0.113.40')));
    const keyed = await w.get('/api/v1/payment_links', { headers: { 'cf-connecting-ip': '203.0.113.40' } });
    assert.equal(keyed.status, 200, keyed.text);
    assert.equal((await w.get('/healthz', from('203.0.113.41'))).status, 200, 'another client');
    // Without CF-Connecting-IP (no Cloudflare edge in front) callers share one key.
    for (let i = 0; i < 3; i++) assert.equal((await w.get('/healthz', { key: null })).status, 200);
    assert.equal((await w.get('/healthz', { key: null })).status, 429);
  });

  it('an absent limiter lets customers through and says so', async () => {
    const w = await start({ LIMIT_SESSIONS_PER_CLIENT: null, LIMIT_REQUESTS_PER_CLIENT: null });
    const link = await createLink(w);
    for (let i = 0; i < 25; i++) {
      const res = await w.post(SESSIONS, { linkId: link.id }, from('203.0.113.50'));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('paylinks-rate-limit'), 'unavailable');
    }
    const visit = await w.get(`/l/${link.slug}`, from('203.0.113.50'));
    assert.equal(visit.status, 303);
    assert.equal(visit.headers.get('paylinks-rate-limit'), 'unavailable');
    assert.equal((await w.get('/healthz')).headers.get('paylinks-rate-limit'), null, 'keyed: nothing to say');
  });
});

describe('the shim\'s limit effect', () => {
  it('answers success, and reports an absent, a throwing or a foreign binding as a failure', async () => {
    let seen = null;
    const limits = {
      LIMIT_OK: { limit: async ({ key }) => ((seen = key), { success: true }) },
      LIMIT_FULL: { limit: async () => ({ success: false }) },
      LIMIT_BROKEN: { limit: async () => { throw new Error('limiter down'); } },
      STORE: { limit: async () => ({ success: true }) },
    };
    const effect = (binding) => ({ op: 'limit', binding, key: '203.0.113.9' });
    const results = await performEffects(
      ['LIMIT_OK', 'LIMIT_FULL', 'LIMIT_BROKEN', 'LIMIT_MISSING', 'STORE'].map(effect),
      { limits },
    );
    assert.equal(seen, '203.0.113.9');
    assert.deepEqual(results[0], { ok: true, success: true });
    assert.deepEqual(results[1], { ok: true, success: false });
    assert.deepEqual(results[2], { ok: false, error: 'limiter down' });
    assert.equal(results[3].ok, false);
    assert.match(results[3].error, /LIMIT_MISSING/);
    assert.equal(results[4].ok, false, 'only LIMIT_* bindings are limiters');
  });

  it('rateLimitsOption overrides and removes bindings by name, and refuses unknown names', () => {
    const option = rateLimitsOption({ LIMIT_SESSIONS_PER_CLIENT: 3, LIMIT_VERIFY_PER_CLIENT: null });
    assert.deepEqual(option.LIMIT_SESSIONS_PER_CLIENT, { simple: { limit: 3, period: 60 } });
    assert.equal(option.LIMIT_VERIFY_PER_CLIENT, undefined);
    assert.deepEqual(option.LIMIT_REQUESTS_PER_CLIENT, { simple: { limit: 600, period: 60 } });
    assert.throws(() => rateLimitsOption({ LIMIT_TYPO: 1 }), /LIMIT_TYPO/);
  });
});
