// Small JSON-RPC helpers shared by the chain scripts (plain fetch, no client library).
import { readFileSync, existsSync, realpathSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file (no machine-specific paths). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHAIN_JSON = join(ROOT, '.dev', 'chain.json');

let nextId = 1;

/** One JSON-RPC call. Throws a clear Error on transport failure, HTTP error or JSON-RPC error. */
export async function rpc(url, method, params = [], { timeoutMs = 10_000 } = {}) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new Error(`RPC ${url} unreachable (${method}): ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`RPC ${url} ${method}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (body.error) {
    const data = body.error.data ? ` (data: ${JSON.stringify(body.error.data)})` : '';
    const err = new Error(`RPC ${method} failed: ${body.error.message} [code ${body.error.code}]${data}`);
    err.rpcError = body.error;
    throw err;
  }
  return body.result;
}

/**
 * Several JSON-RPC calls in one HTTP request (a JSON-RPC batch), answered in the order
 * asked. `calls` is [[method, params], …]. Throws like rpc() if any call fails.
 */
export async function rpcBatch(url, calls, { timeoutMs = 30_000 } = {}) {
  if (calls.length === 0) return [];
  const first = nextId;
  nextId += calls.length;
  const body = calls.map(([method, params = []], i) => ({ jsonrpc: '2.0', id: first + i, method, params }));
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new Error(`RPC ${url} unreachable (batch of ${calls.length}): ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  let answers;
  try {
    answers = JSON.parse(text);
  } catch {
    throw new Error(`RPC ${url} batch: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(answers)) throw new Error(`RPC ${url} does not answer batches: ${text.slice(0, 200)}`);
  // Nodes may answer a batch in any order: match by id.
  const byId = new Map(answers.map((a) => [a.id, a]));
  return calls.map(([method], i) => {
    const answer = byId.get(first + i);
    if (!answer) throw new Error(`RPC ${url} batch: no answer to ${method}`);
    if (answer.error) throw new Error(`RPC ${method} failed: ${answer.error.message} [code ${answer.error.code}]`);
    return answer.result;
  });
}

/**
 * Polls for a receipt. Works with automine (immediate) and --block-time (waits for
 * the next block). Throws if the transaction is not mined within timeoutMs.
 */
export async function waitForReceipt(url, hash, { timeoutMs = 60_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new Error(`transaction ${hash} not mined after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * eth_sendTransaction from an unlocked (anvil) account, then waits for the receipt.
 * Throws if the transaction reverted, unless allowRevert. Pass `gas` to send a
 * transaction that would fail gas estimation (i.e. one that reverts).
 */
export async function sendAndWait(url, tx, { allowRevert = false, ...wait } = {}) {
  const hash = await rpc(url, 'eth_sendTransaction', [tx]);
  const receipt = await waitForReceipt(url, hash, wait);
  if (receipt.status !== '0x1' && !allowRevert) {
    throw new Error(`transaction ${hash} reverted (to ${tx.to ?? 'contract creation'})`);
  }
  return receipt;
}

/** Hex quantity for JSON-RPC. */
export const toHex = (n) => '0x' + BigInt(n).toString(16);

/** 32-byte ABI word of an address or integer (no 0x). */
export const word = (v) =>
  (typeof v === 'string' && v.startsWith('0x') ? v.slice(2).toLowerCase() : BigInt(v).toString(16)).padStart(64, '0');

/** Calldata for a selector (4 bytes hex, with or without 0x) and static arguments. */
export const calldata = (selector, ...args) => '0x' + selector.replace(/^0x/, '') + args.map(word).join('');

// ERC-20 selectors used by the scripts.
export const SEL = {
  transfer: 'a9059cbb', // transfer(address,uint256)
  balanceOf: '70a08231', // balanceOf(address)
  decimals: '313ce567', // decimals()
};

export async function erc20Balance(url, token, owner) {
  return BigInt(await rpc(url, 'eth_call', [{ to: token, data: calldata(SEL.balanceOf, owner) }, 'latest']));
}

/** Exact decimal string -> base units (BigInt). Rejects floats' syntax, signs and excess decimals. */
export function parseUnits(text, decimals) {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(String(text).trim());
  if (!m) throw new Error(`bad amount "${text}": expected a decimal like 12.34`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) throw new Error(`bad amount "${text}": at most ${decimals} decimals`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

/** Base units -> decimal string with exactly `decimals` places. */
export function formatUnits(value, decimals) {
  const s = BigInt(value).toString().padStart(decimals + 1, '0');
  return decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
}

/** .dev/chain.json (written by deploy.mjs for `make dev`), or null. */
export function readChainJson(file = CHAIN_JSON) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** RPC_URL, else .dev/chain.json's rpcUrl, else http://127.0.0.1:${ANVIL_PORT:-8545}. */
export function defaultRpcUrl() {
  return process.env.RPC_URL || readChainJson()?.rpcUrl || `http://127.0.0.1:${process.env.ANVIL_PORT || 8545}`;
}

/** True when this module is the script node was started with. */
export function isMain(metaUrl) {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(fileURLToPath(metaUrl)) === realpathSync(process.argv[1]);
  } catch {
    return false;
  }
}
