#!/usr/bin/env node
// Deploys the Forwarder implementation and the ForwarderFactory to any EVM chain
// through the standard deterministic CREATE2 deployment proxy, signed here with a
// private key. The addresses depend only on the bytecode and the treasury, so they —
// and every session's deposit address — are the same on every chain.
//
//   make deploy-contracts RPC_URL=https://… TREASURY=0x… [EXPECTED_CHAIN_ID=8453 | NETWORK=base]
//
// Environment:
//   RPC_URL               JSON-RPC endpoint (default http://127.0.0.1:${ANVIL_PORT:-8545})
//   DEPLOYER_PRIVATE_KEY  the key that pays for gas; else the file DEPLOYER_KEY_FILE
//                         (default .deployer.key, git-ignored). On a local anvil (chain
//                         31337) anvil's public test key is the default.
//   TREASURY              where every deposit address's funds go, fixed in the
//                         implementation's code (on chain 31337 default: anvil's account #9)
//   EXPECTED_CHAIN_ID, NETWORK   refuse to deploy when the RPC is another chain
//
// Re-running finds the contracts already deployed and sends nothing. Progress goes to
// stderr; stdout is exactly the wrangler.toml lines.
import { concat, getAddress, getContractAddress, isAddress, keccak256, stringToBytes } from 'viem';
import { compileContracts, loadArtifact } from './compile.mjs';
import { ANVIL_DEFAULT_KEY, LOCAL_CHAIN_ID, accountOf, loadPrivateKey } from './keys.mjs';
import { assertExpectedChain, networkName } from './networks.mjs';
import { createSigner } from './signer.mjs';
import { calldata, isMain, rpc, word } from './rpc.mjs';

/** The deterministic deployment proxy: calldata salt ‖ initcode → CREATE2(proxy, salt, initcode). */
export const DEPLOYMENT_PROXY = '0x4e59b44847b379578588920ca78fbf26c0b4956c';

/** One salt for both contracts, fixed forever: changing it would move every deposit address. */
export const CONTRACTS_SALT = keccak256(stringToBytes('paylinks forwarder contracts v1'));

/** anvil's default account #9, the local treasury (deploy.mjs uses the same). */
export const ANVIL_TREASURY = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';

const initCodeOf = (name, ...args) => concat([loadArtifact(name).bytecode, ...args.map((a) => `0x${word(a)}`)]);
const create2Address = (initCode) =>
  getContractAddress({ opcode: 'CREATE2', from: DEPLOYMENT_PROXY, salt: CONTRACTS_SALT, bytecode: initCode });

/**
 * What will be deployed for `treasury`, in order (the factory's constructor needs the
 * implementation's code), with the addresses they get. Needs compiled artifacts.
 */
export function forwarderContractsPlan(treasury) {
  const forwarderInit = initCodeOf('Forwarder', getAddress(treasury));
  const implementation = create2Address(forwarderInit);
  const factoryInit = initCodeOf('ForwarderFactory', implementation);
  return [
    { name: 'Forwarder', initCode: forwarderInit, address: implementation },
    { name: 'ForwarderFactory', initCode: factoryInit, address: create2Address(factoryInit) },
  ];
}

const hasCode = async (rpcUrl, address) => (await rpc(rpcUrl, 'eth_getCode', [address, 'latest'])) !== '0x';
const callAddress = async (rpcUrl, to, selector) =>
  getAddress('0x' + (await rpc(rpcUrl, 'eth_call', [{ to, data: calldata(selector) }, 'latest'])).slice(-40));

/** The chain id, or a clear error when the RPC does not answer. */
export async function chainIdOf(rpcUrl) {
  return Number(await rpc(rpcUrl, 'eth_chainId'));
}

async function assertProxyPresent(rpcUrl, chainId) {
  if (await hasCode(rpcUrl, DEPLOYMENT_PROXY)) return;
  throw new Error(
    `chain ${chainId} has no deterministic deployment proxy at ${DEPLOYMENT_PROXY}; ` +
      'it must be deployed there first (most public EVM chains have it)',
  );
}

// Code at a CREATE2 address proves which init code made it; reading the wiring back
// also guards against a node that answers getCode wrongly.
async function assertWiring(rpcUrl, implementation, factory, treasury) {
  const wiredImplementation = await callAddress(rpcUrl, factory, '5c60da1b'); // implementation()
  const wiredTreasury = await callAddress(rpcUrl, implementation, '61d027b3'); // treasury()
  if (wiredImplementation !== implementation || wiredTreasury !== getAddress(treasury)) {
    throw new Error(`the contracts at ${factory} / ${implementation} are not wired as expected`);
  }
}

/**
 * Deploys (or finds) the forwarder contracts for `treasury`.
 * @param {{rpcUrl: string, privateKey: string, treasury: string, chainId?: number,
 *   expectedChainId?: string, network?: string, log?: (line: string) => void}} options
 * @returns {Promise<{chainId: number, forwarderImplementation: string, forwarderFactory: string,
 *   treasury: string, transactions: string[]}>} transactions: the hashes sent (none when found)
 */
export async function deployForwarderContracts({ rpcUrl, privateKey, treasury, chainId, expectedChainId, network, log = () => {} }) {
  chainId ??= await chainIdOf(rpcUrl);
  assertExpectedChain(chainId, { expectedChainId, network });
  await assertProxyPresent(rpcUrl, chainId);
  await compileContracts();
  const plan = forwarderContractsPlan(treasury);
  const transactions = [];
  let signer;
  for (const { name, initCode, address } of plan) {
    if (await hasCode(rpcUrl, address)) {
      log(`${name} found at ${address}`);
      continue;
    }
    signer ??= createSigner({ rpcUrl, chainId, privateKey, label: 'deployer' });
    log(`deploying ${name} to ${address} from ${signer.address}`);
    const receipt = await signer.send({ to: DEPLOYMENT_PROXY, data: concat([CONTRACTS_SALT, initCode]) });
    if (!(await hasCode(rpcUrl, address))) throw new Error(`${name}: tx ${receipt.transactionHash} left no code at ${address}`);
    log(`  tx ${receipt.transactionHash}`);
    transactions.push(receipt.transactionHash);
  }
  const [implementation, factory] = plan.map((p) => p.address);
  await assertWiring(rpcUrl, implementation, factory, treasury);
  return { chainId, forwarderImplementation: implementation, forwarderFactory: factory, treasury: getAddress(treasury), transactions };
}

/** The wrangler.toml [vars] lines for a deployment. */
export function wranglerLines({ forwarderFactory, forwarderImplementation, treasury }) {
  return [
    `FORWARDER_FACTORY = "${forwarderFactory}"`,
    `FORWARDER_IMPLEMENTATION = "${forwarderImplementation}"`,
    `TREASURY = "${treasury}"`,
  ];
}

function treasuryFrom(env, chainId) {
  if (!env.TREASURY) {
    if (chainId === LOCAL_CHAIN_ID) return ANVIL_TREASURY;
    throw new Error('TREASURY is not set: the address that receives every payment (it is fixed in the contract)');
  }
  if (!isAddress(env.TREASURY)) throw new Error(`TREASURY "${env.TREASURY}" is not an address (or its checksum is wrong)`);
  if (BigInt(env.TREASURY) === 0n) throw new Error('TREASURY must not be the zero address');
  return getAddress(env.TREASURY);
}

function deployerKeyFrom(env, chainId) {
  const fallback = chainId === LOCAL_CHAIN_ID ? { privateKey: ANVIL_DEFAULT_KEY, source: "anvil's public test key" } : null;
  return loadPrivateKey({ envName: 'DEPLOYER_PRIVATE_KEY', file: env.DEPLOYER_KEY_FILE || '.deployer.key', fallback, env });
}

async function main(env) {
  const rpcUrl = env.RPC_URL || `http://127.0.0.1:${env.ANVIL_PORT || 8545}`;
  const log = (line) => console.error(line);
  const chainId = await chainIdOf(rpcUrl);
  log(`chain id ${chainId} (${networkName(chainId)}) at ${rpcUrl}`);
  assertExpectedChain(chainId, { expectedChainId: env.EXPECTED_CHAIN_ID, network: env.NETWORK });
  const treasury = treasuryFrom(env, chainId);
  const { privateKey, source } = deployerKeyFrom(env, chainId);
  log(`deployer ${accountOf(privateKey).address} (key from ${source}), treasury ${treasury}`);
  const d = await deployForwarderContracts({ rpcUrl, privateKey, treasury, chainId, log });
  log(d.transactions.length ? `deployed (${d.transactions.length} transactions)` : 'already deployed: nothing sent');
  log('put these in wrangler.toml [vars]:');
  for (const line of wranglerLines(d)) console.log(line);
}

if (isMain(import.meta.url)) {
  try {
    await main(process.env);
  } catch (e) {
    console.error(`deploy-contracts failed: ${e.message}`);
    process.exit(1);
  }
}
