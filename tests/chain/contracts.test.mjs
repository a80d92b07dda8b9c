// Contract behaviour on a real anvil chain: CREATE2 deposit addresses, flushing to
// the treasury, and the attack shapes the payment detector must reject.
//   node --test tests/chain/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  concat, decodeFunctionResult, encodeFunctionData, getAddress, getContractAddress, keccak256, pad, parseEventLogs,
  stringToBytes, toEventSelector,
} from 'viem';
import { startAnvil, freePort, rpc } from '../../scripts/chain/anvil.mjs';
import { deployContracts } from '../../scripts/chain/deploy.mjs';
import { compileContracts, loadArtifact } from '../../scripts/chain/compile.mjs';
import { sendAndWait, toHex } from '../../scripts/chain/rpc.mjs';
import { depositAddressFor, sessionSalt } from '../../scripts/chain/create2.mjs';

await compileContracts(); // no-op when build/contracts is fresh
const abi = Object.fromEntries(
  [
    'TestUSDC', 'Forwarder', 'ForwarderFactory', 'LookalikeToken', 'RevertingPayer', 'MultiPay', 'NoBoolToken', 'TestToken18',
    'MockPriceFeed',
  ].map((n) => [
    n,
    loadArtifact(n).abi,
  ]),
);

const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)');
const USDC = (n) => BigInt(Math.round(n * 1e6)); // test literals only; scripts never use floats
// Addresses on a fresh anvil. The test contracts: CREATE addresses of anvil's account #0
// at nonces 0..7. The forwarder contracts: CREATE2 addresses through the deployment
// proxy, for treasury = anvil's account #9 (the same on every chain).
const EXPECTED = {
  token: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  lookalikeToken: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  revertingPayer: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  multiPay: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  token18: '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9',
  forwarderImplementation: '0x074c5eC5168023580ab05384b06Feb2F0125d80d',
  forwarderFactory: '0x85927088CcaBB84d2F75Ba1Edb0DbB1f5087CF01',
  treasury: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720',
  customer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  deployer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
};
const EXPECTED_FEEDS = {
  EUR: '0x5FC8d32690cc91D4c39d9d3abcBD16989F875707',
  GBP: '0x0165878A594ca255338adfa4d48449f69242Eb8F',
  JPY: '0xa513E6E4b8f2a923D98304ec87F64353C4D5C853',
};

describe('contracts on a fresh anvil', () => {
  let anvil, url, d, accounts, attacker;

  const call = async (to, contract, functionName, args = []) => {
    const data = encodeFunctionData({ abi: abi[contract], functionName, args });
    const ret = await rpc(url, 'eth_call', [{ to, data }, 'latest']);
    return decodeFunctionResult({ abi: abi[contract], functionName, data: ret });
  };
  // `gas` skips estimation, so transactions that revert are still mined.
  const sendRaw = (from, to, data, { gas, value, allowRevert = false } = {}) =>
    sendAndWait(
      url,
      { from, to, data, ...(gas && { gas: toHex(gas) }), ...(value && { value: toHex(value) }) },
      { allowRevert },
    );
  const send = (from, to, contract, functionName, args = [], opts) =>
    sendRaw(from, to, encodeFunctionData({ abi: abi[contract], functionName, args }), opts);
  const usdc = (owner) => call(d.token, 'TestUSDC', 'balanceOf', [owner]);
  const ethBalance = async (a) => BigInt(await rpc(url, 'eth_getBalance', [a, 'latest']));
  const code = (a) => rpc(url, 'eth_getCode', [a, 'latest']);
  const pay = (to, amount) => send(d.customer, d.token, 'TestUSDC', 'transfer', [to, amount]);
  const flush = (from, sessionId) => send(from, d.forwarderFactory, 'ForwarderFactory', 'flush', [sessionSalt(sessionId), d.token]);
  const depositOf = (sessionId) => depositAddressFor(d.forwarderFactory, d.forwarderImplementation, sessionId);

  before(async () => {
    anvil = await startAnvil({ port: await freePort() });
    url = anvil.url;
    d = await deployContracts(url);
    accounts = (await rpc(url, 'eth_accounts')).map((a) => getAddress(a)); // not .map(getAddress): its 2nd arg is a chain id
    attacker = accounts[5];
  });
  after(async () => {
    await anvil?.stop();
  });

  it('deploys the documented set of contracts at deterministic addresses', async () => {
    assert.equal(d.chainId, 31337);
    assert.equal(d.rpcUrl, url);
    assert.deepEqual(Object.keys(d).sort(), [
      'chainId', 'customer', 'deployer', 'feeds', 'forwarderFactory', 'forwarderImplementation', 'lookalikeToken',
      'multiPay', 'revertingPayer', 'rpcUrl', 'token', 'token18', 'treasury',
    ]);
    for (const [k, v] of Object.entries(EXPECTED)) assert.equal(d[k], v, k); // also proves EIP-55 form
    assert.deepEqual(d.feeds, EXPECTED_FEEDS);
    assert.equal(await call(d.token, 'TestUSDC', 'name'), 'Test USD Coin');
    assert.equal(await call(d.token, 'TestUSDC', 'symbol'), 'USDC');
    assert.equal(await call(d.token, 'TestUSDC', 'decimals'), 6);
    assert.equal(await usdc(d.customer), 1_000_000n * 10n ** 6n);
    assert.equal(await call(d.forwarderImplementation, 'Forwarder', 'treasury'), d.treasury);
    assert.equal(await call(d.forwarderFactory, 'ForwarderFactory', 'implementation'), d.forwarderImplementation);
    assert.equal(await call(d.lookalikeToken, 'LookalikeToken', 'symbol'), 'USDC');
    assert.equal(await call(d.lookalikeToken, 'LookalikeToken', 'decimals'), 6);
  });

  it('predict(salt) equals an independent CREATE2 computation and depositAddressFor()', async () => {
    // Built here from the EIP-1167 text, not from create2.mjs.
    const initCode = concat([
      '0x3d602d80600a3d3981f3363d3d373d3d3d363d73', d.forwarderImplementation, '0x5af43d82803e903d91602b57fd5bf3',
    ]);
    assert.equal(await call(d.forwarderFactory, 'ForwarderFactory', 'initCode'), initCode.toLowerCase());
    assert.equal(await call(d.forwarderFactory, 'ForwarderFactory', 'initCodeHash'), keccak256(initCode));
    for (const id of ['cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2P', 'cs_0', 'cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2Q']) {
      const salt = keccak256(stringToBytes(id));
      assert.equal(sessionSalt(id), salt);
      const manual = getAddress(
        '0x' + keccak256(concat(['0xff', d.forwarderFactory, salt, keccak256(initCode)])).slice(-40),
      );
      const viaViem = getContractAddress({ opcode: 'CREATE2', from: d.forwarderFactory, salt, bytecode: initCode });
      const onChain = await call(d.forwarderFactory, 'ForwarderFactory', 'predict', [salt]);
      assert.equal(onChain, manual, id);
      assert.equal(viaViem, manual, id);
      assert.equal(depositOf(id), manual, id);
    }
  });

  it('tokens sent before deployment reach the treasury; flush deploys the clone at predict(salt)', async () => {
    const id = 'cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2P';
    const deposit = depositOf(id);
    assert.equal(await code(deposit), '0x');
    await pay(deposit, USDC(150));
    assert.equal(await usdc(deposit), USDC(150));
    const treasuryBefore = await usdc(d.treasury);

    const receipt = await flush(d.deployer, id);
    const events = parseEventLogs({ abi: [...abi.ForwarderFactory, ...abi.Forwarder], logs: receipt.logs });
    const deployed = events.find((e) => e.eventName === 'ForwarderDeployed');
    assert.equal(deployed.args.forwarder, deposit);
    assert.equal(deployed.args.salt, sessionSalt(id));
    const flushed = events.find((e) => e.eventName === 'Flushed');
    assert.equal(getAddress(flushed.address), deposit); // the clone emits it
    assert.equal(flushed.args.amount, USDC(150));
    assert.equal(events.find((e) => e.eventName === 'ForwarderFlushed').args.amount, USDC(150));

    // The runtime is exactly the EIP-1167 proxy to the implementation.
    const impl = d.forwarderImplementation.slice(2).toLowerCase();
    assert.equal(await code(deposit), `0x363d3d373d3d3d363d73${impl}5af43d82803e903d91602b57fd5bf3`);
    assert.equal(await call(deposit, 'Forwarder', 'treasury'), d.treasury); // immutable shared via code
    assert.equal(await usdc(deposit), 0n);
    assert.equal(await usdc(d.treasury), treasuryBefore + USDC(150));
  });

  it('a second flush reuses the clone, pays new funds, and is a no-op when empty', async () => {
    const id = 'cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2P'; // deployed by the previous test
    const deposit = depositOf(id);
    await pay(deposit, USDC(0.25));
    const before = await usdc(d.treasury);
    let receipt = await flush(d.deployer, id);
    let names = parseEventLogs({ abi: abi.ForwarderFactory, logs: receipt.logs }).map((e) => e.eventName);
    assert.deepEqual(names, ['ForwarderFlushed']); // no ForwarderDeployed the second time
    assert.equal(await usdc(d.treasury), before + USDC(0.25));

    receipt = await flush(d.deployer, id);
    assert.equal(receipt.status, '0x1');
    const [ev] = parseEventLogs({ abi: abi.ForwarderFactory, logs: receipt.logs });
    assert.equal(ev.args.amount, 0n);
    assert.equal(await usdc(d.treasury), before + USDC(0.25));
  });

  it('anyone may flush, but only the treasury is paid', async () => {
    const id = 'cs_01ANYONECANFLUSH000000000';
    const deposit = depositOf(id);
    await pay(deposit, USDC(42));
    const before = await usdc(d.treasury);
    await flush(attacker, id); // deploys too
    assert.equal(await usdc(d.treasury), before + USDC(42));
    assert.equal(await usdc(attacker), 0n);

    // Calling the clone's own flush directly also pays the treasury.
    await pay(deposit, USDC(1));
    await send(attacker, deposit, 'Forwarder', 'flush', [d.token]);
    assert.equal(await usdc(d.treasury), before + USDC(43));
    assert.equal(await usdc(attacker), 0n);
  });

  it('the clone has no other function that moves funds', async () => {
    const id = 'cs_01NOBACKDOOR0000000000000';
    const deposit = depositOf(id);
    await flush(d.deployer, id); // deploy
    await pay(deposit, USDC(10));
    const selectorCalls = [
      encodeFunctionData({ abi: abi.TestUSDC, functionName: 'transfer', args: [attacker, USDC(10)] }),
      encodeFunctionData({ abi: abi.TestUSDC, functionName: 'approve', args: [attacker, 2n ** 256n - 1n] }),
      encodeFunctionData({ abi: abi.TestUSDC, functionName: 'transferFrom', args: [deposit, attacker, USDC(10)] }),
      '0xdeadbeef',
      '0x',
      '0x' + 'ab'.repeat(100),
    ];
    for (const data of selectorCalls) {
      const r = await sendRaw(attacker, deposit, data, { gas: 300_000, allowRevert: true });
      assert.equal(r.status, '0x0', `calldata ${data.slice(0, 10)} should revert`);
      assert.deepEqual(r.logs, []);
    }
    // Plain ether is refused too (no receive/fallback).
    const r = await sendRaw(attacker, deposit, '0x', { gas: 100_000, value: 10n ** 18n, allowRevert: true });
    assert.equal(r.status, '0x0');
    assert.equal(await usdc(deposit), USDC(10));
    assert.equal(await call(d.token, 'TestUSDC', 'allowance', [deposit, attacker]), 0n);
    assert.equal(await usdc(attacker), 0n);
  });

  it('the implementation, or an attacker\'s own forwarder/factory, cannot reach clone funds', async () => {
    const id = 'cs_01NOBACKDOOR0000000000000'; // holds 10 USDC from the previous test
    const deposit = depositOf(id);
    assert.equal(await usdc(deposit), USDC(10));

    // flush on the implementation acts on the implementation's own (empty) balance.
    const r = await send(attacker, d.forwarderImplementation, 'Forwarder', 'flush', [d.token]);
    assert.deepEqual(r.logs, []);
    assert.equal(await usdc(deposit), USDC(10));

    // An attacker's Forwarder(treasury = attacker) behind their own factory: same salt,
    // different factory, so a different address; nothing reaches the real deposit.
    const deploy = async (name, ...args) => {
      const bytecode = loadArtifact(name).bytecode + args.map((a) => a.slice(2).toLowerCase().padStart(64, '0')).join('');
      return getAddress((await sendAndWait(url, { from: attacker, data: bytecode })).contractAddress);
    };
    const evilImpl = await deploy('Forwarder', attacker);
    const evilFactory = await deploy('ForwarderFactory', evilImpl);
    const evilAddress = await call(evilFactory, 'ForwarderFactory', 'predict', [sessionSalt(id)]);
    assert.notEqual(evilAddress, deposit);
    await send(attacker, evilFactory, 'ForwarderFactory', 'flush', [sessionSalt(id), d.token]);
    assert.equal(await usdc(attacker), 0n);
    assert.equal(await usdc(deposit), USDC(10));

    // The real factory is bound to the real implementation, forever.
    assert.equal(await call(d.forwarderFactory, 'ForwarderFactory', 'implementation'), d.forwarderImplementation);
    await flush(attacker, id);
    assert.equal(await usdc(deposit), 0n);
  });

  it('flushes tokens whose transfer returns no bool, and refuses a transfer returning false', async () => {
    const noBool = getAddress(
      (await sendAndWait(url, { from: d.deployer, data: loadArtifact('NoBoolToken').bytecode })).contractAddress,
    );
    const id = 'cs_01USDTSTYLE000000000000000';
    const salt = sessionSalt(id);
    const deposit = depositOf(id);
    const balance = (a) => call(noBool, 'NoBoolToken', 'balanceOf', [a]);
    await send(d.customer, noBool, 'NoBoolToken', 'mint', [deposit, USDC(7)]);
    await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flush', [salt, noBool]);
    assert.equal(await balance(d.treasury), USDC(7));
    assert.equal(await balance(deposit), 0n);

    await send(d.customer, noBool, 'NoBoolToken', 'mint', [deposit, USDC(1)]);
    await send(d.customer, noBool, 'NoBoolToken', 'setFailing', [true]);
    const r = await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flush', [salt, noBool], {
      gas: 300_000, allowRevert: true,
    });
    assert.equal(r.status, '0x0');
    assert.equal(await balance(deposit), USDC(1));

    // A token address without code is refused rather than "flushed" into nothing.
    const r2 = await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flush', [salt, attacker], {
      gas: 300_000, allowRevert: true,
    });
    assert.equal(r2.status, '0x0');
  });

  it('ether at a deposit address can only go to the treasury (flushNative)', async () => {
    const id = 'cs_01ETHBYMISTAKE00000000000';
    const deposit = depositOf(id);
    await sendRaw(d.customer, deposit, '0x', { value: 10n ** 18n }); // before deployment: plain address
    const before = await ethBalance(d.treasury);
    await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flushNative', [sessionSalt(id)]);
    assert.equal(await ethBalance(deposit), 0n);
    assert.equal(await ethBalance(d.treasury), before + 10n ** 18n);
  });

  it('a look-alike token\'s Transfer log has the same shape but another emitter', async () => {
    const deposit = depositOf('cs_01LOOKALIKE000000000000000');
    for (const functionName of ['fakeTransfer', 'transfer']) {
      const r = await send(d.customer, d.lookalikeToken, 'LookalikeToken', functionName, [deposit, USDC(150)]);
      assert.equal(r.logs.length, 1);
      const [log] = r.logs;
      assert.deepEqual(log.topics, [TRANSFER_TOPIC, pad(d.customer.toLowerCase()), pad(deposit.toLowerCase())]);
      assert.equal(BigInt(log.data), USDC(150));
      assert.equal(getAddress(log.address), d.lookalikeToken);
      assert.notEqual(getAddress(log.address), d.token);
    }
    assert.equal(await usdc(deposit), 0n);
  });

  it('a reverted payment has receipt status 0x0 and no logs', async () => {
    const deposit = depositOf('cs_01REVERTED0000000000000000');
    await send(d.customer, d.token, 'TestUSDC', 'approve', [d.revertingPayer, USDC(100)]);
    const data = encodeFunctionData({
      abi: abi.RevertingPayer, functionName: 'payFromAndRevert', args: [d.token, deposit, USDC(100)],
    });
    // Gas estimation refuses a reverting call, which is why the payment is sent with a gas limit.
    await assert.rejects(rpc(url, 'eth_estimateGas', [{ from: d.customer, to: d.revertingPayer, data }]), /revert/i);
    const before = await usdc(d.customer);
    const r = await sendRaw(d.customer, d.revertingPayer, data, { gas: 300_000, allowRevert: true });
    assert.equal(r.status, '0x0');
    assert.deepEqual(r.logs, []);
    assert.equal(await usdc(deposit), 0n);
    assert.equal(await usdc(d.customer), before);
  });

  it('addressOf(sessionId) derives salt = keccak256(bytes(id)) on chain, as the service does', async () => {
    for (const id of ['cs_01JD3K7Q2W9X8Y7Z6V5T4S3R2P', 'cs_0', 'cs_01ADDRESSOF0000000000000']) {
      const onChain = await call(d.forwarderFactory, 'ForwarderFactory', 'addressOf', [id]);
      assert.equal(onChain, await call(d.forwarderFactory, 'ForwarderFactory', 'predict', [keccak256(stringToBytes(id))]), id);
      assert.equal(onChain, depositOf(id), id);
    }
  });

  it('flushMany sweeps many deposit addresses in one transaction, one event per session, only to the treasury', async () => {
    const ids = ['cs_01FLUSHMANY1', 'cs_01FLUSHMANY2', 'cs_01FLUSHMANY3', 'cs_01FLUSHMANY4'];
    const amounts = [USDC(10), USDC(0.5), 0n, USDC(3)]; // #3 holds nothing
    await flush(d.deployer, ids[1]); // #2 is already deployed, the others are not
    for (const [i, id] of ids.entries()) if (amounts[i]) await pay(depositOf(id), amounts[i]);
    const salts = ids.map(sessionSalt);
    const before = await usdc(d.treasury);

    // The return value, by simulating the call first.
    const data = encodeFunctionData({ abi: abi.ForwarderFactory, functionName: 'flushMany', args: [salts, d.token] });
    const total = decodeFunctionResult({
      abi: abi.ForwarderFactory, functionName: 'flushMany',
      data: await rpc(url, 'eth_call', [{ from: attacker, to: d.forwarderFactory, data }, 'latest']),
    });
    assert.equal(total, USDC(13.5));

    const receipt = await sendRaw(attacker, d.forwarderFactory, data);
    const events = parseEventLogs({ abi: abi.ForwarderFactory, logs: receipt.logs });
    const flushed = events.filter((e) => e.eventName === 'ForwarderFlushed');
    assert.deepEqual(flushed.map((e) => e.args.salt), salts);
    assert.deepEqual(flushed.map((e) => e.args.amount), amounts);
    assert.deepEqual(flushed.map((e) => e.args.forwarder), ids.map(depositOf));
    for (const e of flushed) assert.equal(e.args.token, d.token);
    assert.deepEqual(events.filter((e) => e.eventName === 'ForwarderDeployed').map((e) => e.args.salt), [salts[0], salts[2], salts[3]]);
    for (const id of ids) assert.equal(await usdc(depositOf(id)), 0n, id);
    assert.equal(await usdc(d.treasury), before + USDC(13.5));
    assert.equal(await usdc(attacker), 0n);

    // An empty batch is a no-op, and a token without code fails the whole batch.
    const empty = await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flushMany', [[], d.token]);
    assert.deepEqual(empty.logs, []);
    await pay(depositOf(ids[0]), USDC(1));
    const bad = await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flushMany', [salts, attacker], {
      gas: 500_000, allowRevert: true,
    });
    assert.equal(bad.status, '0x0');
    assert.equal(await usdc(depositOf(ids[0])), USDC(1));
  });

  it('TDAI is an 18-decimal token and the customer holds 1,000,000 of it', async () => {
    assert.equal(await call(d.token18, 'TestToken18', 'symbol'), 'TDAI');
    assert.equal(await call(d.token18, 'TestToken18', 'decimals'), 18);
    assert.equal(await call(d.token18, 'TestToken18', 'balanceOf', [d.customer]), 1_000_000n * 10n ** 18n);
    const deposit = depositOf('cs_01TDAI000000000000000000');
    await send(d.customer, d.token18, 'TestToken18', 'transfer', [deposit, 25n * 10n ** 18n + 1n]);
    await send(attacker, d.forwarderFactory, 'ForwarderFactory', 'flush', [sessionSalt('cs_01TDAI000000000000000000'), d.token18]);
    assert.equal(await call(d.token18, 'TestToken18', 'balanceOf', [d.treasury]), 25n * 10n ** 18n + 1n);
  });

  it('the mock price feeds answer like Chainlink feeds and read back what a test sets', async () => {
    const round = async (feed) => call(feed, 'MockPriceFeed', 'latestRoundData');
    const expected = { EUR: ['EUR / USD', 108_370_000n], GBP: ['GBP / USD', 126_500_000n], JPY: ['JPY / USD', 670_000n] };
    for (const [currency, [description, answer]] of Object.entries(expected)) {
      const feed = d.feeds[currency];
      assert.equal(await call(feed, 'MockPriceFeed', 'decimals'), 8);
      assert.equal(await call(feed, 'MockPriceFeed', 'description'), description);
      const [roundId, got, startedAt, updatedAt, answeredInRound] = await round(feed);
      assert.deepEqual([roundId, got, answeredInRound], [1n, answer, 1n], currency);
      assert.equal(startedAt, updatedAt);
      // updatedAt is the time of a block the deployment mined: recent, not later than the head.
      const head = BigInt((await rpc(url, 'eth_getBlockByNumber', ['latest', false])).timestamp);
      assert.ok(updatedAt <= head && updatedAt > head - 600n, `${currency} updatedAt ${updatedAt}, head ${head}`);
    }

    const feed = d.feeds.GBP;
    await send(attacker, feed, 'MockPriceFeed', 'setRoundData', [7n, 125_000_000n, 100n, 200n, 6n]);
    assert.deepEqual(await round(feed), [7n, 125_000_000n, 100n, 200n, 6n]);
    assert.deepEqual(await call(feed, 'MockPriceFeed', 'getRoundData', [7n]), [7n, 125_000_000n, 100n, 200n, 6n]);

    const r = await send(attacker, feed, 'MockPriceFeed', 'setAnswer', [127_000_000n]);
    const block = await rpc(url, 'eth_getBlockByNumber', [r.blockNumber, false]);
    const now = BigInt(block.timestamp);
    assert.deepEqual(await round(feed), [8n, 127_000_000n, now, now, 8n]);
    await assert.rejects(call(feed, 'MockPriceFeed', 'getRoundData', [7n]), /revert/i);
    assert.equal(await call(feed, 'MockPriceFeed', 'version'), 4n);
  });

  it('MultiPay emits one Transfer log per recipient in one transaction', async () => {
    const recipients = ['cs_01MULTI1', 'cs_01MULTI2', 'cs_01MULTI3'].map(depositOf);
    const values = [USDC(1), USDC(2.5), USDC(3)];
    await send(d.customer, d.token, 'TestUSDC', 'approve', [d.multiPay, USDC(6.5)]);
    const r = await send(d.customer, d.multiPay, 'MultiPay', 'payMany', [d.token, recipients, values]);
    assert.equal(r.logs.length, recipients.length);
    r.logs.forEach((log, i) => {
      assert.equal(getAddress(log.address), d.token);
      assert.deepEqual(log.topics, [TRANSFER_TOPIC, pad(d.customer.toLowerCase()), pad(recipients[i].toLowerCase())]);
      assert.equal(BigInt(log.data), values[i]);
      assert.equal(log.transactionHash, r.transactionHash);
    });
    assert.equal(new Set(r.logs.map((l) => l.logIndex)).size, recipients.length);
    for (const [i, a] of recipients.entries()) assert.equal(await usdc(a), values[i]);
  });
});

describe('local chain tooling', () => {
  it('deploys to the same addresses when anvil mines on a timer (--block-time)', async () => {
    const anvil = await startAnvil({ port: 0, blockTime: 1 });
    try {
      const d = await deployContracts(anvil.url);
      for (const k of ['token', 'forwarderImplementation', 'forwarderFactory', 'multiPay', 'token18']) assert.equal(d[k], EXPECTED[k]);
      assert.deepEqual(d.feeds, EXPECTED_FEEDS);
    } finally {
      await anvil.stop();
    }
  });

  it('startAnvil fails clearly when the port is taken, and stop() ends only its child', async () => {
    const first = await startAnvil({ port: 0 });
    try {
      await assert.rejects(startAnvil({ port: first.port }), /already in use/);
      assert.equal(Number(await rpc(first.url, 'eth_chainId')), 31337); // first one unaffected
    } finally {
      await first.stop();
    }
    assert.notEqual(first.process.exitCode ?? first.process.signalCode, null);
    await assert.rejects(rpc(first.url, 'eth_chainId'), /unreachable/);
  });
});
