#!/usr/bin/env node
// Deploys the paylinks contracts to a local chain, using anvil's unlocked default
// accounts: #0 deployer, #1 customer wallet (gets 1,000,000 test USDC), #9 treasury.
//
//   node scripts/chain/deploy.mjs [--rpc URL] [--out FILE] [--reuse]
//
// URL defaults to $RPC_URL, else http://127.0.0.1:${ANVIL_PORT:-8545}. Prints the
// deployment JSON; --out also writes it to FILE. --reuse: if FILE already describes
// contracts that exist on this chain, keep them instead of deploying new ones.
//
// On a fresh anvil the addresses are deterministic (they depend only on the
// deployer's nonces): see the order below.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getAddress } from 'viem';
import { compileContracts, loadArtifact } from './compile.mjs';
import { rpc, waitForReceipt, calldata, word, isMain } from './rpc.mjs';

export const CUSTOMER_MINT = 1_000_000n * 10n ** 6n; // 1,000,000 USDC, 6 decimals

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

const create = (from, name, ...args) => ({ from, data: loadArtifact(name).bytecode + args.map(word).join('') });

/** Deploys everything and returns the deployment description (addresses EIP-55). */
export async function deployContracts(rpcUrl) {
  await compileContracts();
  const chainId = Number(await rpc(rpcUrl, 'eth_chainId'));
  const accounts = await rpc(rpcUrl, 'eth_accounts');
  if (accounts.length < 10) {
    throw new Error(`${rpcUrl} exposes ${accounts.length} unlocked accounts; expected anvil's 10 defaults`);
  }
  const [deployer, customer, treasury] = [accounts[0], accounts[1], accounts[9]];

  // Transactions are sent one by one (so nonces, hence addresses, are deterministic)
  // and awaited per phase: phase 2 needs phase 1's code on chain (the factory
  // constructor checks its implementation; gas estimation runs against mined state).
  // Nonces: 0 TestUSDC, 1 Forwarder | 2 ForwarderFactory, 3 mint, 4 LookalikeToken,
  // 5 RevertingPayer, 6 MultiPay.
  const phase1 = ['TestUSDC', 'Forwarder'];
  const h1 = [await send(rpcUrl, create(deployer, 'TestUSDC')), await send(rpcUrl, create(deployer, 'Forwarder', treasury))];
  const [tokenR, fwdR] = await mined(rpcUrl, h1, phase1);
  const token = tokenR.contractAddress;
  const implementation = fwdR.contractAddress;

  const phase2 = ['ForwarderFactory', 'mint', 'LookalikeToken', 'RevertingPayer', 'MultiPay'];
  const h2 = [];
  h2.push(await send(rpcUrl, create(deployer, 'ForwarderFactory', implementation)));
  // mint(address,uint256)
  h2.push(await send(rpcUrl, { from: deployer, to: token, data: calldata('40c10f19', customer, CUSTOMER_MINT) }));
  for (const name of ['LookalikeToken', 'RevertingPayer', 'MultiPay']) h2.push(await send(rpcUrl, create(deployer, name)));
  const [factoryR, , lookR, revR, multiR] = await mined(rpcUrl, h2, phase2);

  return {
    chainId,
    rpcUrl,
    token: getAddress(token),
    forwarderFactory: getAddress(factoryR.contractAddress),
    forwarderImplementation: getAddress(implementation),
    treasury: getAddress(treasury),
    customer: getAddress(customer),
    deployer: getAddress(deployer),
    lookalikeToken: getAddress(lookR.contractAddress),
    revertingPayer: getAddress(revR.contractAddress),
    multiPay: getAddress(multiR.contractAddress),
  };
}

/** The deployment in `file` if it matches this chain and its contracts have code there, else null. */
export async function existingDeployment(rpcUrl, file) {
  if (!existsSync(file)) return null;
  const d = JSON.parse(readFileSync(file, 'utf8'));
  if (d.chainId !== Number(await rpc(rpcUrl, 'eth_chainId'))) return null;
  for (const key of ['token', 'forwarderFactory', 'forwarderImplementation', 'lookalikeToken', 'revertingPayer', 'multiPay']) {
    if (!d[key] || (await rpc(rpcUrl, 'eth_getCode', [d[key], 'latest'])) === '0x') return null;
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
