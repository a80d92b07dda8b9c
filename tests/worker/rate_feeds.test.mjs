// Exchange rates from price feeds, through the bundled worker in workerd: a scripted JSON-RPC
// node (tests/support/fake_node.mjs) plays the chain, with Chainlink-style feeds whose rounds
// each test sets. A EUR session is priced by its feed's round and says so (rateSource); a
// stale round is refused; RATES overrides a feed; a currency with no rate source is refused
// when a link or a session is created.
//   node --test tests/worker/rate_feeds.test.mjs
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { startFakeNode } from '../support/fake_node.mjs';
import { DEFAULT_VARS, startWorker } from '../support/worker.mjs';
import { LINKS, assertError } from './helpers.mjs';

const SESSIONS = '/api/v1/checkout_sessions';
const EUR_FEED = '0x5FC8d32690cc91D4c39d9d3abcBD16989F875707';
const GBP_FEED = '0x0165878A594ca255338adfa4d48449f69242Eb8F';
const CHF_FEED = '0xa513E6E4b8f2a923D98304ec87F64353C4D5C853';
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** ceil(minor × answer × 10^tokenDecimals / (10^feedDecimals × 10^exponent)), as a decimal string of token units. */
function expectedAmountDue(minorUnits, exponent, answer, feedDecimals, tokenDecimals = 6) {
  const numerator = BigInt(minorUnits) * answer * 10n ** BigInt(tokenDecimals);
  const denominator = 10n ** BigInt(feedDecimals + exponent);
  const units = (numerator + denominator - 1n) / denominator;
  const text = units.toString().padStart(tokenDecimals + 1, '0');
  return `${text.slice(0, -tokenDecimals)}.${text.slice(-tokenDecimals)}`;
}

let node;
let w;
const feeds = {};

function freshFeeds() {
  feeds[EUR_FEED] = { decimals: 8, roundId: (3n << 64n) | 1234n, answer: 108_370_000n, updatedAt: nowSeconds() - 60 };
  feeds[GBP_FEED] = { decimals: 18, roundId: 9n, answer: 1_265_432_100_000_000_001n, updatedAt: nowSeconds() - 5 };
  feeds[CHF_FEED] = { decimals: 8, roundId: 1n, answer: 999_000_000n, updatedAt: nowSeconds() };
}

before(async () => {
  freshFeeds();
  node = await startFakeNode({ token: DEFAULT_VARS.TOKEN_ADDRESS, feeds });
  w = await startWorker({
    vars: {
      RPC_URL: node.url,
      RATE_FEEDS: JSON.stringify({ EUR: EUR_FEED, GBP: GBP_FEED, CHF: CHF_FEED }),
      RATES: JSON.stringify({ CHF: '1.13' }), // overrides the CHF feed
    },
  });
});

after(async () => {
  await w?.dispose();
  await node?.close();
});

beforeEach(freshFeeds);

const createSession = (fiatAmount, fiatCurrency) => w.post(SESSIONS, { fiatAmount, fiatCurrency });

describe('sessions priced by a feed', () => {
  it('a EUR session gets the amount the feed implies and the round it came from', async () => {
    const res = await createSession('149.99', 'EUR');
    assert.equal(res.status, 201, res.text);
    const feed = feeds[EUR_FEED];
    assert.equal(res.json.amountDue, expectedAmountDue(14999, 2, feed.answer, 8));
    assert.equal(res.json.amountDue, '162.544163'); // 149.99 × 1.0837 = 162.544163 exactly
    assert.equal(res.json.exchangeRate, '1.0837');
    assert.deepEqual(res.json.rateSource, {
      type: 'feed',
      feed: EUR_FEED,
      roundId: feed.roundId.toString(),
      updatedAt: feed.updatedAt,
      answer: '108370000',
      decimals: 8,
    });
    // Both calls went to the node in one JSON-RPC batch (adjacent in the node's log).
    const i = node.calls.findIndex((c) => c.method === 'eth_call' && c.params[0].to === EUR_FEED.toLowerCase());
    assert.ok(i >= 0, 'the feed was read');
    assert.deepEqual(node.calls.slice(i, i + 2).map((c) => c.params[0].data), ['0x313ce567', '0xfeaf968c']);

    // Locked: the feed moving changes nothing of the session.
    feeds[EUR_FEED].answer = 150_000_000n;
    feeds[EUR_FEED].roundId += 1n;
    const again = await w.get(`${SESSIONS}/${res.json.id}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json.rateSource, res.json.rateSource);
    assert.equal(again.json.amountDue, res.json.amountDue);
    const status = await w.get(`/c/${res.json.id}/status`, { key: null });
    assert.deepEqual(status.json.rateSource, res.json.rateSource);
  });

  it('an 18-decimal feed rounds the token amount up', async () => {
    const res = await createSession('10.00', 'GBP');
    assert.equal(res.status, 201, res.text);
    const feed = feeds[GBP_FEED];
    // 10 × 1.265432100000000001 = 12.65432100000000001 → 12.654322 (up, merchant's favour).
    assert.equal(res.json.amountDue, expectedAmountDue(1000, 2, feed.answer, 18));
    assert.equal(res.json.amountDue, '12.654322');
    assert.equal(res.json.rateSource.decimals, 18);
    assert.equal(res.json.rateSource.answer, feed.answer.toString());
  });

  it('RATES wins over a feed for the same currency; USD has no rate source', async () => {
    const chf = await createSession('10.00', 'CHF');
    assert.equal(chf.status, 201, chf.text);
    assert.equal(chf.json.amountDue, '11.300000');
    assert.deepEqual(chf.json.rateSource, { type: 'static' });
    const usd = await createSession('10.00', 'USD');
    assert.equal(usd.status, 201, usd.text);
    assert.equal(usd.json.rateSource, null);
    assert.equal(usd.json.amountDue, '10.000000');
  });

  it('a stale round, a round from the future or a non-positive answer is refused', async () => {
    const spoilers = [
      ['two hours old', (f) => (f.updatedAt = nowSeconds() - 7200)],
      ['an hour ahead', (f) => (f.updatedAt = nowSeconds() + 3600)],
      ['zero', (f) => (f.answer = 0n)],
      ['negative', (f) => (f.answer = -108_370_000n)],
      ['malformed', (f) => (f.raw = '0xdeadbeef')],
    ];
    for (const [name, spoil] of spoilers) {
      freshFeeds();
      spoil(feeds[EUR_FEED]);
      const res = await createSession('150.00', 'EUR');
      assertError(res, { status: 400, code: 'rate_unavailable', param: 'fiatCurrency' }, name);
      assert.match(res.json.error.message, /EUR/, name);
    }
    // Nothing was opened by any of them.
    const list = await w.get(`${SESSIONS}?limit=100`);
    assert.equal(list.json.data.filter((s) => s.fiatCurrency === 'EUR' && s.fiatAmount === '150.00').length, 0);
  });

  it('a visit to a EUR link with a stale feed shows an error page and opens nothing', async () => {
    const link = await w.post(LINKS, { title: 'Tee', fiatAmount: '20', fiatCurrency: 'EUR' });
    assert.equal(link.status, 201, link.text);
    feeds[EUR_FEED].updatedAt = nowSeconds() - 86400;
    const before = (await w.get(`${SESSIONS}?limit=100&linkId=${link.json.id}`)).json.data.length;
    const visit = await w.get(`/l/${link.json.slug}`, { key: null });
    assert.equal(visit.status, 503);
    assert.equal((await w.get(`${SESSIONS}?limit=100&linkId=${link.json.id}`)).json.data.length, before);
  });
});

describe('currencies without a rate source are refused at creation', () => {
  it('POST payment_links in JPY is a 400 naming fiatCurrency', async () => {
    const res = await w.post(LINKS, { title: 'Tee', fiatAmount: '2000', fiatCurrency: 'JPY' });
    assertError(res, { status: 400, type: 'invalid_request_error', code: 'currency_unpriced', param: 'fiatCurrency' });
    assert.match(res.json.error.message, /JPY/);
    assert.match(res.json.error.message, /RATE_FEEDS/);
  });

  it('POST checkout_sessions in JPY is a 400 naming fiatCurrency', async () => {
    const res = await createSession('2000', 'JPY');
    assertError(res, { status: 400, type: 'invalid_request_error', code: 'currency_unpriced', param: 'fiatCurrency' });
  });

  it('PATCH of a link to such a currency is refused', async () => {
    const link = await w.post(LINKS, { title: 'Tee', fiatAmount: '20', fiatCurrency: 'EUR' });
    const res = await w.patch(`${LINKS}/${link.json.id}`, { fiatCurrency: 'SEK' });
    assertError(res, { status: 400, code: 'currency_unpriced', param: 'fiatCurrency' });
    assert.equal((await w.get(`${LINKS}/${link.json.id}`)).json.fiatCurrency, 'EUR');
  });

  it('a link in a feed currency is created even while the feed is down', async () => {
    feeds[EUR_FEED].raw = '0x';
    const calls = node.calls.length;
    const res = await w.post(LINKS, { title: 'Tee', fiatAmount: '20', fiatCurrency: 'EUR' });
    assert.equal(res.status, 201, res.text);
    assert.equal(node.calls.length, calls, 'creating a link reads nothing from the chain');
  });
});
