// JSON-RPC over fetch: every rpc effect of one batch goes out as one JSON-RPC batch request.
// A transport failure (network error, timeout, non-2xx, unreadable body) fails every call of
// the batch; it is retried once, since nothing can have happened on the node. Each attempt
// times out after 8 s (RPC_TIMEOUT_MS overrides it, e.g. for tests of a slow node). A JSON-RPC
// error answers its own call only. Results are passed to the core as received: the core
// decides what a well-formed answer is.

export const TIMEOUT_MS = 8000;

/** The per-attempt timeout: RPC_TIMEOUT_MS when it is a sane number of ms, else 8 s. */
export function rpcTimeoutMs(value) {
  const ms = Number(value);
  return Number.isInteger(ms) && ms >= 100 && ms <= 60000 ? ms : TIMEOUT_MS;
}

async function postBatch(url, calls, timeoutMs) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((call, i) => ({ jsonrpc: '2.0', id: i + 1, ...call }))),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`RPC answered HTTP ${response.status}`);
  const text = await response.text();
  let answers;
  try {
    answers = JSON.parse(text);
  } catch {
    throw new Error('RPC answered malformed JSON');
  }
  if (!Array.isArray(answers)) {
    // Some nodes answer a batch-level error as a single object.
    const message = answers?.error?.message ?? 'RPC answered a non-array to a batch';
    throw new Error(message);
  }
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

/** Performs rpc effects [{method, params}] against `url`, one result per effect. */
export async function performRpc(url, calls, timeoutMs = TIMEOUT_MS) {
  if (!url) return calls.map(() => ({ ok: false, error: 'RPC_URL is not configured' }));
  let lastError;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await postBatch(url, calls, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  const message = lastError?.name === 'TimeoutError' ? `RPC timed out after ${timeoutMs} ms` : String(lastError?.message ?? lastError);
  return calls.map(() => ({ ok: false, error: message }));
}
