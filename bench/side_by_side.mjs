// The same work in the wasm core and in JavaScript with viem, in this one Node process:
// deposit-address derivation (CREATE2 of an EIP-1167 proxy, salt = keccak256(session id),
// EIP-55 output) and Transfer-log verification (strictly well-formed Transfer logs emitted
// by the token to the recipient). Both sides get the same batches and must agree.
//
// The wasm side goes through Core.tool, so its figures include the JSON crossing (stringify
// of the batch, parse of the answer); viem gets the JavaScript objects directly.
import { randomBytes } from 'node:crypto';
import { concat, decodeEventLog, getContractAddress, hexToBigInt, isAddressEqual, isHex, keccak256, parseAbi, size, stringToHex } from 'viem';
import { Core } from '../edge/core.js';
import { BENCH_VARS, TRANSFER_TOPIC } from './harness.mjs';
import { summarize } from './stats.mjs';

const FACTORY = BENCH_VARS.FORWARDER_FACTORY;
const IMPLEMENTATION = BENCH_VARS.FORWARDER_IMPLEMENTATION;
const TOKEN = BENCH_VARS.TOKEN_ADDRESS;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TRANSFER_ABI = parseAbi(['event Transfer(address indexed from, address indexed to, uint256 value)']);

const hex = (bytes) => '0x' + randomBytes(bytes).toString('hex');
const pad32 = (address) => '0x' + '0'.repeat(24) + address.slice(2).toLowerCase();
// CPU time of the process (a batch is tens of ms, which a busy machine would preempt).
const cpuUs = (c0) => {
  const used = process.cpuUsage(c0);
  return used.user + used.system;
};

/** Fresh, realistic session ids (cs_ + 26 Crockford characters): no cache can help either side. */
function sessionIds(count) {
  const ids = new Array(count);
  for (let i = 0; i < count; i++) {
    let id = 'cs_01M7Q5';
    for (const byte of randomBytes(20)) id += CROCKFORD[byte & 31];
    ids[i] = id;
  }
  return ids;
}

/** eth_getLogs-shaped logs: ~90 % valid, the rest from another contract or to another address. */
function transferLogs(count, recipient) {
  const logs = new Array(count);
  for (let i = 0; i < count; i++) {
    const kind = i % 20;
    logs[i] = {
      address: kind === 7 ? hex(20) : TOKEN.toLowerCase(),
      topics: [TRANSFER_TOPIC, pad32(hex(20)), pad32(kind === 13 ? hex(20) : recipient)],
      data: '0x' + BigInt(1 + i * 1_000_003).toString(16).padStart(64, '0'),
      blockHash: hex(32),
      blockNumber: '0x' + (0x100000 + i).toString(16),
      transactionHash: hex(32),
      transactionIndex: '0x' + (i % 50).toString(16),
      logIndex: '0x' + (i % 7).toString(16),
      removed: false,
    };
  }
  return logs;
}

// viem: what a JavaScript implementation would call.
const INIT_CODE_HASH = keccak256(
  concat(['0x3d602d80600a3d3981f3363d3d373d3d3d363d73', IMPLEMENTATION, '0x5af43d82803e903d91602b57fd5bf3']),
);

function viemDepositAddresses(ids) {
  return ids.map((id) =>
    getContractAddress({ opcode: 'CREATE2', from: FACTORY, salt: keccak256(stringToHex(id)), bytecodeHash: INIT_CODE_HASH }),
  );
}

function viemVerifyLogs(logs, token, recipient) {
  let valid = 0;
  for (const log of logs) {
    try {
      if (log.removed || !isAddressEqual(log.address, token)) continue;
      if (!isHex(log.transactionHash, { strict: true }) || size(log.transactionHash) !== 32) continue;
      hexToBigInt(log.blockNumber);
      hexToBigInt(log.logIndex);
      if (log.topics.length !== 3) continue;
      const event = decodeEventLog({ abi: TRANSFER_ABI, data: log.data, topics: log.topics, strict: true });
      if (event.eventName === 'Transfer' && isAddressEqual(event.args.to, recipient)) valid++;
    } catch {
      // malformed: not a payment
    }
  }
  return valid;
}

/**
 * Per-item CPU µs for both sides over `batches` batches of `batch` items (after warm-up
 * batches), and the derivations per second that follow.
 */
export function sideBySide(module, { batch = 1000, batches = 15, warmup = 3 } = {}) {
  const core = new Core(module, BENCH_VARS);
  const samples = { wasmDerive: [], viemDerive: [], wasmVerify: [], viemVerify: [] };
  let agreed = true;
  for (let b = 0; b < warmup + batches; b++) {
    const keep = b >= warmup;
    const ids = sessionIds(batch);
    // Alternate which side goes first so neither always runs on a warmer cache.
    const order = b % 2 ? ['wasm', 'viem'] : ['viem', 'wasm'];
    let wasmAddresses;
    let viemAddresses;
    for (const side of order) {
      const c0 = process.cpuUsage();
      if (side === 'wasm') {
        const answer = core.tool({ tool: 'deposit_addresses', factory: FACTORY, implementation: IMPLEMENTATION, ids });
        if (!answer.ok) throw new Error(`bench: deposit_addresses failed: ${answer.error}`);
        wasmAddresses = answer.addresses;
      } else {
        viemAddresses = viemDepositAddresses(ids);
      }
      if (keep) samples[side === 'wasm' ? 'wasmDerive' : 'viemDerive'].push(cpuUs(c0) / batch);
    }
    agreed &&= wasmAddresses.length === batch && wasmAddresses.every((a, i) => a === viemAddresses[i]);

    const recipient = wasmAddresses[0];
    const logs = transferLogs(batch, recipient);
    let wasmValid;
    let viemValid;
    for (const side of order) {
      const c0 = process.cpuUsage();
      if (side === 'wasm') {
        const answer = core.tool({ tool: 'verify_logs', token: TOKEN, recipient, logs });
        if (!answer.ok) throw new Error(`bench: verify_logs failed: ${answer.error}`);
        wasmValid = answer.valid;
      } else {
        viemValid = viemVerifyLogs(logs, TOKEN, recipient);
      }
      if (keep) samples[side === 'wasm' ? 'wasmVerify' : 'viemVerify'].push(cpuUs(c0) / batch);
    }
    const expected = logs.filter((_, i) => i % 20 !== 7 && i % 20 !== 13).length;
    agreed &&= wasmValid === expected && viemValid === expected;
  }
  return {
    batch,
    batches,
    agreed,
    wasmDerive: summarize(samples.wasmDerive),
    viemDerive: summarize(samples.viemDerive),
    wasmVerify: summarize(samples.wasmVerify),
    viemVerify: summarize(samples.viemVerify),
  };
}
