#!/usr/bin/env node
// Collects session payments into the treasury: for each session, calls
// factory.flush(keccak256(sessionId), token) from the deployer (any account could),
// which deploys the forwarder if needed and sends its balance to the treasury.
//
//   node scripts/chain/sweep.mjs <sessionId>... [--deployment FILE]
//
// Addresses come from FILE (default .dev/chain.json, written by deploy.mjs);
// RPC from $RPC_URL, else the file's rpcUrl.
import { parseArgs } from 'node:util';
import { rpc, sendAndWait, calldata, erc20Balance, formatUnits, readChainJson, CHAIN_JSON, isMain, SEL } from './rpc.mjs';
import { depositAddressFor, sessionSalt } from './create2.mjs';

/** Flushes one session's deposit address. Returns {sessionId, depositAddress, amount, deployed, hash}. */
export async function sweep(rpcUrl, d, sessionId) {
  const depositAddress = depositAddressFor(d.forwarderFactory, d.forwarderImplementation, sessionId);
  const deployed = (await rpc(rpcUrl, 'eth_getCode', [depositAddress, 'latest'])) !== '0x';
  const before = await erc20Balance(rpcUrl, d.token, d.treasury);
  // flush(bytes32,address)
  const receipt = await sendAndWait(rpcUrl, {
    from: d.deployer,
    to: d.forwarderFactory,
    data: calldata('b026fd99', sessionSalt(sessionId), d.token),
  });
  // Measured at the receipt's block, so concurrent transfers to the treasury don't count.
  const after = BigInt(
    await rpc(rpcUrl, 'eth_call', [{ to: d.token, data: calldata(SEL.balanceOf, d.treasury) }, receipt.blockNumber]),
  );
  return { sessionId, depositAddress, amount: after - before, deployed: !deployed, hash: receipt.transactionHash };
}

if (isMain(import.meta.url)) {
  const { values: o, positionals } = parseArgs({
    allowPositionals: true,
    options: { deployment: { type: 'string', default: CHAIN_JSON } },
  });
  try {
    if (!positionals.length) throw new Error('usage: sweep.mjs <sessionId>... [--deployment FILE]');
    const d = readChainJson(o.deployment);
    if (!d) throw new Error(`${o.deployment} not found: run deploy.mjs --out ${o.deployment} (or make dev) first`);
    const rpcUrl = process.env.RPC_URL || d.rpcUrl;
    const decimals = Number(await rpc(rpcUrl, 'eth_call', [{ to: d.token, data: calldata(SEL.decimals) }, 'latest']));
    let total = 0n;
    for (const id of positionals) {
      const r = await sweep(rpcUrl, d, id);
      total += r.amount;
      console.log(
        `${id}  ${r.depositAddress}  ${formatUnits(r.amount, decimals)} -> treasury` +
          `${r.deployed ? '  (forwarder deployed)' : ''}  tx ${r.hash}`,
      );
    }
    console.log(`total ${formatUnits(total, decimals)} to treasury ${d.treasury}`);
  } catch (e) {
    console.error(`sweep failed: ${e.message}`);
    process.exit(1);
  }
}
