#!/usr/bin/env node
// Collects paid sessions' funds into the treasury through ForwarderFactory.flushMany,
// which deploys each forwarder if needed and sends its token balance to the treasury
// fixed in the implementation. Anyone may call it, so any funded key can sweep.
//
// Every network the deployment accepts is swept: each session's paymentOptions name the
// networks and tokens it could be paid in (its deposit address is the same on each), and
// per network one flushMany goes out per batch per token that has a balance, through that
// network's RPC URL, and is recorded with the network's name.
//
//   make sweep                          every fulfilled session (paid, overpaid, paid_late)
//   make sweep SESSIONS="cs_… cs_…"     just these
//   node scripts/chain/sweep.mjs [sessionId...] [--deployment FILE]
//
// Environment:
//   PAYLINKS_URL         the worker (default http://127.0.0.1:${PORT:-8787}); lists the
//                        sessions and records each sweep (POST /api/v1/sweeps)
//   API_KEY              its secret key (default sk_test_local)
//   RPC_URL              the primary network's (NETWORK, the sessions' `network`); default:
//                        FILE's rpcUrl, else http://127.0.0.1:${ANVIL_PORT:-8545}
//   RPC_URLS             the other networks', a JSON map by network name, e.g.
//                        {"base":"https://…"}; default: FILE's networks.<name>.rpcUrl (make dev
//                        writes local-b's there). A network with no URL is skipped with a warning.
//   FORWARDER_FACTORY    default: FILE's forwarderFactory (FILE = .dev/chain.json); the same
//                        address on every network
//   NETWORK              the network of sessions named on the command line (default the primary)
//   TOKEN_ADDRESS        the token of sessions named on the command line (default FILE's token)
//   SWEEPER_PRIVATE_KEY  pays for gas on every network; on make dev's local chains (31337,
//                        31338) anvil's public key #0
//   SWEEP_BATCH          sessions per transaction (default 50)
import { parseArgs } from 'node:util';
import { decodeFunctionResult, encodeFunctionData, erc20Abi, getAddress, isAddress, parseEventLogs } from 'viem';
import { depositAddressFor, sessionSalt } from './create2.mjs';
import { ANVIL_DEFAULT_KEY, LOCAL_CHAIN_ID, loadPrivateKey } from './keys.mjs';
import { createSigner } from './signer.mjs';
import { CHAIN_JSON, calldata, formatUnits, isMain, readChainJson, rpc, rpcBatch, toHex } from './rpc.mjs';

/** The sessions whose money is the merchant's: confirmed and at least fully paid. */
export const FULFILLED = ['paid', 'overpaid', 'paid_late'];

const FACTORY_ABI = [
  {
    type: 'function', name: 'flushMany', stateMutability: 'nonpayable',
    inputs: [{ name: 'salts', type: 'bytes32[]' }, { name: 'token', type: 'address' }],
    outputs: [{ name: 'total', type: 'uint256' }],
  },
  {
    type: 'event', name: 'ForwarderFlushed',
    inputs: [
      { name: 'salt', type: 'bytes32', indexed: true },
      { name: 'forwarder', type: 'address', indexed: true },
      { name: 'token', type: 'address', indexed: true },
      { name: 'amount', type: 'uint256', indexed: false },
    ],
  },
];

const MAX_PAGES = 1000; // 100,000 sessions per status: a bound, not an expected size
const BALANCES_PER_REQUEST = 100;

// ---- the worker's API ------------------------------------------------------------------

async function api(paylinksUrl, apiKey, method, path, body) {
  const url = `${paylinksUrl.replace(/\/+$/, '')}${path}`;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json', ...(body && { 'content-type': 'application/json' }) },
      body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new Error(`cannot reach paylinks at ${paylinksUrl} (${e.cause?.code ?? e.message}); is it running? (PAYLINKS_URL)`);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Every session with `status`, following starting_after until has_more is false. */
async function listSessions(paylinksUrl, apiKey, status) {
  const sessions = [];
  let after = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `status=${status}&limit=100${after && `&starting_after=${encodeURIComponent(after)}`}`;
    const r = await api(paylinksUrl, apiKey, 'GET', `/api/v1/checkout_sessions?${query}`);
    if (r.status === 401) throw new Error(`paylinks refused the API key (401): set API_KEY to the worker's secret key`);
    if (r.status !== 200 || !Array.isArray(r.json?.data)) {
      throw new Error(`listing ${status} sessions: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
    }
    sessions.push(...r.json.data);
    if (!r.json.has_more || r.json.data.length === 0) return sessions;
    after = r.json.data.at(-1).id;
  }
  throw new Error(`more than ${MAX_PAGES} pages of ${status} sessions; sweep them by id`);
}

/**
 * Every fulfilled session as {id, depositAddress, token, chainId, network, options}: the first
 * fields its primary option, `options` every [{network, chainId, token}] it could be paid in.
 */
export async function fulfilledSessions(paylinksUrl, apiKey) {
  const all = [];
  for (const status of FULFILLED) all.push(...(await listSessions(paylinksUrl, apiKey, status)));
  return all.map((s) => {
    const primary = { network: s.network, chainId: s.chainId, token: s.token?.address };
    const options = (s.paymentOptions ?? []).map((o) => ({ network: o.network, chainId: o.chainId, token: o.token?.address }));
    return { id: s.id, depositAddress: s.depositAddress, ...primary, options: options.length ? options : [primary] };
  });
}

/**
 * The sessions to sweep on each network: {network → {chainId, sessions: [{id, depositAddress,
 * token, chainId}]}}, one entry per session and token it could hold there.
 */
export function byNetwork(sessions) {
  const networks = new Map();
  for (const s of sessions) {
    for (const o of s.options ?? [{ network: s.network, chainId: s.chainId, token: s.token }]) {
      if (!o.token) continue;
      if (!networks.has(o.network)) networks.set(o.network, { chainId: o.chainId, sessions: [] });
      networks.get(o.network).sessions.push({ id: s.id, depositAddress: s.depositAddress, token: o.token, chainId: o.chainId });
    }
  }
  return networks;
}

/**
 * Records sweep transactions with the worker (POST /api/v1/sweeps {transactionHash, sessions}:
 * the worker reads the receipt for what each named session's address sent the treasury). Never fatal: the
 * funds have moved whatever it answers. A worker without the endpoint (404) is told
 * once and not asked again.
 */
function sweepRecorder(paylinksUrl, apiKey, warn, network) {
  let missing = false;
  return async (transactionHash, sessions) => {
    if (missing) return;
    let r;
    try {
      r = await api(paylinksUrl, apiKey, 'POST', '/api/v1/sweeps', { transactionHash, sessions, ...(network && { network }) });
    } catch (e) {
      warn(`warning: sweep ${transactionHash} not recorded: ${e.message}`);
      return;
    }
    if (r.status === 404) {
      missing = true;
      warn('warning: this worker has no POST /api/v1/sweeps (404), so it does not know about these sweeps');
    } else if (r.status >= 300) {
      warn(`warning: recording sweep ${transactionHash}: HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    }
  };
}

// ---- the chain ---------------------------------------------------------------------------

const callAddress = async (rpcUrl, to, selector) =>
  getAddress('0x' + (await rpc(rpcUrl, 'eth_call', [{ to, data: calldata(selector) }, 'latest'])).slice(-40));

/** The factory's implementation and treasury, read from the chain (the only truth that matters). */
async function factoryWiring(rpcUrl, factory) {
  if ((await rpc(rpcUrl, 'eth_getCode', [factory, 'latest'])) === '0x') {
    throw new Error(`no ForwarderFactory at ${factory} on ${rpcUrl} (FORWARDER_FACTORY, or run make deploy-contracts)`);
  }
  const implementation = await callAddress(rpcUrl, factory, '5c60da1b'); // implementation()
  const treasury = await callAddress(rpcUrl, implementation, '61d027b3'); // treasury()
  return { implementation, treasury };
}

async function tokenInfo(rpcUrl, token) {
  const read = async (functionName) => {
    const data = await rpc(rpcUrl, 'eth_call', [{ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName }) }, 'latest']);
    return decodeFunctionResult({ abi: erc20Abi, functionName, data });
  };
  const decimals = Number(await read('decimals'));
  const symbol = await read('symbol').catch(() => 'tokens');
  return { decimals, symbol };
}

/** balanceOf(owner) on `token` for many owners, in JSON-RPC batches, all at one block. */
export async function balancesOf(rpcUrl, token, owners, block) {
  const balances = [];
  for (let i = 0; i < owners.length; i += BALANCES_PER_REQUEST) {
    const calls = owners.slice(i, i + BALANCES_PER_REQUEST).map((owner) => [
      'eth_call', [{ to: token, data: calldata('70a08231', owner) }, block],
    ]);
    balances.push(...(await rpcBatch(rpcUrl, calls)).map((hex) => BigInt(hex)));
  }
  return balances;
}

const balanceAt = async (rpcUrl, token, owner, block) => (await balancesOf(rpcUrl, token, [owner], block))[0];

/** The ForwarderFlushed events of a receipt: {count, total}. */
function flushedIn(receipt, factory) {
  const events = parseEventLogs({ abi: FACTORY_ABI, eventName: 'ForwarderFlushed', logs: receipt.logs })
    .filter((e) => getAddress(e.address) === factory);
  return { count: events.length, total: events.reduce((sum, e) => sum + e.args.amount, 0n) };
}

// ---- the sweep -------------------------------------------------------------------------

/** Sessions whose deposit address this factory cannot flush are reported and left out. */
function matchingFactory(sessions, factory, implementation, warn) {
  return sessions.filter((s) => {
    const expected = depositAddressFor(factory, implementation, s.id);
    if (isAddress(s.depositAddress ?? '') && getAddress(s.depositAddress) === expected) return true;
    warn(`warning: skipping ${s.id}: its deposit address ${s.depositAddress} is not ${factory}'s (${expected})`);
    return false;
  });
}

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function inBatches(items, size) {
  const batches = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * Sweeps `sessions` ([{id, depositAddress, token}]) on the chain at `rpcUrl`, recording each
 * transaction as on `network` (omitted: the worker's primary). Prints as it goes through `log`.
 * @returns {Promise<{swept: string[], transactions: string[], treasury: string}>} swept: session ids
 */
export async function sweepSessions({ rpcUrl, factory, sessions, privateKey, paylinksUrl, apiKey, network, batchSize = 50, log, warn }) {
  const chainId = Number(await rpc(rpcUrl, 'eth_chainId'));
  const { implementation, treasury } = await factoryWiring(rpcUrl, factory);
  const onOtherChain = sessions.filter((s) => s.chainId != null && Number(s.chainId) !== chainId);
  if (onOtherChain.length) throw new Error(`${onOtherChain[0].id} is on chain ${onOtherChain[0].chainId}, but ${rpcUrl} is chain ${chainId}`);
  const candidates = matchingFactory(sessions, factory, implementation, warn);

  const block = toHex(await rpc(rpcUrl, 'eth_blockNumber'));
  const byToken = new Map();
  for (const s of candidates) {
    const token = getAddress(s.token);
    if (!byToken.has(token)) byToken.set(token, []);
    byToken.get(token).push(s);
  }
  const swept = [];
  const transactions = [];
  let signer;
  const record = sweepRecorder(paylinksUrl, apiKey, warn, network);
  for (const [token, group] of byToken) {
    const { decimals, symbol } = await tokenInfo(rpcUrl, token);
    const show = (v) => `${formatUnits(v, decimals)} ${symbol}`;
    const balances = await balancesOf(rpcUrl, token, group.map((s) => s.depositAddress), block);
    const full = group.map((s, i) => ({ ...s, balance: balances[i] })).filter((s) => s.balance > 0n);
    log(`${symbol} ${token}: ${plural(group.length, 'session')}, ${full.length} with a balance`);
    if (full.length === 0) continue;
    const before = await balanceAt(rpcUrl, token, treasury, 'latest');
    log(`treasury ${treasury} before: ${show(before)}`);
    signer ??= createSigner({ rpcUrl, chainId, privateKey, label: 'sweeper' });
    const batches = inBatches(full, batchSize);
    for (const [i, batch] of batches.entries()) {
      const data = encodeFunctionData({ abi: FACTORY_ABI, functionName: 'flushMany', args: [batch.map((s) => sessionSalt(s.id)), token] });
      const receipt = await signer.send({ to: factory, data });
      const { count, total } = flushedIn(receipt, factory);
      log(`batch ${i + 1}/${batches.length}: tx ${receipt.transactionHash}, ${plural(count, 'session')}, swept ${show(total)}`);
      log(`  ${batch.map((s) => s.id).join(' ')}`);
      transactions.push(receipt.transactionHash);
      swept.push(...batch.map((s) => s.id));
      await record(receipt.transactionHash, batch.map((s) => s.id));
    }
    const after = await balanceAt(rpcUrl, token, treasury, 'latest');
    log(`treasury ${treasury} after:  ${show(after)} (+${show(after - before)})`);
  }
  if (transactions.length === 0) log('nothing to sweep: every deposit address is empty');
  return { swept, transactions, treasury };
}

/**
 * Sweeps fulfilledSessions' sessions on every network they name. `rpcUrls`: {network → URL};
 * a network without one is skipped with a warning. `privateKeyFor(chainId)` gives the key.
 * @returns {Promise<Map<string, {swept: string[], transactions: string[], treasury: string}>>}
 */
export async function sweepNetworks({ rpcUrls, factory, sessions, privateKeyFor, paylinksUrl, apiKey, batchSize = 50, log, warn }) {
  const results = new Map();
  const failed = [];
  for (const [network, { chainId, sessions: group }] of byNetwork(sessions)) {
    const rpcUrl = rpcUrls[network];
    if (!rpcUrl) {
      warn(`warning: skipping ${plural(group.length, 'session option')} on ${network}: no RPC URL for it (RPC_URLS)`);
      continue;
    }
    log(`${network} (chain ${chainId}) at ${rpcUrl}:`);
    try {
      results.set(network, await sweepSessions({
        rpcUrl, factory, sessions: group, privateKey: privateKeyFor(Number(chainId)), paylinksUrl, apiKey,
        network, batchSize, log: (line) => log(`  ${line}`), warn,
      }));
    } catch (e) {
      // One network's failure does not keep the others' funds waiting; it fails the run.
      warn(`error: ${network}: ${e.message}`);
      failed.push(network);
    }
  }
  if (failed.length) throw new Error(`not swept on ${failed.join(', ')} (see above); the other networks were`);
  return results;
}

/** make dev's chains: the only ones where anvil's public key is a default. */
const LOCAL_CHAIN_IDS = [LOCAL_CHAIN_ID, LOCAL_CHAIN_ID + 1];

function sweeperKey(chainId) {
  const fallback = LOCAL_CHAIN_IDS.includes(chainId) ? { privateKey: ANVIL_DEFAULT_KEY, source: "anvil's public test key" } : null;
  return loadPrivateKey({ envName: 'SWEEPER_PRIVATE_KEY', fallback }).privateKey;
}

/** RPC_URLS: a JSON object of network name → URL. */
function rpcUrlsFrom(text) {
  if (!text) return {};
  let map;
  try {
    map = JSON.parse(text);
  } catch {
    throw new Error('RPC_URLS must be a JSON object of network name to RPC URL, e.g. {"base":"https://…"}');
  }
  if (!map || typeof map !== 'object' || Array.isArray(map) || Object.values(map).some((u) => typeof u !== 'string')) {
    throw new Error('RPC_URLS must be a JSON object of network name to RPC URL, e.g. {"base":"https://…"}');
  }
  return map;
}

function batchSizeFrom(text) {
  if (!text) return 50;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`SWEEP_BATCH must be a whole number from 1 to 500 (got "${text}")`);
  return n;
}

async function main() {
  const { values: o, positionals: ids } = parseArgs({
    allowPositionals: true,
    options: { deployment: { type: 'string', default: CHAIN_JSON } },
  });
  const env = process.env;
  const d = readChainJson(o.deployment) ?? {};
  const rpcUrl = env.RPC_URL || d.rpcUrl || `http://127.0.0.1:${env.ANVIL_PORT || 8545}`;
  const factory = env.FORWARDER_FACTORY || d.forwarderFactory;
  if (!factory || !isAddress(factory)) {
    throw new Error(`set FORWARDER_FACTORY (or run make dev, which writes ${o.deployment})`);
  }
  const paylinksUrl = env.PAYLINKS_URL || `http://127.0.0.1:${env.PORT || 8787}`;
  const apiKey = env.API_KEY || 'sk_test_local';
  const others = { ...Object.fromEntries(Object.entries(d.networks ?? {}).map(([name, n]) => [name, n?.rpcUrl])), ...rpcUrlsFrom(env.RPC_URLS) };
  const common = {
    factory: getAddress(factory), paylinksUrl, apiKey, batchSize: batchSizeFrom(env.SWEEP_BATCH),
    log: (line) => console.log(line),
    warn: (line) => console.error(line),
  };
  if (ids.length) {
    const network = env.NETWORK || undefined;
    const url = network ? others[network] : rpcUrl;
    if (!url) throw new Error(`no RPC URL for ${network}: set RPC_URLS='{"${network}":"…"}'`);
    const token = env.TOKEN_ADDRESS || (network ? d.networks?.[network]?.token : d.token);
    if (!token || !isAddress(token)) throw new Error('set TOKEN_ADDRESS: the token the named sessions were paid in');
    const implementation = (await factoryWiring(url, getAddress(factory))).implementation;
    const sessions = ids.map((id) => ({ id, token, depositAddress: depositAddressFor(factory, implementation, id) }));
    const privateKey = sweeperKey(Number(await rpc(url, 'eth_chainId')));
    await sweepSessions({ ...common, rpcUrl: url, sessions, privateKey, network });
    return;
  }
  const sessions = await fulfilledSessions(paylinksUrl, apiKey);
  console.log(`${plural(sessions.length, 'fulfilled session')} at ${paylinksUrl}`);
  // RPC_URL is the primary's: the network every session's own `network` names.
  const rpcUrls = { ...others };
  for (const s of sessions) if (s.network) rpcUrls[s.network] = rpcUrl;
  await sweepNetworks({ ...common, rpcUrls, sessions, privateKeyFor: sweeperKey });
}

if (isMain(import.meta.url)) {
  try {
    await main();
  } catch (e) {
    console.error(`sweep failed: ${e.message}`);
    process.exit(1);
  }
}
