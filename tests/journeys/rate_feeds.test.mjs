// EUR, GBP and JPY priced by price feeds on a real chain: the local deployment's
// MockPriceFeed contracts (Chainlink's AggregatorV3 read side) are put in RATE_FEEDS by
// scripts/local-config.mjs, exactly as `make dev` does. A EUR session's amountDue must match
// the feed read independently here (eth_call, BigInt arithmetic), the session is then paid;
// a stale round is refused and a new round prices the next session.
//
//   node --test tests/journeys/rate_feeds.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFunctionResult, encodeFunctionData, parseAbi } from 'viem';
import {
  startChain, startJourneyWorker, stopAll, mine, transfer, rpc, Polls, scan, SESSIONS,
} from './helpers.mjs';
import { sendAndWait } from '../../scripts/chain/rpc.mjs';

const FEED_ABI = parseAbi([
  'function decimals() view returns (uint8)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function setAnswer(int256 answer)',
  'function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
]);

async function readFeed(url, feed) {
  const call = async (functionName) => decodeFunctionResult({
    abi: FEED_ABI,
    functionName,
    data: await rpc(url, 'eth_call', [{ to: feed, data: encodeFunctionData({ abi: FEED_ABI, functionName }) }, 'latest']),
  });
  const [roundId, answer, , updatedAt] = await call('latestRoundData');
  return { decimals: await call('decimals'), roundId, answer, updatedAt };
}

/** ceil(price in minor units × answer / 10^(feed decimals + minor digits)) in USDC (6 decimals). */
function amountDue(minorUnits, minorDigits, { answer, decimals }) {
  const numerator = BigInt(minorUnits) * answer * 10n ** 6n;
  const denominator = 10n ** BigInt(decimals + minorDigits);
  const units = ((numerator + denominator - 1n) / denominator).toString().padStart(7, '0');
  return `${units.slice(0, -6)}.${units.slice(-6)}`;
}

describe('exchange rates from price feeds (worker + anvil)', { timeout: 120_000 }, () => {
  let env, worker, polls;

  before(async () => {
    env = await startChain();
    worker = await startJourneyWorker(env, { confirmations: 2 });
    polls = new Polls(worker);
  });
  after(() => stopAll(worker, env?.anvil), { timeout: 30_000 });

  it('a EUR session is priced by the deployed feed, says which round, and is paid', async () => {
    const feed = env.chain.feeds.EUR;
    const round = await readFeed(env.url, feed);
    assert.equal(round.decimals, 8);

    const res = await worker.post(SESSIONS, { fiatAmount: '19.99', fiatCurrency: 'EUR' });
    assert.equal(res.status, 201, res.text);
    const session = res.json;
    assert.equal(session.amountDue, amountDue(1999, 2, round));
    assert.deepEqual(session.rateSource, {
      type: 'feed',
      feed,
      roundId: round.roundId.toString(),
      updatedAt: Number(round.updatedAt),
      answer: round.answer.toString(),
      decimals: round.decimals,
    });

    await transfer(env, session.depositAddress, session.amountDue);
    await mine(env.url, 1);
    await scan(worker);
    const s = await polls.status(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.equal(s.amountReceived, session.amountDue);
    assert.deepEqual(s.rateSource, session.rateSource);

    // The events (and so the webhooks) carry the session object, rate source included.
    const events = await worker.get('/api/v1/events?limit=100');
    assert.equal(events.status, 200, events.text);
    const ofSession = events.json.data.filter((e) => e.data?.object?.id === session.id);
    assert.deepEqual(ofSession.map((e) => e.type).sort(), ['checkout_session.created', 'checkout_session.paid']);
    for (const event of ofSession) assert.deepEqual(event.data.object.rateSource, session.rateSource, event.type);
  });

  it('GBP and JPY (no minor unit) are priced by their feeds too', async () => {
    for (const [currency, fiatAmount, minorUnits, minorDigits] of [['GBP', '12.34', 1234, 2], ['JPY', '1500', 1500, 0]]) {
      const round = await readFeed(env.url, env.chain.feeds[currency]);
      const res = await worker.post(SESSIONS, { fiatAmount, fiatCurrency: currency });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.amountDue, amountDue(minorUnits, minorDigits, round), currency);
      assert.equal(res.json.rateSource.roundId, round.roundId.toString(), currency);
    }
  });

  it('a stale round is refused; a new round prices the next session', async () => {
    const feed = env.chain.feeds.EUR;
    const block = await rpc(env.url, 'eth_getBlockByNumber', ['latest', false]);
    const chainNow = BigInt(block.timestamp);
    const setRound = (functionName, args) => sendAndWait(env.url, {
      from: env.chain.deployer, to: feed, data: encodeFunctionData({ abi: FEED_ABI, functionName, args }),
    });

    await setRound('setRoundData', [41n, 108_370_000n, chainNow - 7200n, chainNow - 7200n, 41n]);
    const stale = await worker.post(SESSIONS, { fiatAmount: '19.99', fiatCurrency: 'EUR' });
    assert.equal(stale.status, 400, stale.text);
    assert.equal(stale.json.error.code, 'rate_unavailable');
    assert.equal(stale.json.error.param, 'fiatCurrency');

    await setRound('setAnswer', [110_000_000n]); // 1.10, round 42, updated now
    const round = await readFeed(env.url, feed);
    assert.equal(round.roundId, 42n);
    const fresh = await worker.post(SESSIONS, { fiatAmount: '19.99', fiatCurrency: 'EUR' });
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.json.amountDue, '21.989000'); // 19.99 × 1.10
    assert.equal(fresh.json.amountDue, amountDue(1999, 2, round));
    assert.equal(fresh.json.rateSource.roundId, '42');
  });

  it('a currency without a feed or a rate is refused at creation', async () => {
    const res = await worker.post('/api/v1/payment_links', { title: 'Tee', fiatAmount: '20', fiatCurrency: 'SEK' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'currency_unpriced');
    assert.equal(res.json.error.param, 'fiatCurrency');
  });
});
