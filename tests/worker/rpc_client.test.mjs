// The shim's JSON-RPC client (edge/rpc.js) against a real anvil behind the hosted-provider
// emulator (tests/support/provider.mjs), and the emulator's own behaviours.
//   node --test tests/worker/rpc_client.test.mjs
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';

import { MAX_ATTEMPTS, performRpc, retryAfterMs, rpcUrlList } from '../../edge/rpc.js';
import { freePort, startAnvil } from '../../scripts/chain/anvil.mjs';
import { rpc, sendAndWait } from '../../scripts/chain/rpc.mjs';
import { startProvider } from '../support/provider.mjs';
import { startRpcProxy } from '../support/rpc_proxy.mjs';

// A 7-byte contract that logs its caller as its one topic (CALLER, 0, 0, LOG1), and the init
// code that deploys it: logs without depending on the project's contracts.
const EMITTER_INITCODE = '0x6007600c60003960076000f3' + '3360006000a100';

const hex = (n) => '0x' + n.toString(16);
const mine = (url, blocks) => rpc(url, 'anvil_mine', [hex(blocks)]);
const head = async (url) => Number(await rpc(url, 'eth_blockNumber'));

/** One raw POST: {status, headers, json}. */
async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
const call = (method, params = [], id = 1) => ({ jsonrpc: '2.0', id, method, params });

/** Forwards to `target` and answers each batch in reverse order (JSON-RPC allows any order). */
async function startReverser(target) {
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answers = JSON.parse(await response.text());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(answers) ? answers.reverse() : answers));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

let anvil;
let provider; // the emulator most tests use
let second; // another one, for lists of nodes
let deadUrl; // a port nothing listens on
let emitter;
let sender;
const logBlocks = []; // blocks that hold one emitter log each

before(async () => {
  anvil = await startAnvil({ port: await freePort() });
  [sender] = await rpc(anvil.url, 'eth_accounts');
  emitter = (await sendAndWait(anvil.url, { from: sender, data: EMITTER_INITCODE })).contractAddress;
  for (let i = 0; i < 3; i++) {
    logBlocks.push(Number((await sendAndWait(anvil.url, { from: sender, to: emitter })).blockNumber));
  }
  await mine(anvil.url, 100); // past anvil's `finalized` (head − 63)
  provider = await startProvider({ target: anvil.url });
  second = await startProvider({ target: anvil.url });
  deadUrl = `http://127.0.0.1:${await freePort()}`;
});

after(async () => {
  await provider?.close();
  await second?.close();
  await anvil?.stop();
});

afterEach(async () => {
  for (const p of [provider, second]) {
    await p.restore();
    p.reset();
  }
});

describe('performRpc: lists of nodes and transport failures', () => {
  it('RPC_URL lists are split on commas, trimmed, empties dropped', () => {
    assert.deepEqual(rpcUrlList(' http://a , ,http://b,'), ['http://a', 'http://b']);
    assert.deepEqual(rpcUrlList(['http://a', ' ', ' http://b ']), ['http://a', 'http://b']);
    assert.deepEqual(rpcUrlList(undefined), []);
    assert.deepEqual(rpcUrlList('http://one'), ['http://one']);
  });

  it('without any URL every call fails as not configured', async () => {
    assert.deepEqual(await performRpc(' , ', [{ method: 'eth_chainId', params: [] }]), [{ ok: false, error: 'RPC_URL is not configured' }]);
  });

  it('a dead first URL is harmless: the second answers', async () => {
    const results = await performRpc([deadUrl, provider.url], [
      { method: 'eth_chainId', params: [] },
      { method: 'eth_blockNumber', params: [] },
    ]);
    assert.deepEqual(results[0], { ok: true, value: '0x7a69' });
    assert.equal(results[1].ok, true);
    assert.equal(Number(results[1].value), await head(anvil.url));
    assert.equal(provider.requests.length, 1);
  });

  it('RPC_URL as one comma-separated string works the same', async () => {
    const results = await performRpc(` ${deadUrl} , , ${provider.url} `, [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
  });

  it('results stay in call order, however the node orders its answers', async () => {
    const reverser = await startReverser(anvil.url);
    try {
      const calls = [
        { method: 'eth_chainId', params: [] },
        { method: 'eth_getBlockByNumber', params: [hex(logBlocks[0]), false] },
        { method: 'eth_getCode', params: [emitter, 'latest'] },
        { method: 'eth_getBlockByNumber', params: [hex(logBlocks[1]), false] },
        { method: 'eth_getBalance', params: [emitter, 'latest'] },
      ];
      const results = await performRpc(reverser.url, calls);
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true, true, true],
      );
      assert.equal(results[0].value, '0x7a69');
      assert.equal(Number(results[1].value.number), logBlocks[0]);
      assert.equal(results[2].value, '0x3360006000a100');
      assert.equal(Number(results[3].value.number), logBlocks[1]);
      assert.equal(results[4].value, '0x0');
    } finally {
      await reverser.close();
    }
  });

  it('HTTP 5xx falls to the next URL', async () => {
    await provider.configure({ outage: 'http503' });
    const results = await performRpc([provider.url, second.url], [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    assert.deepEqual(
      provider.requests.map((r) => r.status),
      [503],
    );
    assert.deepEqual(
      second.requests.map((r) => r.status),
      [200],
    );
  });

  it('malformed JSON and a reset connection fall to the next URL (rpc_proxy modes)', async () => {
    const proxy = await startRpcProxy({ target: anvil.url });
    try {
      for (const mode of ['malformed', 'close']) {
        await proxy.set(mode);
        second.reset();
        const results = await performRpc([proxy.url, second.url], [{ method: 'eth_chainId', params: [] }]);
        assert.deepEqual(results, [{ ok: true, value: '0x7a69' }], mode);
        assert.equal(second.requests.length, 1, mode);
      }
    } finally {
      await proxy.close();
    }
  });

  it('a hung node is given up at the timeout and the next one answers', async () => {
    await provider.configure({ outage: 'hang' });
    const started = Date.now();
    const results = await performRpc([provider.url, second.url], [{ method: 'eth_chainId', params: [] }], 300);
    const elapsed = Date.now() - started;
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    assert.ok(elapsed >= 290 && elapsed < 1500, `took ${elapsed} ms`);
  });

  it('every node hung: each call fails as timed out, after one timeout per node', async () => {
    await provider.configure({ outage: 'hang' });
    await second.configure({ outage: 'hang' });
    const started = Date.now();
    const calls = [{ method: 'eth_chainId', params: [] }, { method: 'eth_blockNumber' }];
    const results = await performRpc([provider.url, second.url], calls, 300);
    const elapsed = Date.now() - started;
    assert.equal(results.length, 2);
    for (const r of results) assert.deepEqual(r, { ok: false, error: 'RPC timed out after 300 ms' });
    assert.ok(elapsed < 2 * 300 + 600, `took ${elapsed} ms`);
    assert.equal(provider.requests.length + second.requests.length, 2, 'a batch stops after two timeouts');
  });

  it('every node is tried once even after two timeouts; then no second round', async () => {
    const third = await startProvider({ target: anvil.url });
    try {
      await provider.configure({ outage: 'hang' });
      await second.configure({ outage: 'hang' });
      const results = await performRpc([provider.url, second.url, third.url], [{ method: 'eth_chainId', params: [] }], 200);
      assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
      await third.configure({ outage: 'hang' });
      const started = Date.now();
      const [failed] = await performRpc([provider.url, second.url, third.url], [{ method: 'eth_chainId', params: [] }], 200);
      assert.deepEqual(failed, { ok: false, error: 'RPC timed out after 200 ms' });
      assert.ok(Date.now() - started < 3 * 200 + 500);
      assert.equal(third.requests.length, 2, 'one attempt in each batch, no second round');
    } finally {
      await third.close();
    }
  });

  it('attempts are bounded: at most MAX_ATTEMPTS fetches, whatever the length of the list', async () => {
    await provider.configure({ outage: 'http503' });
    const urls = ['a', 'b', 'c', 'd', 'e'].map((path) => `${provider.url}/${path}`);
    const results = await performRpc(urls, [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(results, [{ ok: false, error: 'RPC answered HTTP 503' }]);
    assert.equal(provider.requests.length, MAX_ATTEMPTS);
    assert.ok(MAX_ATTEMPTS <= 6);
  });

  it('when everything failed the message names the last failure', async () => {
    const [refused] = await performRpc(deadUrl, [{ method: 'eth_chainId', params: [] }]);
    assert.equal(refused.ok, false);
    assert.match(refused.error, /^RPC unreachable: ECONNREFUSED$/);
    await provider.configure({ outage: 'http503' });
    const [failed] = await performRpc([deadUrl, provider.url], [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(failed, { ok: false, error: 'RPC answered HTTP 503' });
  });
});

describe('performRpc: HTTP 429', () => {
  it('Retry-After (seconds) is read, and an HTTP-date too', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(retryAfterMs('2', now), 2000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs('Tue, 01 Jan 2030 00:00:03 GMT', now), 3000);
    assert.equal(retryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now), 0);
    assert.equal(retryAfterMs(null, now), null);
    assert.equal(retryAfterMs('soon', now), null);
  });

  it('a 429 with Retry-After is waited out, then the batch succeeds', async () => {
    await provider.configure({ rateLimit: { burst: 1, retryAfter: 1 } });
    const started = Date.now();
    const results = await performRpc(provider.url, [{ method: 'eth_chainId', params: [] }]);
    const elapsed = Date.now() - started;
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    assert.deepEqual(
      provider.requests.map((r) => r.status),
      [429, 200],
    );
    const gap = provider.requests[1].at - provider.requests[0].at;
    assert.ok(gap >= 950, `waited ${gap} ms for Retry-After: 1`);
    assert.ok(elapsed < 2500, `took ${elapsed} ms`);
  });

  it('a Retry-After given as an HTTP-date is honoured', async () => {
    await provider.configure({ rateLimit: { burst: 1, retryAfter: 2, retryAfterFormat: 'date' } });
    const results = await performRpc(provider.url, [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    const gap = provider.requests[1].at - provider.requests[0].at;
    // An HTTP-date has whole seconds: now + 2 s is 1 to 2 s away.
    assert.ok(gap >= 900 && gap < 2500, `waited ${gap} ms`);
  });

  it('a long Retry-After is capped at 2 s', async () => {
    await provider.configure({ rateLimit: { burst: 1, retryAfter: 30 } });
    const started = Date.now();
    const results = await performRpc(provider.url, [{ method: 'eth_chainId', params: [] }]);
    const elapsed = Date.now() - started;
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    assert.ok(elapsed >= 1950 && elapsed < 3000, `took ${elapsed} ms`);
  });

  it('the next node is tried before any waiting', async () => {
    await provider.configure({ rateLimit: { every: 1, retryAfter: 1 } });
    const started = Date.now();
    const results = await performRpc([provider.url, second.url], [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(results, [{ ok: true, value: '0x7a69' }]);
    assert.ok(Date.now() - started < 500, 'no wait when another node answers');
    assert.equal(provider.requests.length, 1);
  });

  it('429 forever: every call fails, in bounded time and attempts', async () => {
    await provider.configure({ rateLimit: { every: 1, retryAfter: 1 } });
    await second.configure({ rateLimit: { every: 1, retryAfter: 1 } });
    const started = Date.now();
    const results = await performRpc([provider.url, second.url], [{ method: 'eth_chainId', params: [] }, { method: 'eth_blockNumber' }]);
    const elapsed = Date.now() - started;
    assert.deepEqual(results, [
      { ok: false, error: 'RPC answered HTTP 429 (all 2 nodes)' },
      { ok: false, error: 'RPC answered HTTP 429 (all 2 nodes)' },
    ]);
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.equal(provider.requests.length, 2);
    assert.equal(second.requests.length, 2);
  });

  it('429 forever without Retry-After: a short backoff, then failure', async () => {
    await provider.configure({ rateLimit: { every: 1, retryAfter: null } });
    const started = Date.now();
    const [result] = await performRpc(provider.url, [{ method: 'eth_chainId', params: [] }]);
    assert.deepEqual(result, { ok: false, error: 'RPC answered HTTP 429' });
    assert.ok(Date.now() - started < 1000);
    assert.equal(provider.requests.length, 2);
  });
});

describe('performRpc: JSON-RPC errors are answers, not transport failures', () => {
  it('a range-cap error is passed through per call with rpcError, and not retried', async () => {
    await provider.configure({ maxBlockRange: 10, rangeErrorStyle: 'alchemy' });
    const results = await performRpc([provider.url, second.url], [
      { method: 'eth_blockNumber', params: [] },
      { method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: 'latest', address: emitter }] },
      { method: 'eth_chainId', params: [] },
    ]);
    assert.equal(results[0].ok, true);
    assert.equal(results[1].ok, false);
    assert.equal(results[1].rpcError.code, -32600);
    assert.match(results[1].rpcError.message, /up to a 10 block range/);
    assert.equal(results[1].error, `RPC error -32600: ${results[1].rpcError.message}`);
    assert.deepEqual(results[2], { ok: true, value: '0x7a69' });
    assert.equal(provider.requests.length, 1, 'not retried');
    assert.equal(second.requests.length, 0, 'not sent to another node');
  });

  it('a cap answered with HTTP 413 and per-call answers (QuickNode) is passed through too', async () => {
    await provider.configure({ maxBlockRange: 10, rangeErrorStyle: 'quicknode' });
    const results = await performRpc([provider.url, second.url], [
      { method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: 'latest', address: emitter }] },
      { method: 'eth_chainId', params: [] },
    ]);
    assert.deepEqual(results[0], {
      ok: false,
      error: 'RPC error -32614: eth_getLogs is limited to a 10 range',
      rpcError: { code: -32614, message: 'eth_getLogs is limited to a 10 range' },
    });
    assert.deepEqual(results[1], { ok: true, value: '0x7a69' });
    assert.deepEqual(
      provider.requests.map((r) => r.status),
      [413],
    );
    assert.equal(second.requests.length, 0);
  });

  it('rpcError keeps the data a provider sends', async () => {
    await provider.configure({ maxBlockRange: 10, rangeErrorStyle: 'infura' });
    const [result] = await performRpc(provider.url, [{ method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: '0x20' }] }]);
    assert.equal(result.rpcError.code, -32005);
    assert.deepEqual(result.rpcError.data, { from: '0x0', limit: 10000, to: '0x9' });
  });
});

describe('provider emulator', () => {
  const wideLogs = () => call('eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest', address: emitter }]);
  // The three logs made before the tests (later tests add more).
  const emitterLogs = (fromBlock = logBlocks[0]) =>
    call('eth_getLogs', [{ fromBlock: hex(fromBlock), toBlock: hex(logBlocks[2]), address: emitter }]);

  it('range caps answer in each provider style, with its code and HTTP status', async () => {
    const expected = {
      alchemy: [200, -32600, /^You can make eth_getLogs requests with up to a 10 block range\. .*\[0x0, 0x9\]$/],
      'alchemy-size': [200, -32602, /^Log response size exceeded\. .*\[0x0, 0x9\]$/],
      infura: [200, -32005, /^query returned more than 10000 results\. Try with this block range \[0x0, 0x9\]\.$/],
      'infura-range': [200, -32602, /^range \d+ exceeds limit of 10$/],
      quicknode: [413, -32614, /^eth_getLogs is limited to a 10 range$/],
      bsc: [200, -32000, /^exceed maximum block range: 10$/],
      reth: [200, -32602, /^query exceeds max block range 10$/],
      frontier: [200, -32603, /^block range is too wide \(maximum 10\)$/],
    };
    for (const [style, [status, code, message]] of Object.entries(expected)) {
      await provider.configure({ maxBlockRange: 10, rangeErrorStyle: style });
      const res = await post(provider.url, wideLogs());
      assert.equal(res.status, status, style);
      assert.equal(res.json.id, 1, style);
      assert.equal(res.json.error.code, code, style);
      assert.match(res.json.error.message, message, style);
    }
    // QuickNode writes the cap with thousands separators.
    await provider.configure({ maxBlockRange: 10000, rangeErrorStyle: 'quicknode' });
    const res = await post(provider.url, call('eth_getLogs', [{ fromBlock: '0x0', toBlock: hex(10000) }]));
    assert.equal(res.json.error.message, 'eth_getLogs is limited to a 10,000 range');
  });

  it('the range is measured with tags resolved, inclusive of both ends', async () => {
    await provider.configure({ maxBlockRange: 40 });
    const top = await head(anvil.url);
    const within = await post(provider.url, call('eth_getLogs', [{ fromBlock: hex(top - 39), toBlock: 'latest' }]));
    assert.ok(Array.isArray(within.json.result), within.text);
    const over = await post(provider.url, call('eth_getLogs', [{ fromBlock: hex(top - 40), toBlock: 'latest' }]));
    assert.equal(over.json.error.code, -32600);
    const safe = await post(provider.url, call('eth_getLogs', [{ fromBlock: 'safe', toBlock: 'latest' }])); // 32 blocks on anvil
    assert.ok(Array.isArray(safe.json.result), safe.text);
    const finalized = await post(provider.url, call('eth_getLogs', [{ fromBlock: 'finalized' }])); // 64 blocks
    assert.equal(finalized.json.error.code, -32600);
    const earliest = await post(provider.url, call('eth_getLogs', [{ fromBlock: 'earliest', toBlock: hex(39) }]));
    assert.ok(Array.isArray(earliest.json.result), earliest.text);
    assert.equal(provider.calls.at(-1).error, null);
    assert.equal(provider.calls.find((c) => c.method === 'eth_getLogs' && c.error !== null).error, -32600);
  });

  it('maxResults answers -32005 when a query finds more logs', async () => {
    const all = await post(provider.url, emitterLogs());
    assert.equal(all.json.result.length, 3);
    await provider.configure({ maxResults: 2 });
    const res = await post(provider.url, emitterLogs());
    assert.deepEqual(res.json.error, { code: -32005, message: 'query returned more than 2 results' });
    const few = await post(provider.url, emitterLogs(logBlocks[1]));
    assert.equal(few.json.result.length, 2);
  });

  it('blockTimestamp: false strips it from logs and receipts (anvil sends it)', async () => {
    const tx = (await post(provider.url, emitterLogs())).json.result[0].transactionHash;
    const batch = [emitterLogs(), call('eth_getTransactionReceipt', [tx], 2)];
    const [logs, receipt] = (await post(provider.url, batch)).json;
    assert.ok('blockTimestamp' in logs.result[0], 'anvil adds blockTimestamp to logs');
    assert.ok('blockTimestamp' in receipt.result, 'and to receipts');
    await provider.configure({ blockTimestamp: false });
    const [bareLogs, bareReceipt] = (await post(provider.url, batch)).json;
    assert.equal(bareLogs.result.length, 3);
    for (const log of bareLogs.result) assert.ok(!('blockTimestamp' in log), JSON.stringify(log));
    assert.ok(!('blockTimestamp' in bareReceipt.result));
    assert.ok(bareReceipt.result.logs.length === 1 && !('blockTimestamp' in bareReceipt.result.logs[0]));
    assert.equal(bareReceipt.result.transactionHash, tx);
    assert.equal(bareLogs.result[0].transactionHash, logs.result[0].transactionHash);
  });

  it('lagging: requests alternate between the true head and one k blocks behind', async () => {
    await provider.configure({ lagging: { behind: 5 } });
    const top = await head(anvil.url);
    const heads = [];
    for (let i = 0; i < 4; i++) heads.push(Number((await post(provider.url, call('eth_blockNumber'))).json.result));
    assert.deepEqual(heads, [top, top - 5, top, top - 5]);
    assert.deepEqual(
      provider.calls.map((c) => c.backend),
      ['head', 'lagging', 'head', 'lagging'],
    );

    // One batch goes to one backend: the next request is the true node's, the one after the lagging one's.
    const blocks = [call('eth_getBlockByNumber', [hex(top), false], 1), call('eth_getBlockByNumber', ['finalized', false], 2)];
    const [onHead, onLagging] = [(await post(provider.url, blocks)).json, (await post(provider.url, blocks)).json];
    assert.equal(Number(onHead[0].result.number), top);
    assert.equal(onLagging[0].result, null, 'a block above the lagging head is unknown there');
    assert.equal(Number(onLagging[1].result.number), Number(onHead[1].result.number) - 5, 'finalized is shifted by k');
  });

  it('lagging: logs, receipts and transactions above its head are unknown to the lagging backend', async () => {
    const { transactionHash, blockNumber } = await sendAndWait(anvil.url, { from: sender, to: emitter });
    await mine(anvil.url, 2);
    const txBlock = Number(blockNumber);
    const top = await head(anvil.url);
    await provider.configure({ lagging: { behind: 5 } });
    const batch = [
      call('eth_getTransactionReceipt', [transactionHash], 1),
      call('eth_getTransactionByHash', [transactionHash], 2),
      call('eth_getLogs', [{ fromBlock: hex(txBlock), toBlock: 'latest', address: emitter }], 3),
      call('eth_getLogs', [{ fromBlock: hex(txBlock - 10), toBlock: hex(top), address: emitter }], 4),
    ];
    const onHead = (await post(provider.url, batch)).json;
    const onLagging = (await post(provider.url, batch)).json;
    assert.equal(onHead[0].result.transactionHash, transactionHash);
    assert.equal(onHead[1].result.hash, transactionHash);
    assert.equal(onHead[2].result.length, 1);
    assert.equal(onHead[3].result.length, 1);
    assert.equal(onLagging[0].result, null);
    assert.equal(onLagging[1].result, null);
    assert.equal(onLagging[2].error.code, -32602, 'fromBlock above the lagging head (latest) is refused');
    assert.equal(onLagging[3].error.code, -32602);
    assert.match(onLagging[3].error.message, new RegExp(`requested ${top}, head ${top - 5}`));

    await provider.configure({ lagging: { behind: 5, aboveHead: 'clamp' } }); // restarts the alternation
    const clampedHead = (await post(provider.url, batch)).json;
    const clamped = (await post(provider.url, batch)).json;
    assert.equal(clampedHead[3].result.length, 1);
    assert.deepEqual(clamped[2].result, []);
    assert.deepEqual(clamped[3].result, [], 'the range is cut at the lagging head');
  });

  it('lagging and a range cap combine: the range is measured on the lagging backend', async () => {
    const top = await head(anvil.url);
    await provider.configure({ lagging: { behind: 5, aboveHead: 'clamp' }, maxBlockRange: 10 });
    const query = call('eth_getLogs', [{ fromBlock: hex(top - 14), toBlock: 'latest' }]); // 15 blocks on the head, 10 when 5 behind
    assert.equal((await post(provider.url, query)).json.error.code, -32600);
    assert.ok(Array.isArray((await post(provider.url, query)).json.result));
  });

  it('rateLimit: every n-th request, or a burst, answers 429 with Retry-After', async () => {
    await provider.configure({ rateLimit: { every: 2, retryAfter: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await post(provider.url, call('eth_chainId'));
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal(res.headers.get('retry-after'), '3');
        assert.equal(res.json.error.code, 429);
      }
    }
    assert.deepEqual(statuses, [200, 429, 200, 429]);

    await provider.configure({ rateLimit: { burst: 2, retryAfter: 1, retryAfterFormat: 'date' } });
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await post(provider.url, [call('eth_chainId')]));
    assert.deepEqual(
      burst.map((r) => r.status),
      [429, 429, 200],
    );
    assert.ok(!Number.isNaN(Date.parse(burst[0].headers.get('retry-after'))));
    assert.deepEqual(burst[2].json, [{ jsonrpc: '2.0', id: 1, result: '0x7a69' }]);
  });

  it('outages: refused, HTTP 503, hung; restore() brings the node back', async () => {
    await provider.configure({ outage: 'refuse' });
    // A pooled connection may meet the closing first; a new one is refused.
    const refusedOrClosed = (error) => ['ECONNREFUSED', 'UND_ERR_SOCKET'].includes(error.cause?.code);
    await assert.rejects(post(provider.url, call('eth_chainId')), refusedOrClosed);
    await assert.rejects(post(provider.url, call('eth_chainId')), (error) => error.cause?.code === 'ECONNREFUSED');
    await provider.configure({ outage: 'http503' });
    assert.equal((await post(provider.url, call('eth_chainId'))).status, 503);
    await provider.configure({ outage: 'hang' });
    await assert.rejects(
      fetch(provider.url, { method: 'POST', body: JSON.stringify(call('eth_chainId')), signal: AbortSignal.timeout(200) }),
      (error) => error.name === 'TimeoutError',
    );
    assert.equal(provider.requests.at(-1).status, null);
    await provider.restore();
    assert.equal((await post(provider.url, call('eth_chainId'))).json.result, '0x7a69');
  });

  it('single calls and batches both work, and calls are recorded and reset', async () => {
    const single = await post(provider.url, call('eth_chainId', [], 'a'));
    assert.deepEqual(single.json, { jsonrpc: '2.0', id: 'a', result: '0x7a69' });
    const batch = await post(provider.url, [call('eth_chainId', [], 7), call('eth_blockNumber', [], 8)]);
    assert.deepEqual(
      batch.json.map((a) => a.id),
      [7, 8],
    );
    assert.deepEqual(provider.countSince(0), { eth_chainId: 2, eth_blockNumber: 1 });
    assert.deepEqual(provider.calls[2], { method: 'eth_blockNumber', params: [], backend: 'head', status: 200, error: null });
    assert.equal(provider.requests.length, 2);
    const calls = provider.calls;
    provider.reset();
    assert.equal(calls.length, 0);
    assert.equal(provider.requests.length, 0);
  });

  it('configure refuses options it does not know', async () => {
    await assert.rejects(provider.configure({ maxBlockRanges: 10 }), /unknown option/);
    await assert.rejects(provider.configure({ rangeErrorStyle: 'nobody' }), /unknown rangeErrorStyle/);
    await assert.rejects(provider.configure({ rateLimit: { every: 0 } }), /rateLimit/);
  });
});
