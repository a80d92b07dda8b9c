// Several networks in one deployment, end to end: the bundled worker in workerd (real KV)
// with two real anvil chains of different chain ids (31337, the primary, and 31338 as
// NETWORKS' "local-b"), the contracts deployed on both through the same deploy path. A
// session has one deposit address on both; a payment on either, or split across them, pays
// it; a network whose RPC is down does not stop the other's payments from counting. The
// second chain is reached through the fault proxy, so it can be taken down.
//
//   node --test tests/journeys/networks.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFunctionResult, encodeFunctionData, parseAbi } from 'viem';
import { startChain, startJourneyWorker, stopAll, mine, transfer, rpc, Polls, createSession, scan } from './helpers.mjs';

const FACTORY_ABI = parseAbi(['function addressOf(string sessionId) view returns (address)']);

async function depositAddressOn(env, sessionId) {
  const data = encodeFunctionData({ abi: FACTORY_ABI, functionName: 'addressOf', args: [sessionId] });
  const answer = await rpc(env.url, 'eth_call', [{ to: env.chain.forwarderFactory, data }, 'latest']);
  return decodeFunctionResult({ abi: FACTORY_ABI, functionName: 'addressOf', data: answer });
}

describe('two networks (worker + two anvil chains)', { timeout: 180_000 }, () => {
  let a, b, worker, polls;

  before(async () => {
    a = await startChain();
    b = await startChain({ chainId: 31338, proxy: true });
    worker = await startJourneyWorker(a, {
      confirmations: 2,
      networks: [{ name: 'local-b', chain: { ...b.chain, rpcUrl: b.proxy.url } }],
    });
    polls = new Polls(worker);
  });
  after(() => stopAll(worker, b?.proxy, b?.anvil, a?.anvil), { timeout: 30_000 });

  it('the contracts are at the same addresses on both chains, and so is every deposit address', async () => {
    assert.equal(a.chain.chainId, 31337);
    assert.equal(b.chain.chainId, 31338);
    assert.equal(b.chain.forwarderFactory, a.chain.forwarderFactory);
    assert.equal(b.chain.forwarderImplementation, a.chain.forwarderImplementation);
    const session = await createSession(worker);
    assert.equal(await depositAddressOn(a, session.id), session.depositAddress);
    assert.equal(await depositAddressOn(b, session.id), session.depositAddress);

    // Both ways to pay are offered, each with its own chain id in the wallet link.
    assert.deepEqual(
      session.paymentOptions.map((o) => [o.network, o.chainId, o.token.symbol, o.token.decimals, o.amountDue]),
      [
        ['local', 31337, 'USDC', 6, '25.000000'],
        ['local-b', 31338, 'USDC', 6, '25.000000'],
      ],
    );
    assert.equal(
      session.paymentOptions[1].paymentUri,
      `ethereum:${b.chain.token}@31338/transfer?address=${session.depositAddress}&uint256=25000000`,
    );
    assert.equal(session.paymentOptions[0].paymentUri, session.paymentUri);
  });

  it('a payment on the second chain pays the session, listed with its network', async () => {
    const session = await createSession(worker);
    const receipt = await transfer(b, session.depositAddress, '25');
    await mine(b.url, 1);
    await scan(worker);
    const s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.equal(s.amountReceived, '25.000000');
    assert.deepEqual(
      s.payments.map((p) => [p.network, p.token, p.transactionHash, p.amount, p.confirmed]),
      [['local-b', b.chain.token, receipt.transactionHash, '25.000000', true]],
    );
    assert.ok(s.paidAt);
  });

  it('a payment split across the two chains adds up to paid (a status poll reads both)', async () => {
    const session = await createSession(worker);
    const onA = await transfer(a, session.depositAddress, '10');
    await mine(a.url, 1);
    let s = await polls.status(session.id);
    assert.equal(s.status, 'underpaid', JSON.stringify(s));
    assert.equal(s.amountRemaining, '15.000000');

    const onB = await transfer(b, session.depositAddress, '15');
    await mine(b.url, 1);
    s = await polls.status(session.id);
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.equal(s.amountReceived, '25.000000');
    assert.deepEqual(
      s.payments.map((p) => [p.network, p.transactionHash, p.amount]),
      [
        ['local', onA.transactionHash, '10.000000'],
        ['local-b', onB.transactionHash, '15.000000'],
      ],
    );
  });

  it('a payment on the second chain is refunded on the second chain: the same transfer on the first proves nothing', async () => {
    // The treasury holds tokens on both chains to refund with.
    await transfer(a, a.chain.treasury, '100');
    await transfer(b, b.chain.treasury, '100');
    const session = await createSession(worker);
    await transfer(b, session.depositAddress, '25');
    await mine(b.url, 1);
    await scan(worker);
    assert.equal((await polls.retrieve(session.id, { fresh: false })).status, 'paid');

    const created = await worker.post(`/api/v1/checkout_sessions/${session.id}/refunds`, {});
    assert.equal(created.status, 201, created.text);
    const refund = created.json;
    assert.equal(refund.network, 'local-b');
    assert.equal(refund.chainId, 31338);
    assert.equal(refund.token.address, b.chain.token);
    assert.equal(refund.paymentUri, `ethereum:${b.chain.token}@31338/transfer?address=${refund.address}&uint256=25000000`);
    const refundOf = async () => (await worker.get(`/api/v1/refunds/${refund.id}`)).json;

    // The right sender, amount and address, on the wrong chain.
    await transfer(a, a.chain.customer, '25', { from: a.chain.treasury });
    await mine(a.url, 2);
    await scan(worker);
    assert.equal((await refundOf()).status, 'pending');

    const paid = await transfer(b, b.chain.customer, '25', { from: b.chain.treasury });
    await mine(b.url, 2);
    await scan(worker);
    const done = await refundOf();
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.equal(done.transactionHash, paid.transactionHash);
    const shown = (await worker.get(`/api/v1/checkout_sessions/${session.id}`)).json;
    assert.equal(shown.status, 'refunded');
    assert.equal(shown.amountRefunded, '25.000000');
  });

  it('with the second chain down, a payment on the first still counts; the second catches up after', async () => {
    const session = await createSession(worker);
    b.proxy.set('refuse');
    try {
      await transfer(a, session.depositAddress, '20');
      await mine(a.url, 1);
      await scan(worker);
      let s = await polls.retrieve(session.id, { fresh: false });
      assert.equal(s.status, 'underpaid', JSON.stringify(s));
      assert.equal(s.amountReceived, '20.000000');
      // Paid on the second chain while the worker cannot reach it.
      await transfer(b, session.depositAddress, '5');
      await mine(b.url, 1);
      await scan(worker);
      s = await polls.retrieve(session.id, { fresh: false });
      assert.equal(s.status, 'underpaid');
    } finally {
      b.proxy.set('pass');
    }
    await scan(worker);
    const s = await polls.retrieve(session.id, { fresh: false });
    assert.equal(s.status, 'paid', JSON.stringify(s));
    assert.deepEqual(s.payments.map((p) => p.network), ['local', 'local-b']);
  });
});
