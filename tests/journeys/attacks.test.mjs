// Attacks on payment detection, through the real worker against anvil: things that look like
// a payment but are not one. None of them may mark a session paid or count any amount — not
// through the status poll, not through the cron scan, not through /verify.
//
//   node --test tests/journeys/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData } from 'viem';
import { loadArtifact } from '../../scripts/chain/compile.mjs';
import { sendAndWait } from '../../scripts/chain/rpc.mjs';
import { startRpcProxy } from '../support/rpc_proxy.mjs';
import {
  startChain, startJourneyWorker, stopAll, mine, transfer, rpc, parseUnits, Polls, createSession,
  stored, scan, assertNothingCounted, SESSIONS,
} from './helpers.mjs';

const call = (contract, functionName, args) =>
  encodeFunctionData({ abi: loadArtifact(contract).abi, functionName, args });

describe('attacks (worker + anvil): nothing that is not a payment counts', { timeout: 120_000 }, () => {
  let env, worker, polls;

  before(async () => {
    env = await startChain();
    worker = await startJourneyWorker(env, { confirmations: 2 });
    polls = new Polls(worker);
  });
  after(() => stopAll(worker, env?.anvil), { timeout: 30_000 });

  /** Poll (first check of this session), scan, then the stored record: all untouched. */
  async function assertUntouched(id, label) {
    const s = await polls.status(id);
    assertNothingCounted(s, 'open', `${label} (poll)`);
    assert.equal(s.chainCheck, 'ok', label);
    await scan(worker);
    const record = await stored(worker, id);
    assert.equal(record.status, 'open', `${label} (scan)`);
    assert.deepEqual(record.payments, [], `${label} (scan)`);
  }

  it('a look-alike token contract emitting Transfer to the deposit address', async () => {
    const session = await createSession(worker);
    // Same name, symbol, decimals and event as USDC; it just is not the configured contract.
    const fake = await sendAndWait(env.url, {
      from: env.chain.customer,
      to: env.chain.lookalikeToken,
      data: call('LookalikeToken', 'fakeTransfer', [session.depositAddress, parseUnits('25', 6)]),
    });
    assert.equal(fake.logs.length, 1, 'the look-alike did emit a Transfer');
    await mine(env.url, 2);
    await assertUntouched(session.id, 'look-alike');
    const verified = await polls.verify(session.id, fake.transactionHash);
    assert.equal(verified.status, 400, verified.text);
    assert.equal(verified.json.error.code, 'transaction_not_payment');
    assert.equal((await stored(worker, session.id)).status, 'open');
  });

  it('a reverted transaction (the transfer inside it is undone), also sent to /verify', async () => {
    const session = await createSession(worker);
    await transfer(env, env.chain.revertingPayer, '25'); // the payer holds the money
    // payAndRevert transfers to the deposit address, then reverts. An explicit gas limit
    // skips estimation, so the transaction is mined with status 0.
    const reverted = await sendAndWait(env.url, {
      from: env.chain.customer,
      to: env.chain.revertingPayer,
      gas: '0x30000',
      data: call('RevertingPayer', 'payAndRevert', [env.chain.token, session.depositAddress, parseUnits('25', 6)]),
    }, { allowRevert: true });
    assert.equal(reverted.status, '0x0');
    await mine(env.url, 2);
    await assertUntouched(session.id, 'reverted');
    const verified = await polls.verify(session.id, reverted.transactionHash);
    assert.equal(verified.status, 400, verified.text);
    assert.equal(verified.json.error.code, 'transaction_not_payment');
    assert.match(verified.json.error.message, /revert/i);
    assert.equal((await stored(worker, session.id)).status, 'open');
  });

  it('a transfer of the real token to another address', async () => {
    const session = await createSession(worker);
    const elsewhere = await transfer(env, env.chain.treasury, '25');
    await mine(env.url, 2);
    await assertUntouched(session.id, 'another recipient');
    const verified = await polls.verify(session.id, elsewhere.transactionHash);
    assert.equal(verified.status, 400, verified.text);
    assert.equal(verified.json.error.code, 'transaction_not_payment');
    const unknown = await polls.verify(session.id, '0x' + 'ab'.repeat(32));
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json.error.code, 'transaction_not_found');
    assert.equal((await stored(worker, session.id)).status, 'open');
  });

  it("another session's transaction hash sent to /verify counts for neither the wrong session nor twice", async () => {
    const victim = await createSession(worker);
    const payer = await createSession(worker);
    const paid = await transfer(env, payer.depositAddress, '25');
    await mine(env.url, 1);

    const wrong = await polls.verify(victim.id, paid.transactionHash);
    assert.equal(wrong.status, 400, wrong.text);
    assert.equal(wrong.json.error.code, 'transaction_not_payment');
    const victimNow = await polls.status(victim.id, { fresh: false }); // throttled: as stored
    assertNothingCounted(victimNow, 'open', 'victim');

    // The session the transaction really paid is not disturbed: it is paid, once.
    const right = await polls.verify(payer.id, paid.transactionHash);
    assert.equal(right.status, 200, right.text);
    assert.equal(right.json.status, 'paid');
    assert.equal(right.json.amountReceived, '25.000000');
    assert.equal(right.json.payments.length, 1);
    await scan(worker);
    assert.equal((await stored(worker, victim.id)).status, 'open');
    assert.equal((await stored(worker, payer.id)).status, 'paid');
  });

  it('one transaction paying two sessions (MultiPay) pays each only its own share', async () => {
    const a = await createSession(worker);
    const b = await createSession(worker);
    await sendAndWait(env.url, {
      from: env.chain.customer,
      to: env.chain.token,
      data: call('TestUSDC', 'approve', [env.chain.multiPay, parseUnits('35', 6)]),
    });
    const multi = await sendAndWait(env.url, {
      from: env.chain.customer,
      to: env.chain.multiPay,
      data: call('MultiPay', 'payMany', [env.chain.token, [a.depositAddress, b.depositAddress], [parseUnits('25', 6), parseUnits('10', 6)]]),
    });
    await mine(env.url, 1);
    const va = await polls.verify(a.id, multi.transactionHash);
    assert.equal(va.status, 200, va.text);
    assert.equal(va.json.status, 'paid');
    assert.equal(va.json.amountReceived, '25.000000');
    const vb = await polls.verify(b.id, multi.transactionHash);
    assert.equal(vb.status, 200, vb.text);
    assert.equal(vb.json.status, 'underpaid');
    assert.equal(vb.json.amountReceived, '10.000000');
  });

  it('a payment after the late window, pointed at with /verify, does not fulfil the session', async () => {
    // A worker whose late window is 0 s: once expired, a session takes no more payments. The
    // merchant expires it; the customer pays 2 s later (the next block is stamped so, as
    // block times have one-second resolution) and then asks /verify to count it anyway.
    const strict = await startJourneyWorker(env, { confirmations: 2, vars: { LATE_WINDOW_SECONDS: '0' } });
    try {
      const spolls = new Polls(strict);
      const session = await createSession(strict);
      const expired = await spolls.expire(session.id);
      assert.equal(expired.json.status, 'expired', expired.text);
      const latest = await rpc(env.url, 'eth_getBlockByNumber', ['latest', false]);
      const stamp = Math.max(Math.floor(Date.parse(expired.json.expiresAt) / 1000) + 2, Number(latest.timestamp) + 1);
      await rpc(env.url, 'evm_setNextBlockTimestamp', [stamp]);
      const late = await transfer(env, session.depositAddress, '25');
      await mine(env.url, 1);
      const verified = await spolls.verify(session.id, late.transactionHash);
      // Whatever /verify says about the transaction, the session stays expired and unpaid.
      assert.ok([200, 400].includes(verified.status), verified.text);
      const s = await spolls.status(session.id, { fresh: false });
      assert.equal(s.status, 'expired', JSON.stringify(s));
      assert.equal(s.paidAt, null);
      await scan(strict);
      const record = await stored(strict, session.id);
      assert.equal(record.status, 'expired');
      assert.equal(record.paidAt, null);
    } finally {
      await stopAll(strict);
    }
  });

  it('an RPC that reports another chain id: nothing is priced or trusted until it agrees', async () => {
    // A worker of its own, so its first chain check meets the lying node (the chain id is
    // verified once per 10 minutes per instance).
    const proxy = await startRpcProxy({ target: env.url });
    await proxy.set('chainId', { chainId: 8453 }); // "I am Base"
    const liar = await startJourneyWorker({ ...env, proxy }, { confirmations: 2 });
    try {
      const refused = await liar.post(SESSIONS, { fiatAmount: '25.00', fiatCurrency: 'USD' });
      assert.equal(refused.status, 500, refused.text);
      assert.equal(refused.json.error.code, 'configuration_invalid');
      assert.match(refused.json.error.message, /chain id 8453/);
      const keys = (await (await liar.kv()).list({ prefix: 'cs/' })).keys;
      assert.deepEqual(keys, [], 'nothing stored for a refused session');
      assert.ok(proxy.calls.some((c) => c.method === 'eth_chainId'));

      // Once the node tells the truth, sessions open and payments are found.
      await proxy.set('pass');
      const lpolls = new Polls(liar);
      const session = await createSession(liar);
      const paid = await transfer(env, session.depositAddress, '25');
      await mine(env.url, 2);
      const ok = await lpolls.verify(session.id, paid.transactionHash);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.status, 'paid');
    } finally {
      await stopAll(liar, proxy);
    }
  });
});
