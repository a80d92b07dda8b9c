// JSON-RPC over fetch: every rpc effect of one batch goes out as one JSON-RPC batch request.
// A transport failure (network error, timeout, non-2xx, unreadable body) fails every call of
// the batch; it is retried once, since nothing can have happened on the node. A JSON-RPC
// error answers its own call only. Results are passed to the core as received: the core
// decides what a well-formed answer is.

const TIMEOUT_MS = 8000;

async function postBatch(url, calls) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((call, i) => ({ jsonrpc: '2.0', id: i + 1, ...call }))),
    signal: AbortSignal.timeout(TIMEOUT_MS),
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
export async function performRpc(url, calls) {
  if (!url) return calls.map(() => ({ ok: false, error: 'RPC_URL is not configured' }));
  let lastError;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await postBatch(url, calls);
    } catch (error) {
      lastError = error;
    }
  }
  const message = lastError?.name === 'TimeoutError' ? `RPC timed out after ${TIMEOUT_MS} ms` : String(lastError?.message ?? lastError);
  return calls.map(() => ({ ok: false, error: message }));
}
