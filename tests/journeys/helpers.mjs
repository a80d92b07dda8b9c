// Shared set-up and helpers for the journeys: a real anvil chain with the paylinks contracts,
// the bundled worker in workerd (Miniflare, real KV) configured for it, and small wrappers to
// play the customer (transfers from anvil's funded account #1) and to drive time and blocks.
//
// About time. The worker's clock is real time (Date.now()), anvil's is whatever we make it.
// A status poll re-checks the chain at most once per 3 s per session (per worker instance);
// `Polls.fresh()` waits exactly as long as needed so the next poll really checks. The cron
// scan (`worker.scheduled()`) and /verify always check, so most steps use them and cost no
// waiting at all.
import assert from 'node:assert/strict';
import { startAnvil, freePort } from '../../scripts/chain/anvil.mjs';
import { deployContracts } from '../../scripts/chain/deploy.mjs';
import { rpc, sendAndWait, calldata, SEL, parseUnits } from '../../scripts/chain/rpc.mjs';
import { localVars } from '../../scripts/local-config.mjs';
import { startWorker } from '../support/worker.mjs';
import { startRpcProxy } from '../support/rpc_proxy.mjs';
import { sessionKey } from '../support/keys.mjs';

export { rpc, parseUnits };

export const SESSIONS = '/api/v1/checkout_sessions';
export const SUCCESS_URL = 'https://shop.example/thanks?order=42';
/** The status poll's per-session throttle in the core (chain/watcher.hpp kCheckIntervalMs). */
export const CHECK_INTERVAL_MS = 3000;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts anvil (free port, automine) and deploys the contracts. With `proxy: true` a fault
 * proxy (tests/support/rpc_proxy.mjs) sits between the worker and anvil, in `pass` mode.
 */
export async function startChain({ proxy = false, chainId = 31337 } = {}) {
  const anvil = await startAnvil({ port: await freePort(), chainId });
  try {
    const chain = await deployContracts(anvil.url);
    const rpcProxy = proxy ? await startRpcProxy({ target: anvil.url }) : null;
    return { anvil, chain, proxy: rpcProxy, url: anvil.url };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/**
 * The worker configured for `env.chain`, its RPC_URL the proxy's when there is one. `limits`
 * overrides rate limits as startWorker's option does (every journey is one client).
 */
export async function startJourneyWorker(env, { confirmations = 2, vars = {}, listen = false, limits = {}, networks = [] } = {}) {
  const chainVars = localVars(env.chain, { confirmations, networks });
  if (env.proxy) chainVars.RPC_URL = env.proxy.url;
  return startWorker({ vars: { ...chainVars, ...vars }, listen, limits });
}

export async function stopAll(...things) {
  for (const thing of things) {
    try {
      if (thing?.dispose) await thing.dispose();
      else if (thing?.close) await thing.close();
      else if (thing?.stop) await thing.stop();
    } catch {
      // best effort: the others still need stopping
    }
  }
}

// ---- the chain -----------------------------------------------------------------------------

/** Mines `blocks` empty blocks (confirmations for everything before them). */
// Thousands of blocks take anvil seconds on a busy machine: the wait grows with the count.
export const mine = (url, blocks = 1) =>
  rpc(url, 'anvil_mine', ['0x' + blocks.toString(16)], { timeoutMs: 10_000 + blocks * 20 });
export const headBlock = async (url) => Number(await rpc(url, 'eth_blockNumber'));

/** An ERC-20 transfer of `amount` ("12.5", token units) of `token` to `to`; the receipt. */
export async function transfer(env, to, amount, { token = env.chain.token, from = env.chain.customer } = {}) {
  return sendAndWait(env.url, { from, to: token, data: calldata(SEL.transfer, to, parseUnits(amount, 6)) });
}

// ---- the worker ----------------------------------------------------------------------------

/**
 * Remembers when each session was last checked against the chain through a throttled path
 * (status, page, retrieve, expire) or a forced one (verify), so a later poll can be made
 * to really check. A time is taken when the response arrives, which is after the worker
 * read its clock for that check.
 */
export class Polls {
  constructor(worker) {
    this.worker = worker;
    this.lastCheck = new Map();
  }

  touch(id) {
    this.lastCheck.set(id, Date.now());
  }

  /** Waits until a status poll of `id` is no longer throttled. */
  async fresh(id) {
    const last = this.lastCheck.get(id);
    if (last !== undefined) {
      const wait = last + CHECK_INTERVAL_MS + 25 - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }

  /** GET /c/{id}/status (200 asserted); `fresh` first waits out the throttle. */
  async status(id, { fresh = true } = {}) {
    if (fresh) await this.fresh(id);
    const res = await this.worker.get(`/c/${id}/status`, { key: null });
    this.touch(id);
    assert.equal(res.status, 200, `status of ${id}: ${res.text}`);
    return { ...res.json, chainCheck: res.headers.get('paylinks-chain-check') };
  }

  /** GET /c/{id}, the hosted page (HTML). */
  async page(id, { fresh = true } = {}) {
    if (fresh) await this.fresh(id);
    const res = await this.worker.get(`/c/${id}`, { key: null });
    this.touch(id);
    return res;
  }

  /** POST /c/{id}/verify {transactionHash}. */
  async verify(id, transactionHash) {
    const res = await this.worker.post(`/c/${id}/verify`, { transactionHash }, { key: null });
    this.touch(id);
    return res;
  }

  /** GET /api/v1/checkout_sessions/{id} with the key. */
  async retrieve(id, { fresh = true } = {}) {
    if (fresh) await this.fresh(id);
    const res = await this.worker.get(`${SESSIONS}/${id}`);
    this.touch(id);
    assert.equal(res.status, 200, res.text);
    return res.json;
  }

  async expire(id) {
    const res = await this.worker.post(`${SESSIONS}/${id}/expire`, {});
    this.touch(id);
    return res;
  }
}

/** An ad-hoc session (25.00 USD = 25 USDC unless told otherwise). */
export async function createSession(worker, body = {}) {
  const res = await worker.post(SESSIONS, { fiatAmount: '25.00', fiatCurrency: 'USD', successUrl: SUCCESS_URL, ...body });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'open');
  return res.json;
}

/** The stored session, straight from KV (no chain check on the way). */
export async function stored(worker, id) {
  const text = await (await worker.kv()).get(sessionKey(id));
  assert.ok(text, `${id} is not in KV (${sessionKey(id)})`);
  return JSON.parse(text);
}

/** Runs the cron tick (the chain scan) and waits for it to finish. */
export async function scan(worker) {
  const result = await worker.scheduled('* * * * *');
  assert.equal(result.outcome, 'ok', JSON.stringify(result));
}

/** Asserts what a session that nothing paid looks like. */
export function assertNothingCounted(session, status = 'open', label = '') {
  assert.equal(session.status, status, `${label} ${JSON.stringify(session)}`);
  assert.deepEqual(session.payments, [], `${label} payments`);
  assert.equal(session.amountReceived, '0.000000', `${label} amountReceived`);
  assert.equal(session.paidAt, null, `${label} paidAt`);
}
