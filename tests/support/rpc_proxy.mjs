// A JSON-RPC proxy for fault tests: a Node http server on 127.0.0.1 that forwards to a real
// node (anvil) and can be switched, at any moment, into a mode that misbehaves the way real
// RPC providers do — refuse connections, hang up, answer slowly, answer HTTP 500 or garbage,
// claim another chain, serve a stale view (logs dropped, head held back) or corrupt logs.
//
//   const proxy = await startRpcProxy({ target: anvil.url });
//   worker vars: RPC_URL = proxy.url
//   proxy.set('http500');  …  proxy.set('pass');
//
// Every JSON-RPC call that reaches the proxy is recorded in `proxy.calls` ({method, params,
// mode}), and every HTTP request in `proxy.requests` ({body, mode, at}), whatever the mode,
// so tests can count what the worker asked for.
import { createServer } from 'node:http';

/**
 * Modes (set(mode, options)):
 *   pass          forward unchanged
 *   refuse        stop listening: new connections are refused (ECONNREFUSED)
 *   close         accept, then destroy the socket without answering (connection reset)
 *   slow          hold each request for options.delayMs (default 9000) before forwarding;
 *                 options.times limits how many requests are delayed (then it passes)
 *   http500       answer HTTP 500 with a text body
 *   malformed     answer HTTP 200 with a body that is not JSON
 *   chainId       forward, but answer eth_chainId with options.chainId (default 1)
 *   dropLogs      forward, but every eth_getLogs answers [] (a node whose log index lags)
 *   stale         forward, but eth_blockNumber answers options.head (a lagging node) and
 *                 eth_getLogs drops logs above that head (a consistent stale view)
 *   corruptLog    forward, but rewrite each eth_getLogs log with options.how:
 *                   'badHex'         data is not hex
 *                   'badBlockNumber' blockNumber is not a hex quantity
 *                   'wrongEmitter'   address is options.emitter (another contract)
 *                   'wrongRecipient' the `to` topic is options.recipient
 *                   'shortData'      data is 31 bytes
 *   rewrite       forward, then options.rewrite(call, answer) returns the answer to send
 * Every mode but refuse/close/http500/malformed answers JSON-RPC batches the way the
 * worker's shim sends them (an array in, an array out) and single calls too.
 */
export async function startRpcProxy({ target, host = '127.0.0.1', port = 0 } = {}) {
  if (!target) throw new Error('startRpcProxy: target (the real RPC URL) is required');
  let mode = 'pass';
  let options = {};
  let delayed = 0;
  const calls = [];
  const requests = [];
  const sockets = new Set();

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const list = Array.isArray(body) ? body : body ? [body] : [];
    const current = mode;
    requests.push({ body: text, mode: current, at: Date.now() });
    for (const call of list) calls.push({ method: call?.method, params: call?.params, mode: current });

    switch (current) {
      case 'close':
        req.socket.destroy();
        return;
      case 'http500':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal server error');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","id":1,"result":"0x1"'); // cut short
        return;
      case 'slow':
        if (options.times === undefined || delayed < options.times) {
          delayed++;
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, options.delayMs ?? 9000);
            req.socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          });
          if (req.socket.destroyed) return; // the client gave up
        }
        break;
      default:
        break;
    }

    let upstream;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      upstream = { status: response.status, text: await response.text() };
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: upstream unreachable: ${error.message}`);
      return;
    }
    let answers;
    try {
      answers = JSON.parse(upstream.text);
    } catch {
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(upstream.text);
      return;
    }
    const answerList = Array.isArray(answers) ? answers : [answers];
    const rewritten = answerList.map((answer) => {
      const call = list.find((c) => c && answer && c.id === answer.id);
      return call ? rewriteAnswer(current, options, call, answer) : answer;
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(answers) ? rewritten : rewritten[0]));
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

  return {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    calls,
    requests,
    get mode() {
      return mode;
    },
    /** Switches the mode; 'refuse' closes the listening socket, leaving it re-opens it. */
    async set(next, nextOptions = {}) {
      if (next === 'refuse' && listening) {
        await stopListening();
        listening = false;
      } else if (next !== 'refuse' && !listening) {
        await listen(boundPort);
        listening = true;
      }
      mode = next;
      options = nextOptions;
      delayed = 0;
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
}

function rewriteAnswer(mode, options, call, answer) {
  if (!('result' in answer)) return answer;
  switch (mode) {
    case 'chainId':
      if (call.method === 'eth_chainId') return { ...answer, result: '0x' + (options.chainId ?? 1).toString(16) };
      return answer;
    case 'dropLogs':
      if (call.method === 'eth_getLogs') return { ...answer, result: [] };
      return answer;
    case 'stale': {
      const head = BigInt(options.head);
      if (call.method === 'eth_blockNumber') return { ...answer, result: '0x' + head.toString(16) };
      if (call.method === 'eth_getLogs' && Array.isArray(answer.result)) {
        return { ...answer, result: answer.result.filter((log) => BigInt(log.blockNumber) <= head) };
      }
      return answer;
    }
    case 'corruptLog':
      if (call.method === 'eth_getLogs' && Array.isArray(answer.result)) {
        return { ...answer, result: answer.result.map((log) => corruptLog(log, options)) };
      }
      return answer;
    case 'rewrite':
      return options.rewrite(call, answer);
    default:
      return answer;
  }
}

function corruptLog(log, { how, emitter, recipient }) {
  switch (how) {
    case 'badHex':
      return { ...log, data: '0x' + 'zz'.repeat(32) };
    case 'badBlockNumber':
      return { ...log, blockNumber: 'latest' };
    case 'shortData':
      return { ...log, data: log.data.slice(0, -2) };
    case 'wrongEmitter':
      return { ...log, address: emitter.toLowerCase() };
    case 'wrongRecipient':
      return { ...log, topics: [log.topics[0], log.topics[1], '0x' + recipient.slice(2).toLowerCase().padStart(64, '0')] };
    default:
      throw new Error(`corruptLog: unknown how=${how}`);
  }
}
