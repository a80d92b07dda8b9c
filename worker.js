// paylinks worker: HTTP requests and cron ticks go to the wasm core; this file only moves
// bytes between the Workers runtime and the core (see docs/architecture.md).

import coreModule from './dist/paylinks.wasm';
import { Core, stringVars } from './edge/core.js';
import { runExchange } from './edge/exchange.js';
import { KvBridge } from './edge/kv.js';
import { rpcTimeoutMs, rpcUrlList } from './edge/rpc.js';

// Bodies past the API's limit are not read: the core only needs their size to refuse them.
const MAX_BODY_BYTES = 64 * 1024;

let core = null;
let io = null;

// The isolate's one core and the I/O its effects use, made on its first event: an isolate's
// env is the same for every event it serves.
function setUp(env) {
  core ??= new Core(coreModule, stringVars(env));
  io ??= {
    kv: new KvBridge(env.STORE),
    rpcUrls: rpcUrlList(env.RPC_URL),
    rpcTimeoutMs: rpcTimeoutMs(env.RPC_TIMEOUT_MS),
    limits: env, // its LIMIT_* rate limiting bindings
  };
  return io;
}

const NO_BODY = { body: '', bodySize: 0 };
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Past the cap the rest of a body is still read and dropped, up to DRAIN_BYTES, for as long
// as it keeps coming (a pause of DRAIN_IDLE_MS ends it), so that a client still sending
// receives the 413 rather than a reset connection, and one that stalls is not waited for.
const DRAIN_BYTES = 1024 * 1024;
const DRAIN_IDLE_MS = 100;
const IDLE = Symbol('idle');

function readOrIdle(reader) {
  let timer;
  const idle = new Promise((resolve) => (timer = setTimeout(() => resolve(IDLE), DRAIN_IDLE_MS)));
  return Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
}

// Keeps at most MAX_BODY_BYTES whatever Content-Length says (it may be absent, chunked or
// false): past the cap only the size seen so far crosses, which the core refuses as too
// large. A body that is not UTF-8 crosses as null (the core refuses it), never as a text with
// replacement characters the client never sent.
async function readBody(request) {
  const declared = Number(request.headers.get('content-length') ?? 0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const next = size > MAX_BODY_BYTES ? await readOrIdle(reader) : await reader.read();
    if (next === IDLE) {
      await reader.cancel().catch(() => {});
      break;
    }
    if (next.done) break;
    size += next.value.byteLength;
    if (size <= MAX_BODY_BYTES) {
      chunks.push(next.value);
    } else if (size > DRAIN_BYTES) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  if (size > MAX_BODY_BYTES || declared > MAX_BODY_BYTES) return { body: '', bodySize: Math.max(size, declared) };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return { body: UTF8.decode(bytes), bodySize: size };
  } catch {
    return { body: null, bodySize: size };
  }
}

// Only the headers the core reads cross into it.
function forwardedHeaders(headers) {
  const forwarded = {};
  for (const name of core.requestHeaders) {
    const value = headers.get(name);
    if (value !== null) forwarded[name] = value;
  }
  return forwarded;
}

// Work the core asked to start once it has answered (webhook deliveries): it runs after the
// response is sent, so a slow merchant endpoint never holds up a customer.
function runFollowUps(answer, effects) {
  const followUps = answer.followUps ?? [];
  return Promise.all(
    followUps.map((message) =>
      runExchange(core, message, effects).catch((error) => console.error('paylinks: follow-up failed:', error)),
    ),
  );
}

function internalError(error) {
  console.error('paylinks: core failure:', error);
  const body = {
    error: { type: 'api_error', code: 'internal_error', message: 'An internal error occurred; the request can be retried.' },
  };
  return new Response(JSON.stringify(body), {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

// The cron's report (watched, updated, kvLists, rpcCalls, fault …), one line per tick for
// `wrangler tail`; a fault goes to the error log as well.
function logCronReport(report) {
  if (report === undefined) return;
  const line = JSON.stringify(report);
  console.log('paylinks: cron', line);
  const fault = report?.fault;
  if (fault !== null && fault !== undefined && fault !== '' && !(typeof fault === 'object' && !Object.keys(fault).length)) {
    console.error('paylinks: cron fault', line);
  }
}

export default {
  async fetch(request, env, ctx) {
    try {
      const effects = setUp(env);
      const method = request.method;
      const bodiless = method === 'GET' || method === 'HEAD' || !request.body;
      const { body, bodySize } = bodiless ? NO_BODY : await readBody(request);
      const answer = await runExchange(
        core,
        { kind: 'http', request: { method, url: request.url, headers: forwardedHeaders(request.headers), body, bodySize } },
        effects,
      );
      if (answer.followUps) ctx.waitUntil(runFollowUps(answer, effects));
      const { status, headers, body: responseBody } = answer.response;
      const nullBody = method === 'HEAD' || status === 204 || status === 304;
      return new Response(nullBody ? null : responseBody, { status, headers });
    } catch (error) {
      return internalError(error);
    }
  },

  async scheduled(controller, env, ctx) {
    const effects = setUp(env);
    ctx.waitUntil(
      runExchange(core, { kind: 'scheduled', cron: controller.cron }, effects)
        .then((answer) => {
          logCronReport(answer.result);
          return runFollowUps(answer, effects);
        })
        .catch((error) => console.error('paylinks: scheduled run failed:', error)),
    );
  },
};
