// A hosted-provider emulator for tests: a Node http server on 127.0.0.1 in front of a real node
// (anvil) that behaves the way the hosted JSON-RPC providers merchants use do (Alchemy, Infura,
// QuickNode, public Base nodes) rather than the way anvil does. Each behaviour can be switched
// on or off at any moment, and they combine. Where rpc_proxy.mjs breaks the node outright, this
// one serves answers that are right but shaped like a provider's: capped log queries, no
// blockTimestamp, load-balanced backends whose heads differ, 429 storms.
//
//   const provider = await startProvider({ target: anvil.url });   // passes everything through
//   worker vars: RPC_URL = provider.url
//   await provider.configure({ blockTimestamp: false, maxBlockRange: 10, rangeErrorStyle: 'quicknode' });
//   await provider.configure({ lagging: { behind: 3 } });           // merged into what is set
//   await provider.configure({ lagging: null });                    // null/undefined: that one off
//   await provider.restore();                                       // everything off
//
// Options of configure() (start with the same as startProvider({target, ...options})):
//   blockTimestamp: false   strip blockTimestamp from logs (eth_getLogs, filter logs) and from
//                           receipts and their logs (anvil adds it; most providers don't)
//   maxBlockRange: N        an eth_getLogs spanning more than N blocks (to − from + 1, its tags
//                           resolved on the backend the request went to) answers a JSON-RPC
//                           error, worded by rangeErrorStyle (RANGE_ERROR_STYLES below), with
//                           HTTP 200 — or the style's own status (QuickNode: 413), or
//                           rangeErrorStatus when given; a batch with such a call is answered
//                           with that status, every call's answer in it
//   maxResults: N           an eth_getLogs that finds more than N logs answers -32005 "query
//                           returned more than N results"
//   lagging: {behind: k, aboveHead: 'error' | 'clamp'}
//                           two load-balanced backends: successive HTTP requests alternate
//                           between the true node (first) and one k blocks behind, whose head, `safe`
//                           and `finalized` are k lower, which knows no block, log, receipt or
//                           transaction above its head, and which refuses an eth_getLogs
//                           reaching above its head with -32602 as geth/reth do ('error', the
//                           default) or cuts the range at its head ('clamp')
//   rateLimit: {every: n, retryAfter: s} | {burst: n, retryAfter: s}
//                           HTTP 429: every n-th request, or the next n requests, from now;
//                           Retry-After: s seconds (1 if not given; a string is sent as it is),
//                           none when retryAfter is null; retryAfterFormat: 'date' sends now + s
//                           as an HTTP-date
//   outage: 'refuse' | 'http503' | 'hang'
//                           down: connections refused; HTTP 503; or requests held unanswered
//                           until the client gives up
//
// Every HTTP request is recorded in `provider.requests` ({body, backend, status, at}) and every
// JSON-RPC call in `provider.calls` ({method, params, backend, status, error}): backend is
// 'head' or 'lagging' (null when refused before reaching one), status the HTTP status it was
// answered with (null while held), error the JSON-RPC error code the emulator answered it with.
// reset() empties both (in place) and restarts the counters of lagging and rateLimit.
// Batches (arrays) and single calls both work. close() stops the server.
import { createServer } from 'node:http';

const hex = (n) => '0x' + n.toString(16);
const upperHex = (n) => '0x' + n.toString(16).toUpperCase();

/**
 * How providers word a block-range cap, as seen in their answers ({from, to, max} → the
 * JSON-RPC error, and an HTTP status when it is not 200). The wordings and codes are the
 * providers' own, with the numbers of the request put in.
 */
export const RANGE_ERROR_STYLES = {
  // Alchemy (free tier): a block-range cap, suggesting a range that would work.
  alchemy: ({ from, max }) => ({
    code: -32600,
    message:
      `You can make eth_getLogs requests with up to a ${max} block range. ` +
      `Based on your parameters, this block range should work: [${hex(from)}, ${hex(from + max - 1)}]`,
  }),
  // Alchemy (paid tiers): a response-size cap, worded around the block range.
  'alchemy-size': ({ from, max }) => ({
    code: -32602,
    message:
      `Log response size exceeded. You can make eth_getLogs requests with up to a ${max} block range and no limit on the response size, ` +
      `or you can request any block range with a cap of 10K logs in the response. Based on your parameters and the response size limit, ` +
      `this block range should work: [${hex(from)}, ${hex(from + max - 1)}]`,
  }),
  // Infura (documented): a result-count cap, with a range to try in data.
  infura: ({ from, max }) => ({
    code: -32005,
    message: `query returned more than 10000 results. Try with this block range [${upperHex(from)}, ${upperHex(from + max - 1)}].`,
    data: { from: upperHex(from), limit: 10000, to: upperHex(from + max - 1) },
  }),
  // Infura (as reported of its live API): a plain block-range cap.
  'infura-range': ({ from, to, max }) => ({ code: -32602, message: `range ${to - from} exceeds limit of ${max}` }),
  // QuickNode (and public Base nodes): -32614, sent with HTTP 413 by QuickNode.
  quicknode: ({ max }) => ({ status: 413, code: -32614, message: `eth_getLogs is limited to a ${max.toLocaleString('en-US')} range` }),
  // BNB Smart Chain's public nodes (a geth fork).
  bsc: ({ max }) => ({ code: -32000, message: `exceed maximum block range: ${max}` }),
  // reth's own cap.
  reth: ({ max }) => ({ code: -32602, message: `query exceeds max block range ${max}` }),
  // Frontier-based chains (Moonbeam, Astar).
  frontier: ({ max }) => ({ code: -32603, message: `block range is too wide (maximum ${max})` }),
};

const DEFAULTS = {
  blockTimestamp: true,
  maxBlockRange: null,
  rangeErrorStyle: 'alchemy',
  rangeErrorStatus: null,
  maxResults: null,
  lagging: null,
  rateLimit: null,
  outage: null,
};

const RATE_LIMITED = 'Your app has exceeded its compute units per second capacity.';

// Methods whose last block parameter a lagging backend resolves against its own head.
const BLOCK_PARAM_INDEX = { eth_call: 1, eth_getBalance: 1, eth_getCode: 1, eth_getTransactionCount: 1, eth_getStorageAt: 2 };

function checkConfig(config) {
  for (const key of Object.keys(config)) if (!(key in DEFAULTS)) throw new Error(`provider: unknown option ${key}`);
  if (!(config.rangeErrorStyle in RANGE_ERROR_STYLES)) throw new Error(`provider: unknown rangeErrorStyle ${config.rangeErrorStyle}`);
  if (config.outage && !['refuse', 'http503', 'hang'].includes(config.outage)) throw new Error(`provider: unknown outage ${config.outage}`);
  if (config.lagging && !(Number.isInteger(config.lagging.behind) && config.lagging.behind >= 0)) {
    throw new Error('provider: lagging needs {behind: k}, k ≥ 0 blocks');
  }
  if (config.lagging?.aboveHead && !['error', 'clamp'].includes(config.lagging.aboveHead)) {
    throw new Error('provider: lagging.aboveHead is error or clamp');
  }
  const limit = config.rateLimit;
  if (limit && !(Number.isInteger(limit.every ?? limit.burst) && (limit.every ?? limit.burst) > 0)) {
    throw new Error('provider: rateLimit needs {every: n} or {burst: n}, n ≥ 1');
  }
}

const withoutTimestamp = (object) => {
  if (!object || typeof object !== 'object' || !('blockTimestamp' in object)) return object;
  const { blockTimestamp, ...rest } = object;
  return rest;
};
const stripReceipt = (receipt) => {
  if (!receipt || typeof receipt !== 'object') return receipt;
  return withoutTimestamp({ ...receipt, logs: Array.isArray(receipt.logs) ? receipt.logs.map(withoutTimestamp) : receipt.logs });
};

const numberOf = (quantity) => (typeof quantity === 'string' && /^0x[0-9a-f]+$/i.test(quantity) ? Number.parseInt(quantity, 16) : null);

/** A block parameter as a number on a backend whose view is {head, safe, finalized}; null when it is not one (a hash, garbage). */
function resolveBlock(tag, view) {
  if (tag === undefined || tag === null || tag === 'latest' || tag === 'pending') return view.head;
  if (tag === 'safe') return view.safe;
  if (tag === 'finalized') return view.finalized;
  if (tag === 'earliest') return 0;
  return numberOf(tag);
}

const rpcError = (id, code, message, data) => ({
  jsonrpc: '2.0',
  id,
  error: data === undefined ? { code, message } : { code, message, data },
});

/** Starts the emulator in front of `target`; see the comment at the top of this file. */
export async function startProvider({ target, host = '127.0.0.1', port = 0, ...options } = {}) {
  if (!target) throw new Error('startProvider: target (the real RPC URL) is required');
  let config = { ...DEFAULTS };
  let requestsSeen = 0; // for rateLimit, since it was set or reset
  let routed = 0; // for lagging's alternation, likewise
  const calls = [];
  const requests = [];
  const sockets = new Set();

  let nextUpstreamId = 1;
  async function upstream(batch) {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(10_000),
    });
    return JSON.parse(await response.text());
  }

  // The true node's head, safe and finalized block numbers (not recorded as calls).
  async function trueView() {
    const ids = [nextUpstreamId++, nextUpstreamId++, nextUpstreamId++];
    const answers = await upstream([
      { jsonrpc: '2.0', id: ids[0], method: 'eth_blockNumber', params: [] },
      { jsonrpc: '2.0', id: ids[1], method: 'eth_getBlockByNumber', params: ['safe', false] },
      { jsonrpc: '2.0', id: ids[2], method: 'eth_getBlockByNumber', params: ['finalized', false] },
    ]);
    const byId = (id) => answers.find((a) => a.id === id)?.result;
    return { head: numberOf(byId(ids[0])), safe: numberOf(byId(ids[1])?.number) ?? 0, finalized: numberOf(byId(ids[2])?.number) ?? 0 };
  }

  function rangeError(id, from, to) {
    const { status, ...error } = RANGE_ERROR_STYLES[config.rangeErrorStyle]({ from, to, max: config.maxBlockRange });
    return { answer: rpcError(id, error.code, error.message, error.data), status: config.rangeErrorStatus ?? status ?? 200 };
  }

  // What to do with one call before the node sees it: {answer[, status]} to answer it here, or
  // {forward} (the call to send on).
  function prepare(call, cfg, view, lagging) {
    const params = Array.isArray(call.params) ? call.params : [];
    switch (call.method) {
      case 'eth_getLogs': {
        const filter = params[0] && typeof params[0] === 'object' ? params[0] : {};
        if (!view || filter.blockHash !== undefined) return { forward: call };
        let from = resolveBlock(filter.fromBlock, view);
        let to = resolveBlock(filter.toBlock, view);
        if (from === null || to === null) return { forward: call };
        if (cfg.maxBlockRange != null && to - from + 1 > cfg.maxBlockRange) return rangeError(call.id, from, to);
        if (!lagging) return { forward: call };
        if ((cfg.lagging.aboveHead ?? 'error') === 'error') {
          if (from > to) return { answer: rpcError(call.id, -32602, 'invalid block range params') };
          if (to > view.head) {
            const message = `block range extends beyond current head block: requested ${to}, head ${view.head}`;
            return { answer: rpcError(call.id, -32602, message) };
          }
        }
        to = Math.min(to, view.head);
        if (from > to) return { answer: { jsonrpc: '2.0', id: call.id, result: [] } };
        return { forward: { ...call, params: [{ ...filter, fromBlock: hex(from), toBlock: hex(to) }, ...params.slice(1)] } };
      }
      case 'eth_blockNumber':
        return lagging ? { answer: { jsonrpc: '2.0', id: call.id, result: hex(view.head) } } : { forward: call };
      case 'eth_getBlockByNumber': {
        const number = lagging ? resolveBlock(params[0], view) : null;
        if (number === null) return { forward: call };
        if (number > view.head) return { answer: { jsonrpc: '2.0', id: call.id, result: null } };
        return { forward: { ...call, params: [hex(number), ...params.slice(1)] } };
      }
      default: {
        const index = BLOCK_PARAM_INDEX[call.method];
        if (!lagging || index === undefined || (params[index] !== undefined && typeof params[index] !== 'string')) return { forward: call };
        const number = resolveBlock(params[index], view);
        if (number === null) return { forward: call };
        if (number > view.head) return { answer: rpcError(call.id, -32000, 'header not found') };
        const rewritten = [...params];
        rewritten[index] = hex(number);
        return { forward: { ...call, params: rewritten } };
      }
    }
  }

  // What the node answered, as the provider would pass it on.
  function finish(call, answer, cfg, view, lagging) {
    if (!answer || !('result' in answer)) return answer;
    let result = answer.result;
    const above = (object) => lagging && object && numberOf(object.blockNumber ?? object.number) > view.head;
    switch (call.method) {
      case 'eth_getLogs':
      case 'eth_getFilterLogs':
      case 'eth_getFilterChanges':
        if (!Array.isArray(result)) break;
        if (lagging) result = result.filter((log) => !above(log));
        if (call.method === 'eth_getLogs' && cfg.maxResults != null && result.length > cfg.maxResults) {
          return rpcError(answer.id, -32005, `query returned more than ${cfg.maxResults} results`);
        }
        if (cfg.blockTimestamp === false) result = result.map(withoutTimestamp);
        break;
      case 'eth_getTransactionReceipt':
        if (above(result)) result = null;
        else if (cfg.blockTimestamp === false) result = stripReceipt(result);
        break;
      case 'eth_getBlockReceipts':
        if (cfg.blockTimestamp === false && Array.isArray(result)) result = result.map(stripReceipt);
        break;
      case 'eth_getTransactionByHash':
      case 'eth_getBlockByHash':
        if (above(result)) result = null;
        break;
      default:
        break;
    }
    return { ...answer, result };
  }

  function rateLimited(cfg) {
    if (!cfg.rateLimit) return false;
    requestsSeen++;
    const { every, burst } = cfg.rateLimit;
    return every !== undefined ? requestsSeen % every === 0 : requestsSeen <= burst;
  }

  function retryAfterHeader({ retryAfter = 1, retryAfterFormat }) {
    if (retryAfter === null) return {};
    if (typeof retryAfter === 'string') return { 'retry-after': retryAfter };
    return { 'retry-after': retryAfterFormat === 'date' ? new Date(Date.now() + retryAfter * 1000).toUTCString() : String(retryAfter) };
  }

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const cfg = config; // this request meets the behaviours set when it arrived
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const batch = Array.isArray(body);
    const list = batch ? body : body && typeof body === 'object' ? [body] : [];
    const request = { body: text, backend: null, status: null, at: Date.now() };
    const records = list.map((call) => ({ method: call?.method, params: call?.params, backend: null, status: null, error: null }));
    requests.push(request);
    calls.push(...records);
    const send = (status, payload, headers = {}) => {
      request.status = status;
      for (const record of records) record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload);
    };

    if (cfg.outage === 'hang') {
      await new Promise((resolve) => req.socket.once('close', resolve)); // the client gave up, or close()
      return;
    }
    if (cfg.outage === 'http503') return send(503, 'Service Unavailable', { 'content-type': 'text/plain' });
    if (rateLimited(cfg)) {
      const answer = rpcError(batch ? null : (body?.id ?? null), 429, RATE_LIMITED);
      return send(429, JSON.stringify(answer), retryAfterHeader(cfg.rateLimit));
    }

    const lagging = cfg.lagging ? routed++ % 2 === 1 : false;
    request.backend = lagging ? 'lagging' : 'head';
    for (const record of records) record.backend = request.backend;

    try {
      if (body === undefined || !list.length) {
        // Not JSON-RPC the emulator reads: the node answers it as it does.
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
          signal: AbortSignal.timeout(10_000),
        });
        return send(response.status, await response.text());
      }
      const needsView = lagging || (cfg.maxBlockRange != null && list.some((call) => call?.method === 'eth_getLogs'));
      let view = needsView ? await trueView() : null;
      if (lagging) {
        const shift = (n) => Math.max(0, n - cfg.lagging.behind);
        view = { head: shift(view.head), safe: shift(view.safe), finalized: shift(view.finalized) };
      }

      let status = 200;
      const answers = new Array(list.length);
      const forwarded = []; // [index, call as sent on, under its upstream id]
      list.forEach((call, i) => {
        if (!call || typeof call !== 'object') {
          answers[i] = rpcError(null, -32600, 'invalid request');
          return;
        }
        const prepared = prepare(call, cfg, view, lagging);
        if (prepared.answer) {
          answers[i] = prepared.answer;
          if (prepared.answer.error) records[i].error = prepared.answer.error.code;
          if (prepared.status && prepared.status !== 200) status = prepared.status;
        } else {
          forwarded.push([i, { ...prepared.forward, id: nextUpstreamId++ }]);
        }
      });
      if (forwarded.length) {
        const nodeAnswers = [await upstream(forwarded.map(([, call]) => call))].flat();
        for (const [i, sent] of forwarded) {
          const answer = nodeAnswers.find((a) => a && a.id === sent.id) ?? rpcError(null, -32603, 'no answer from the backend');
          const finished = finish(list[i], { ...answer, id: list[i].id }, cfg, view, lagging);
          if (finished.error && !answer.error) records[i].error = finished.error.code;
          answers[i] = finished;
        }
      }
      return send(status, JSON.stringify(batch ? answers : answers[0]));
    } catch (error) {
      return send(502, `provider: backend unreachable: ${error.message}`, { 'content-type': 'text/plain' });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (p) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const stopListening = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  const boundPort = await listen(port);
  let listening = true;

  async function apply(next) {
    checkConfig(next);
    if (next.outage === 'refuse' && listening) {
      await stopListening();
      listening = false;
    } else if (next.outage !== 'refuse' && !listening) {
      await listen(boundPort);
      listening = true;
    }
    if (next.rateLimit !== config.rateLimit) requestsSeen = 0;
    if (next.lagging !== config.lagging) routed = 0;
    config = next;
  }

  const provider = {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    calls,
    requests,
    /** The behaviours now set (a copy). */
    get config() {
      return { ...config };
    },
    /** Merges `changes` into the behaviours (null or undefined switches one off); resolves once in effect. */
    async configure(changes = {}) {
      const next = { ...config };
      for (const [key, value] of Object.entries(changes)) next[key] = value ?? DEFAULTS[key];
      await apply(next);
    },
    /** Every behaviour off: a plain pass-through again. */
    async restore() {
      await apply({ ...DEFAULTS });
    },
    /** Empties calls and requests and restarts the lagging and rateLimit counters. */
    reset() {
      calls.length = 0;
      requests.length = 0;
      requestsSeen = 0;
      routed = 0;
    },
    /** The calls recorded since `from` (an index into calls), by method: {eth_getLogs: 2, …}. */
    countSince(from = 0) {
      const counts = {};
      for (const call of calls.slice(from)) counts[call.method] = (counts[call.method] ?? 0) + 1;
      return counts;
    },
    async close() {
      if (listening) await stopListening();
      listening = false;
    },
  };
  await provider.configure(options);
  return provider;
}
