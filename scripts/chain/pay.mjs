#!/usr/bin/env node
// Plays the customer: pays a checkout session with test USDC from anvil's account #1.
//
//   node scripts/chain/pay.mjs <sessionId> [amount]      (or SESSION=… AMOUNT=… env)
//   make pay SESSION=cs_… [AMOUNT=12.34] [NETWORK=local-b]
//
// With NETWORK, pays the session's payment option on that network (its token, decimals and
// amount), on $RPC_URL or .dev/chain.json's deployment of that network (`make dev` writes it).
// Reads the session from $PAYLINKS_URL (default http://127.0.0.1:${PORT:-8787})/c/<id>/status
// and sends an ERC-20 transfer(depositAddress, amount) of the session's token on
// $RPC_URL (default: .dev/chain.json's rpcUrl, else http://127.0.0.1:${ANVIL_PORT:-8545}).
// amount is in token units ("12.34"), parsed exactly; default = the session's amountDue.
import { getAddress, isAddress } from 'viem';
import {
  rpc, sendAndWait, calldata, erc20Balance, parseUnits, formatUnits, defaultRpcUrl, isMain, readChainJson, SEL,
} from './rpc.mjs';

async function fetchStatus(baseUrl, sessionId) {
  const url = `${baseUrl.replace(/\/+$/, '')}/c/${encodeURIComponent(sessionId)}/status`;
  let res;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new Error(`cannot reach paylinks at ${baseUrl} (${e.cause?.code ?? e.message}); is \`make dev\` running? (PAYLINKS_URL)`);
  }
  const text = await res.text();
  if (res.status === 404) throw new Error(`unknown session ${sessionId} (404 from ${url})`);
  if (!res.ok) throw new Error(`GET ${url} -> HTTP ${res.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`GET ${url} did not return JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * Pays `sessionId`. Returns {hash, blockNumber, from, to, token, amount (base units), display}.
 */
export async function pay({ sessionId, amount, paylinksUrl, rpcUrl, from, network }) {
  if (!sessionId) throw new Error('usage: pay.mjs <sessionId> [amount]   (or make pay SESSION=cs_… [AMOUNT=12.34] [NETWORK=…])');
  let s = await fetchStatus(paylinksUrl, sessionId);
  if (network) {
    const options = s.paymentOptions ?? [];
    const option = options.find((o) => o.network === network);
    if (!option) {
      throw new Error(`session ${sessionId} cannot be paid on ${network} (its networks: ${options.map((o) => o.network).join(', ') || 'none'})`);
    }
    s = { ...s, token: option.token, chainId: option.chainId, amountDue: option.amountDue };
  }
  const token = s.token ?? {};
  if (!isAddress(s.depositAddress ?? '') || !isAddress(token.address ?? '') || !Number.isInteger(token.decimals)) {
    throw new Error(`session ${sessionId}: status lacks depositAddress/token.address/token.decimals: ${JSON.stringify(s)}`);
  }
  const decimals = token.decimals;
  const symbol = token.symbol ?? 'tokens';
  if (amount == null && typeof s.amountDue !== 'string') throw new Error(`session ${sessionId}: status has no amountDue; pass an amount`);
  const value = parseUnits(amount ?? s.amountDue, decimals);
  if (value === 0n) throw new Error('bad amount: must be greater than 0');

  const chainId = Number(await rpc(rpcUrl, 'eth_chainId'));
  if (s.chainId != null && Number(s.chainId) !== chainId) {
    throw new Error(`session ${sessionId} is on chain ${s.chainId} but ${rpcUrl} is chain ${chainId}`);
  }
  if ((await rpc(rpcUrl, 'eth_getCode', [token.address, 'latest'])) === '0x') {
    throw new Error(`no token contract at ${token.address} on ${rpcUrl} (was the chain restarted without redeploying?)`);
  }
  // anvil's account #1 is the customer wallet (deploy.mjs minted it test USDC).
  const unlocked = from ? [] : await rpc(rpcUrl, 'eth_accounts');
  if (!from && !unlocked[1]) throw new Error(`${rpcUrl} has no unlocked customer account (pay.mjs is for local anvil)`);
  const payer = getAddress(from ?? unlocked[1]);
  const balance = await erc20Balance(rpcUrl, token.address, payer);
  if (balance < value) {
    throw new Error(`customer ${payer} holds ${formatUnits(balance, decimals)} ${symbol}, cannot pay ${formatUnits(value, decimals)}`);
  }
  if (!['open', 'detected', 'underpaid'].includes(s.status)) {
    console.error(`note: session ${sessionId} is "${s.status}"; paying anyway`);
  }
  const receipt = await sendAndWait(rpcUrl, {
    from: payer,
    to: token.address,
    data: calldata(SEL.transfer, s.depositAddress, value),
  });
  return {
    hash: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    from: payer,
    to: getAddress(s.depositAddress),
    token: getAddress(token.address),
    amount: value,
    display: `${formatUnits(value, decimals)} ${symbol}`,
  };
}

if (isMain(import.meta.url)) {
  const [sessionId = process.env.SESSION, amount = process.env.AMOUNT || undefined] = process.argv.slice(2);
  const paylinksUrl = process.env.PAYLINKS_URL || `http://127.0.0.1:${process.env.PORT || 8787}`;
  const network = process.env.NETWORK || undefined;
  const rpcUrl = (network && !process.env.RPC_URL && readChainJson()?.networks?.[network]?.rpcUrl) || defaultRpcUrl();
  try {
    const r = await pay({ sessionId, amount, paylinksUrl, rpcUrl, network });
    console.log(`paid ${r.display} (${r.amount} base units) to ${r.to} for ${sessionId}`);
    console.log(`  from  ${r.from}`);
    console.log(`  token ${r.token}`);
    console.log(`  tx    ${r.hash}`);
    console.log(`  block ${r.blockNumber}`);
  } catch (e) {
    console.error(`pay failed: ${e.message}`);
    process.exit(1);
  }
}
