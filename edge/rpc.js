// JSON-RPC over fetch: every rpc effect of one batch goes out as one JSON-RPC batch request.
//
// RPC_URL may list several nodes, comma-separated; a batch goes to the first and moves on to
// the next, in order, when a node fails it as a whole: a network error, a timeout, an
// unreadable or non-JSON body, a non-array answer to the batch, HTTP 5xx, HTTP 429 or another
// non-2xx that carries no JSON-RPC answers. Nothing can have happened on a node that failed a
// batch, so it is safe to send again. The list is tried at most twice (two rounds, at most
// MAX_ATTEMPTS fetches, each a Workers subrequest). Between the rounds the shim waits once:
// when every node answered 429, for the smallest Retry-After they gave (at most 2 s), else
// briefly.
//
// Each attempt times out after 8 s (RPC_TIMEOUT_MS overrides it, e.g. for tests of a slow
// node). Every node is tried once, but there is no second round after two timed-out attempts:
// with one or two nodes, hung providers cost a request no more than one node did before.
//
// A JSON-RPC error answers its own call only: it is passed to the core as received (with
// rpcError), like every result, and the core decides what it means (e.g. a provider's
// block-range cap, for which it splits its query).

export const TIMEOUT_MS = 8000;
export const MAX_ATTEMPTS = 6;
const ROUNDS = 2;
const RETRY_AFTER_CAP_MS = 2000; // a longer Retry-After is not worth holding a request for
const BACKOFF_MS = 200; // between rounds when no node said how long to wait

/** The per-attempt timeout: RPC_TIMEOUT_MS when it is a sane number of ms, else 8 s. */
export function rpcTimeoutMs(value) {
  const ms = Number(value);
  return Number.isInteger(ms) && ms >= 100 && ms <= 60000 ? ms : TIMEOUT_MS;
}

/** RPC_URL as a list: comma-separated, each trimmed, empties dropped (an array is cleaned the same way). */
export function rpcUrlList(value) {
  const parts = Array.isArray(value) ? value : String(value ?? '').split(',');
  return parts.map((url) => String(url ?? '').trim()).filter(Boolean);
}

/** Retry-After (delay-seconds or an HTTP-date) in ms from `now`, or null when absent or unreadable. */
export function retryAfterMs(header, now = Date.now()) {
  if (header == null) return null;
  const text = String(header).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A node's own words for a failure, short: a batch-level JSON-RPC error or a text body.
function shortReason(text) {
  let reason = text;
  try {
    const body = JSON.parse(text);
    reason = body?.error?.message ?? (typeof body === 'string' ? body : '');
  } catch {
    // not JSON: the text itself
  }
  reason = String(reason ?? '').replace(/\s+/g, ' ').trim();
  return reason.length > 160 ? `${reason.slice(0, 157)}...` : reason;
}

function perCall(calls, answers) {
  return calls.map((_, i) => {
    const answer = answers.find((a) => a && a.id === i + 1);
    if (!answer) return { ok: false, error: 'RPC answer missing for this call' };
    if (answer.error) {
      return { ok: false, error: `RPC error ${answer.error.code}: ${answer.error.message}`, rpcError: answer.error };
    }
    if (!('result' in answer)) return { ok: false, error: 'RPC answer has no result' };
    return { ok: true, value: answer.result };
  });
}

/**
 * One attempt at one node: {results} when the node answered the batch call by call, else
 * {error, status?, retryAfterMs?} for a failure of the whole batch.
 */
async function postBatch(url, body, calls, timeoutMs) {
  let response;
  let text;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 429 || response.status >= 500) {
      response.body?.cancel().catch(() => {});
      return {
        error: `RPC answered HTTP ${response.status}`,
        status: response.status,
        retryAfterMs: response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : null,
      };
    }
    text = await response.text();
  } catch (error) {
    if (error?.name === 'TimeoutError') return { error: `RPC timed out after ${timeoutMs} ms`, timedOut: true };
    return { error: `RPC unreachable: ${error?.cause?.code ?? error?.message ?? error}` };
  }
  let answers;
  try {
    answers = JSON.parse(text);
  } catch {
    if (response.ok) return { error: 'RPC answered malformed JSON' };
    return { error: `RPC answered HTTP ${response.status}`, status: response.status };
  }
  // Some providers send per-call answers with a 4xx (a block-range cap as HTTP 413): the
  // answers are what counts. A non-array is a failure of the batch (a batch-level error).
  if (Array.isArray(answers)) return { results: perCall(calls, answers) };
  const reason = shortReason(text);
  if (!response.ok) return { error: `RPC answered HTTP ${response.status}${reason ? `: ${reason}` : ''}`, status: response.status };
  return { error: reason || 'RPC answered a non-array to a batch' };
}

/**
 * Performs rpc effects [{method, params}] against `urls` (an array, or RPC_URL's text), one
 * result per effect, in order: {ok:true, value} | {ok:false, error, rpcError?}.
 */
export async function performRpc(urls, calls, timeoutMs = TIMEOUT_MS) {
  const nodes = rpcUrlList(urls);
  if (!nodes.length) return calls.map(() => ({ ok: false, error: 'RPC_URL is not configured' }));
  const body = JSON.stringify(calls.map((call, i) => ({ jsonrpc: '2.0', id: i + 1, ...call })));
  let attempts = 0;
  let timeouts = 0;
  let lastError = 'RPC not tried';
  let limits = []; // the Retry-After (ms or null) of each node of the last round that answered 429
  let allLimited = false;
  let round = 0;
  const spent = () => attempts >= MAX_ATTEMPTS || (round > 0 && timeouts >= ROUNDS);
  for (; round < ROUNDS && !spent(); round++) {
    if (round > 0) {
      const hinted = allLimited ? limits.filter((ms) => ms !== null) : [];
      await sleep(hinted.length ? Math.min(RETRY_AFTER_CAP_MS, ...hinted) : BACKOFF_MS);
    }
    limits = [];
    for (const url of nodes) {
      if (spent()) break;
      attempts++;
      const outcome = await postBatch(url, body, calls, timeoutMs);
      if (outcome.results) return outcome.results;
      lastError = outcome.error;
      if (outcome.timedOut) timeouts++;
      if (outcome.status === 429) limits.push(outcome.retryAfterMs);
    }
    allLimited = limits.length === nodes.length;
  }
  const message = allLimited && nodes.length > 1 ? `RPC answered HTTP 429 (all ${nodes.length} nodes)` : lastError;
  return calls.map(() => ({ ok: false, error: message }));
}
