// make deploy-contracts (scripts/chain/deploy-contracts.mjs) as it runs against a real
// network: a plain private key that no node knows (so nothing can be sent unlocked),
// anvil started under Base's and Base Sepolia's real chain ids, and the CREATE2
// deployment proxy both have at block 0.
//   node --test tests/chain/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, decodeFunctionResult, encodeFunctionData, getAddress, getContractAddress, keccak256, pad, stringToBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startAnvil, freePort, rpc } from '../../scripts/chain/anvil.mjs';
import { compileContracts, loadArtifact, CONTRACTS_DIR } from '../../scripts/chain/compile.mjs';
import { toHex, calldata } from '../../scripts/chain/rpc.mjs';

const SCRIPT = fileURLToPath(new URL('../../scripts/chain/deploy-contracts.mjs', import.meta.url));
const PROXY = '0x4e59b44847b379578588920ca78fbf26c0b4956c';
// Written out here rather than imported: the salt is part of every address, forever.
const SALT = keccak256(stringToBytes('paylinks forwarder contracts v1'));
const LINE = /^(FORWARDER_FACTORY|FORWARDER_IMPLEMENTATION|TREASURY) = "(0x[0-9a-fA-F]{40})"$/;

/** Runs the script with only the given environment (plus PATH); resolves {code, stdout, stderr}. */
function deployContracts(env) {
  return new Promise((resolve) => {
    const clean = { PATH: process.env.PATH, DEPLOYER_KEY_FILE: join(tmpdir(), 'paylinks-no-such-key'), ...env };
    execFile(process.execPath, [SCRIPT], { env: clean, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

/** The three wrangler.toml lines, as {FORWARDER_FACTORY, FORWARDER_IMPLEMENTATION, TREASURY}. */
function parseLines(stdout) {
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3, stdout);
  return Object.fromEntries(lines.map((line) => {
    const m = LINE.exec(line);
    assert.ok(m, `not a wrangler.toml line: ${line}`);
    assert.equal(m[2], getAddress(m[2]), 'EIP-55');
    return [m[1], m[2]];
  }));
}

const code = (url, address) => rpc(url, 'eth_getCode', [address, 'latest']);
const nonce = async (url, address) => Number(await rpc(url, 'eth_getTransactionCount', [address, 'latest']));
const readAddress = async (url, to, selector) => getAddress('0x' + (await rpc(url, 'eth_call', [{ to, data: calldata(selector) }, 'latest'])).slice(-40));
const fund = (url, address) => rpc(url, 'anvil_setBalance', [address, toHex(10n ** 19n)]);

// Independent of the scripts: CREATE2 over the proxy, from the compiled bytecode.
function expectedAddresses(treasury) {
  const implementation = getContractAddress({
    opcode: 'CREATE2', from: PROXY, salt: SALT, bytecode: concat([loadArtifact('Forwarder').bytecode, pad(treasury)]),
  });
  const factory = getContractAddress({
    opcode: 'CREATE2', from: PROXY, salt: SALT, bytecode: concat([loadArtifact('ForwarderFactory').bytecode, pad(implementation)]),
  });
  return { implementation, factory };
}

describe('deploy-contracts on two chains with real chain ids', { timeout: 120_000 }, () => {
  const key = generatePrivateKey();
  const deployer = privateKeyToAccount(key).address;
  const treasury = privateKeyToAccount(generatePrivateKey()).address;
  let base, sepolia, first, tmp;
  const envFor = (chain, extra = {}) => ({ RPC_URL: chain.url, DEPLOYER_PRIVATE_KEY: key, TREASURY: treasury, ...extra });

  before(async () => {
    await compileContracts();
    tmp = mkdtempSync(join(tmpdir(), 'paylinks-deploy-'));
    base = await startAnvil({ port: await freePort(), chainId: 8453 });
    sepolia = await startAnvil({ port: await freePort(), chainId: 84532 });
    for (const chain of [base, sepolia]) await fund(chain.url, deployer);
  });
  after(async () => {
    await base?.stop();
    await sepolia?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('deploys to the same addresses on both chains, signing with a key no node knows', async () => {
    const accounts = (await rpc(base.url, 'eth_accounts')).map((a) => getAddress(a));
    assert.ok(!accounts.includes(deployer), 'the key must not be one of anvil\'s unlocked accounts');
    const results = [];
    for (const [chain, id, name] of [[base, 8453, 'base'], [sepolia, 84532, 'base-sepolia']]) {
      const r = await deployContracts(envFor(chain, { EXPECTED_CHAIN_ID: String(id) }));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`chain id ${id} \\(${name}\\)`));
      assert.ok(!r.stdout.includes(key.slice(2)) && !r.stderr.includes(key.slice(2)), 'the key must never be printed');
      assert.equal(await nonce(chain.url, deployer), 2, 'two transactions: implementation, factory');
      results.push(parseLines(r.stdout));
    }
    assert.deepEqual(results[0], results[1]);
    first = results[0];
    const expected = expectedAddresses(treasury);
    assert.deepEqual(first, { FORWARDER_FACTORY: expected.factory, FORWARDER_IMPLEMENTATION: expected.implementation, TREASURY: treasury });
    for (const chain of [base, sepolia]) {
      assert.equal(await readAddress(chain.url, first.FORWARDER_FACTORY, '5c60da1b'), first.FORWARDER_IMPLEMENTATION); // implementation()
      assert.equal(await readAddress(chain.url, first.FORWARDER_IMPLEMENTATION, '61d027b3'), treasury); // treasury()
    }
  });

  it('re-running finds the contracts, sends nothing and prints the same lines', async () => {
    for (const chain of [base, sepolia]) {
      const before = await nonce(chain.url, deployer);
      const r = await deployContracts(envFor(chain));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /already deployed: nothing sent/);
      assert.deepEqual(parseLines(r.stdout), first);
      assert.equal(await nonce(chain.url, deployer), before);
    }
  });

  it('a session\'s deposit address, computed independently, is the factory\'s on both chains', async () => {
    const implementation = first.FORWARDER_IMPLEMENTATION;
    const { abi } = loadArtifact('ForwarderFactory');
    const factoryCall = async (url, functionName, args) => {
      const data = encodeFunctionData({ abi, functionName, args });
      const ret = await rpc(url, 'eth_call', [{ to: first.FORWARDER_FACTORY, data }, 'latest']);
      return decodeFunctionResult({ abi, functionName, data: ret });
    };
    const initCode = concat(['0x3d602d80600a3d3981f3363d3d373d3d3d363d73', implementation, '0x5af43d82803e903d91602b57fd5bf3']);
    for (const id of ['cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2P', 'cs_01SAMEONEVERYCHAIN00000000']) {
      const salt = keccak256(stringToBytes(id));
      const independent = getContractAddress({ opcode: 'CREATE2', from: first.FORWARDER_FACTORY, salt, bytecode: initCode });
      for (const chain of [base, sepolia]) {
        assert.equal(await factoryCall(chain.url, 'predict', [salt]), independent, `${id} on ${chain.url}`);
        assert.equal(await factoryCall(chain.url, 'addressOf', [id]), independent, `${id} on ${chain.url}`);
      }
    }
  });

  it('refuses another chain than EXPECTED_CHAIN_ID or NETWORK names', async () => {
    let r = await deployContracts(envFor(base, { EXPECTED_CHAIN_ID: '84532' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing: the RPC is chain 8453 \(base\) but EXPECTED_CHAIN_ID is 84532/);
    r = await deployContracts(envFor(sepolia, { NETWORK: 'base' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing: the RPC is chain 84532 \(base-sepolia\) but NETWORK is base \(chain 8453\)/);
    r = await deployContracts(envFor(sepolia, { NETWORK: 'polygon' }));
    assert.match(r.stderr, /NETWORK must be one of/);
  });

  it('explains a missing or malformed key, a bad treasury, an unreachable RPC and too little ether', async () => {
    const other = privateKeyToAccount(generatePrivateKey()).address; // another treasury: contracts not yet there
    const poor = generatePrivateKey();
    const cases = [
      [{ RPC_URL: base.url, TREASURY: treasury }, /no private key: set DEPLOYER_PRIVATE_KEY or write it to .* \(git-ignored\)/],
      [{ ...envFor(base), DEPLOYER_PRIVATE_KEY: key.slice(0, 40) }, /DEPLOYER_PRIVATE_KEY is not a private key: expected 64 hex digits/],
      [{ ...envFor(base), DEPLOYER_PRIVATE_KEY: '0x' + '0'.repeat(64) }, /not a valid secp256k1 private key/],
      [{ ...envFor(base), TREASURY: '' }, /TREASURY is not set/],
      [{ ...envFor(base), TREASURY: '0x1234' }, /TREASURY "0x1234" is not an address/],
      [{ ...envFor(base), RPC_URL: `http://127.0.0.1:${await freePort()}` }, /unreachable \(eth_chainId\).*ECONNREFUSED/],
      [{ ...envFor(base), TREASURY: other, DEPLOYER_PRIVATE_KEY: poor }, new RegExp(`insufficient funds: deployer ${privateKeyToAccount(poor).address} holds 0 ETH`)],
    ];
    const results = await Promise.all(cases.map(([env]) => deployContracts(env)));
    results.forEach((r, i) => {
      assert.equal(r.code, 1, `case ${i}: ${r.stdout}`);
      assert.match(r.stderr, cases[i][1], `case ${i}`);
      assert.equal(r.stdout, '', `case ${i} printed wrangler lines`);
      assert.ok(!r.stderr.includes(key.slice(2, 40)), `case ${i} printed the key`);
    });
    assert.equal(await code(base.url, expectedAddresses(other).implementation), '0x');
  });

  it('reads the key from a file, and refuses a chain without the deployment proxy', async () => {
    const chain = await startAnvil({ port: await freePort(), chainId: 1 });
    try {
      const file = join(tmp, 'deployer.key');
      writeFileSync(file, `${key}\n`, { mode: 0o600 });
      await fund(chain.url, deployer);
      const env = { RPC_URL: chain.url, TREASURY: treasury, DEPLOYER_KEY_FILE: file, NETWORK: 'ethereum' };
      let r = await deployContracts(env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /key from .*deployer\.key/);
      assert.deepEqual(parseLines(r.stdout), first); // chain 1 as well

      const bare = await startAnvil({ port: await freePort(), chainId: 1 });
      try {
        await rpc(bare.url, 'anvil_setCode', [PROXY, '0x']);
        r = await deployContracts({ ...env, RPC_URL: bare.url });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /chain 1 has no deterministic deployment proxy at 0x4e59b44847b379578588920ca78fbf26c0b4956c/);
      } finally {
        await bare.stop();
      }
    } finally {
      await chain.stop();
    }
  });
});

describe('reproducible bytecode', () => {
  it('a comment edit does not change the compiled forwarder contracts (no metadata trailer)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'paylinks-solc-'));
    try {
      const src = join(tmp, 'contracts');
      cpSync(CONTRACTS_DIR, src, { recursive: true });
      const forwarder = join(src, 'Forwarder.sol');
      writeFileSync(forwarder, readFileSync(forwarder, 'utf8').replace('/// @title Forwarder', '/// @title Forwarder (edited)'));
      await compileContracts({ contractsDir: src, buildDir: join(tmp, 'out'), force: true });
      for (const name of ['Forwarder', 'ForwarderFactory']) {
        const built = JSON.parse(readFileSync(join(tmp, 'out', `${name}.json`), 'utf8'));
        assert.equal(built.bytecode, loadArtifact(name).bytecode, name);
        assert.match(built.compiler, /^0\.8\.37\+/);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
