#!/usr/bin/env node
// Deploys the paylinks contracts to a local chain. The forwarder contracts go the way
// they go on a real network (deploy-contracts.mjs: the CREATE2 deployment proxy, a
// transaction signed with a private key), so their addresses are the ones every chain
// gets for this treasury. The test contracts are deployed from anvil's unlocked
// default accounts: #0 deployer, #1 customer wallet (gets 1,000,000 test USDC and
// 1,000,000 TDAI), #9 treasury.
//
//   node scripts/chain/deploy.mjs [--rpc URL] [--out FILE] [--reuse]
//
// URL defaults to $RPC_URL, else http://127.0.0.1:${ANVIL_PORT:-8545}. Prints the
// deployment JSON; --out also writes it to FILE. --reuse: if FILE already describes
// contracts that exist on this chain, keep them instead of deploying new ones. The
// forwarder contracts are signed with $DEPLOYER_PRIVATE_KEY if set (anvil tops it up
// with ether when it has none), else with anvil's public test key #0.
//
// On a fresh anvil every address is deterministic: the test contracts' depend only on
// account #0's nonces (see the order below), the forwarder contracts' only on their
// bytecode and the treasury.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeDeployData, getAddress, getContractAddress } from 'viem';
import { compileContracts, loadArtifact } from './compile.mjs';
import { deployForwarderContracts } from './deploy-contracts.mjs';
import { ANVIL_DEFAULT_KEY, accountOf, parsePrivateKey } from './keys.mjs';
import { rpc, waitForReceipt, calldata, toHex, isMain } from './rpc.mjs';

export const CUSTOMER_MINT = 1_000_000n * 10n ** 6n; // 1,000,000 USDC, 6 decimals
export const CUSTOMER_MINT_18 = 1_000_000n * 10n ** 18n; // 1,000,000 TDAI, 18 decimals

/** Local price feeds: Chainlink-style, 8 decimals, USD per unit of the currency. */
export const FEEDS = [
  { currency: 'EUR', description: 'EUR / USD', answer: 108_370_000n }, // 1.0837
  { currency: 'GBP', description: 'GBP / USD', answer: 126_500_000n }, // 1.2650
  { currency: 'JPY', description: 'JPY / USD', answer: 670_000n }, // 0.0067
];
export const FEED_DECIMALS = 8;

// A mint sent before its token is mined cannot be gas-estimated; this is ample.
const MINT_GAS = 150_000;

/** eth_sendTransaction without waiting (so several land in one block under --block-time). */
async function send(url, tx) {
  return rpc(url, 'eth_sendTransaction', [tx]);
}

async function mined(url, hashes, names) {
  const receipts = await Promise.all(hashes.map((h) => waitForReceipt(url, h)));
  receipts.forEach((r, i) => {
    if (r.status !== '0x1') throw new Error(`deploying ${names[i]} failed: tx ${r.transactionHash} reverted`);
  });
  return receipts;
}

const create = (from, name, args = []) => {
  const { abi, bytecode } = loadArtifact(name);
  return { from, data: encodeDeployData({ abi, bytecode, args }) };
};
// mint(address,uint256)
const mint = (from, token, to, value) => ({ from, to: token, gas: toHex(MINT_GAS), data: calldata('40c10f19', to, value) });

/** The key that signs the forwarder deployment, funded on this (local) chain. */
async function forwarderDeployerKey(rpcUrl, privateKey) {
  const key = privateKey ? parsePrivateKey(privateKey, 'privateKey')
    : process.env.DEPLOYER_PRIVATE_KEY ? parsePrivateKey(process.env.DEPLOYER_PRIVATE_KEY, 'DEPLOYER_PRIVATE_KEY')
      : ANVIL_DEFAULT_KEY;
  const { address } = accountOf(key);
  // anvil_setBalance, not a transfer: it leaves account #0's nonces (and so the test
  // contracts' addresses) alone.
  if (BigInt(await rpc(rpcUrl, 'eth_getBalance', [address, 'latest'])) === 0n) {
    await rpc(rpcUrl, 'anvil_setBalance', [address, toHex(100n * 10n ** 18n)]);
  }
  return key;
}

/**
 * Deploys everything and returns the deployment description (addresses EIP-55).
 * @param {string} rpcUrl a local anvil
 * @param {{privateKey?: string}} [options] the key for the forwarder contracts
 */
export async function deployContracts(rpcUrl, { privateKey } = {}) {
  await compileContracts();
  const chainId = Number(await rpc(rpcUrl, 'eth_chainId'));
  const accounts = await rpc(rpcUrl, 'eth_accounts');
  if (accounts.length < 10) {
    throw new Error(`${rpcUrl} exposes ${accounts.length} unlocked accounts; expected anvil's 10 defaults`);
  }
  const [deployer, customer, treasury] = [accounts[0], accounts[1], accounts[9]].map((a) => getAddress(a));

  // Sent one by one (so nonces, hence addresses, are deterministic) and awaited together,
  // so under --block-time they share a block. Nonces of #0 on a fresh anvil: 0 TestUSDC,
  // 1 LookalikeToken, 2 RevertingPayer, 3 MultiPay, 4 TestToken18, 5-7 the EUR, GBP, JPY
  // feeds, 8 the USDC mint, 9 the TDAI mint.
  const first = BigInt(await rpc(rpcUrl, 'eth_getTransactionCount', [deployer, 'pending']));
  const at = (i) => getContractAddress({ from: deployer, nonce: first + BigInt(i) });
  const txs = [
    ...['TestUSDC', 'LookalikeToken', 'RevertingPayer', 'MultiPay', 'TestToken18'].map((name) => [name, create(deployer, name)]),
    ...FEEDS.map((f) => [`${f.currency} feed`, create(deployer, 'MockPriceFeed', [FEED_DECIMALS, f.description, f.answer])]),
    ['USDC mint', mint(deployer, at(0), customer, CUSTOMER_MINT)],
    ['TDAI mint', mint(deployer, at(4), customer, CUSTOMER_MINT_18)],
  ];
  const hashes = [];
  for (const [, tx] of txs) hashes.push(await send(rpcUrl, tx));
  const receipts = await mined(rpcUrl, hashes, txs.map(([name]) => name));
  receipts.slice(0, 8).forEach((r, i) => {
    if (getAddress(r.contractAddress) !== at(i)) throw new Error(`${txs[i][0]} landed at ${r.contractAddress}, not ${at(i)}`);
  });

  // After #0's transactions are mined: the signing key may be #0's own.
  const forwarders = await deployForwarderContracts({
    rpcUrl, chainId, treasury, privateKey: await forwarderDeployerKey(rpcUrl, privateKey),
  });

  return {
    chainId,
    rpcUrl,
    token: at(0),
    forwarderFactory: forwarders.forwarderFactory,
    forwarderImplementation: forwarders.forwarderImplementation,
    treasury,
    customer,
    deployer,
    lookalikeToken: at(1),
    revertingPayer: at(2),
    multiPay: at(3),
    token18: at(4),
    feeds: Object.fromEntries(FEEDS.map((f, i) => [f.currency, at(5 + i)])),
  };
}

/** The deployment in `file` if it matches this chain and its contracts have code there, else null. */
export async function existingDeployment(rpcUrl, file) {
  if (!existsSync(file)) return null;
  const d = JSON.parse(readFileSync(file, 'utf8'));
  if (d.chainId !== Number(await rpc(rpcUrl, 'eth_chainId'))) return null;
  const keys = ['token', 'forwarderFactory', 'forwarderImplementation', 'lookalikeToken', 'revertingPayer', 'multiPay', 'token18'];
  const addresses = [...keys.map((key) => d[key]), ...FEEDS.map((f) => d.feeds?.[f.currency])];
  if (addresses.some((a) => !a)) return null; // written by an older deploy.mjs
  for (const address of addresses) {
    if ((await rpc(rpcUrl, 'eth_getCode', [address, 'latest'])) === '0x') return null;
  }
  // implementation() must point at the recorded forwarder (guards against a reused address).
  const impl = await rpc(rpcUrl, 'eth_call', [{ to: d.forwarderFactory, data: '0x5c60da1b' }, 'latest']);
  if (BigInt(impl) !== BigInt(d.forwarderImplementation)) return null;
  return { ...d, rpcUrl };
}

export function writeDeployment(file, deployment) {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n');
}

if (isMain(import.meta.url)) {
  const { values: o } = parseArgs({
    options: {
      rpc: { type: 'string', default: process.env.RPC_URL || `http://127.0.0.1:${process.env.ANVIL_PORT || 8545}` },
      out: { type: 'string' },
      reuse: { type: 'boolean', default: false },
    },
  });
  try {
    let d = o.reuse && o.out ? await existingDeployment(o.rpc, o.out) : null;
    if (d) console.error(`reusing the deployment in ${o.out}`);
    d ??= await deployContracts(o.rpc);
    if (o.out) writeDeployment(o.out, d);
    console.log(JSON.stringify(d, null, 2));
  } catch (e) {
    console.error(`deploy failed: ${e.message}`);
    process.exit(1);
  }
}
