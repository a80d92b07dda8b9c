// Performs one batch of effects for the core, concurrently, answering them in order.
// Each result is {ok:true, …} or {ok:false, error}; a thrown error never escapes.

import qrcode from 'qrcode-generator';
import { performRpc } from './rpc.js';

const HTTP_TIMEOUT_MS = 10000;

async function performHttp(effect) {
  const started = Date.now();
  try {
    const response = await fetch(effect.url, {
      method: effect.method,
      headers: effect.headers,
      body: effect.method === 'GET' || effect.method === 'HEAD' ? undefined : effect.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(effect.timeoutMs || HTTP_TIMEOUT_MS),
    });
    // Keep what the core may record, not an unbounded body.
    const body = (await response.text()).slice(0, 2048);
    return { ok: true, status: response.status, body, durationMs: Date.now() - started };
  } catch (error) {
    const timedOut = error?.name === 'TimeoutError';
    return {
      ok: false,
      error: timedOut ? `timed out after ${effect.timeoutMs || HTTP_TIMEOUT_MS} ms` : String(error?.message ?? error),
      durationMs: Date.now() - started,
    };
  }
}

function renderQr(text) {
  // Type 0 picks the smallest version that holds the text; level M survives smudges.
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

// Workers KV refuses a second write of a key within a second with a 429: the core tells such a
// refusal ("busy": another writer got there first) from a failure.
const KV_BUSY = /\b429\b/;

async function performKvWrite(write) {
  try {
    await write();
    return { ok: true };
  } catch (error) {
    const message = String(error?.message ?? error);
    return KV_BUSY.test(message) ? { ok: false, error: message, busy: true } : { ok: false, error: message };
  }
}

// One count against a Workers Rate Limiting binding (only LIMIT_* bindings: the env holds
// others). An absent binding is a failed effect; the core lets the request pass and says so.
async function performLimit(effect, limits) {
  const binding = String(effect.binding).startsWith('LIMIT_') ? limits?.[effect.binding] : undefined;
  if (typeof binding?.limit !== 'function') return { ok: false, error: `no rate limiting binding ${effect.binding}` };
  const { success } = await binding.limit({ key: String(effect.key) });
  return { ok: true, success: success === true };
}

async function performOne(effect, io) {
  switch (effect.op) {
    case 'kv.get':
      return { ok: true, value: await io.kv.get(effect.key, effect.cacheTtl) };
    case 'kv.put':
      return performKvWrite(() => io.kv.put(effect.key, effect.value, effect.metadata, effect.expirationTtl));
    case 'kv.delete':
      return performKvWrite(() => io.kv.delete(effect.key));
    case 'kv.list':
      return { ok: true, ...(await io.kv.list(effect.prefix, effect.limit, effect.cursor)) };
    case 'http':
      return performHttp(effect);
    case 'qr.svg':
      return { ok: true, value: renderQr(effect.text) };
    case 'limit':
      return performLimit(effect, io.limits);
    default:
      return { ok: false, error: `unknown effect op: ${effect.op}` };
  }
}

/**
 * @param {object[]} effects
 * @param {{kv, rpcUrls, rpcTimeoutMs?, limits?}} io (rpcUrl, one URL, is read too; limits: the
 *   env, whose LIMIT_* rate limiting bindings `limit` effects use)
 */
export async function performEffects(effects, io) {
  const results = new Array(effects.length);
  // One JSON-RPC batch per network: an rpc effect names its network's URLs (`urls`), or
  // goes to RPC_URL's.
  const rpcBatches = new Map();
  const others = [];
  effects.forEach((effect, i) => {
    if (effect.op === 'rpc') {
      const key = Array.isArray(effect.urls) ? effect.urls.join(',') : '';
      if (!rpcBatches.has(key)) rpcBatches.set(key, { urls: effect.urls, calls: [], slots: [] });
      const batch = rpcBatches.get(key);
      batch.calls.push({ method: effect.method, params: effect.params });
      batch.slots.push(i);
    } else {
      others.push(
        performOne(effect, io).then(
          (result) => (results[i] = result),
          (error) => (results[i] = { ok: false, error: String(error?.message ?? error) }),
        ),
      );
    }
  });
  for (const batch of rpcBatches.values()) {
    others.push(
      performRpc(batch.urls ?? io.rpcUrls ?? io.rpcUrl, batch.calls, io.rpcTimeoutMs).then((answers) =>
        answers.forEach((answer, j) => (results[batch.slots[j]] = answer)),
      ),
    );
  }
  await Promise.all(others);
  return results;
}
