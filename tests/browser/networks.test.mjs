// The checkout page's network and token picker in headless Chromium, served by the bundled
// worker (workerd through Miniflare, over HTTP) with two real anvil chains (31337 and, as
// NETWORKS' local-b, 31338). On a phone and on a desktop viewport: picking the other network
// changes the QR code (decoded by zbar), the wallet link, the amount and the network facts
// in place; the choice works without JavaScript too (?option=1); a payment on the second
// chain turns the page paid.
//
//   node --test tests/browser/networks.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startAnvil, freePort } from '../../scripts/chain/anvil.mjs';
import { deployContracts } from '../../scripts/chain/deploy.mjs';
import { sendAndWait, calldata, SEL, parseUnits } from '../../scripts/chain/rpc.mjs';
import { localVars } from '../../scripts/local-config.mjs';
import { startWorker, TEST_KEY } from '../support/worker.mjs';
import { launchBrowser, newPage, shot, SHOTS, DESKTOP, PHONE } from './helpers.mjs';

// What the QR code on screen says, read by zbar from a screenshot of it.
async function decodeQr(page) {
  const file = join(SHOTS, `qr-picker-${Date.now()}-${Math.random().toString(36).slice(2)}.png`);
  await page.locator('#qr').screenshot({ path: file });
  return execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

describe('network and token picker (Chromium, two anvil chains)', () => {
  let a, b, worker, chromium, url;

  before(async () => {
    [a, b] = await Promise.all([
      startAnvil({ port: await freePort() }),
      startAnvil({ port: await freePort(), chainId: 31338 }),
    ]);
    const [chainA, chainB] = await Promise.all([deployContracts(a.url), deployContracts(b.url)]);
    a.chain = chainA;
    b.chain = chainB;
    const vars = localVars(chainA, { confirmations: 1, networks: [{ name: 'local-b', chain: chainB }] });
    [worker, chromium] = await Promise.all([startWorker({ vars, listen: true }), launchBrowser()]);
    url = worker.url;
  });
  after(async () => {
    await chromium?.close();
    await worker?.dispose().catch(() => {});
    await b?.stop();
    await a?.stop();
  });

  const link = async (title) => {
    const r = await fetch(`${url}/api/v1/payment_links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, fiatAmount: '12.50', fiatCurrency: 'USD' }),
    });
    const json = await r.json();
    assert.ok(r.ok, JSON.stringify(json));
    return json;
  };

  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ]) {
    it(`on a ${label}: switching network changes the QR code, the wallet link, the amount and the facts`, async () => {
      const page = await newPage(chromium.browser, { viewport });
      await page.goto(`${url}/l/${(await link(`Tee (${label})`)).slug}`);
      const id = page.url().split('/c/')[1];
      const status = await (await fetch(`${url}/c/${id}/status`)).json();
      const [first, second] = status.paymentOptions;
      assert.equal(first.chainId, 31337);
      assert.equal(second.chainId, 31338);

      const options = page.locator('#picker a.opt');
      assert.equal(await options.count(), 2);
      assert.ok(await page.locator('#picker').isVisible());
      assert.match(await options.nth(0).textContent(), /USDC\s+on Local chain \(anvil\)/);
      assert.match(await options.nth(1).textContent(), /USDC\s+on Local chain 31338 \(anvil\)/);
      assert.equal(await options.nth(0).getAttribute('aria-current'), 'true');
      assert.equal(await page.locator('#net-chain').textContent(), '31337');
      assert.equal(await page.locator('#wallet').getAttribute('href'), first.paymentUri);
      assert.equal(await decodeQr(page), first.paymentUri);
      await shot(page, `picker-${label}-first`);

      // The tap target is large enough on a phone.
      const box = await options.nth(1).boundingBox();
      assert.ok(box.height >= 44, `option height ${box.height}`);
      await options.nth(1).click();
      assert.equal(await options.nth(1).getAttribute('aria-current'), 'true');
      assert.equal(await options.nth(0).getAttribute('aria-current'), null);
      assert.match(page.url(), /\?option=1$/);
      assert.equal(await page.locator('#net-chain').textContent(), '31338');
      assert.equal(await page.locator('#net-name').textContent(), 'Local chain 31338 (anvil)');
      assert.equal(await page.locator('#wallet').getAttribute('href'), second.paymentUri);
      assert.equal(await page.locator('#amount-due').textContent(), second.amountDue);
      assert.match(await page.locator('#warn').textContent(), /chain ID 31338/);
      assert.equal(await page.locator('[data-qr-option]:visible').count(), 1, 'one QR code shown');
      assert.equal(await decodeQr(page), second.paymentUri);
      await shot(page, `picker-${label}-second`);

      // And back.
      await options.nth(0).click();
      assert.equal(await page.locator('#wallet').getAttribute('href'), first.paymentUri);
      assert.equal(await decodeQr(page), first.paymentUri);
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }

  it('without JavaScript, ?option=1 serves the second network; a payment there turns the page paid', async () => {
    const { slug } = await link('Mug');
    const context = await chromium.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${url}/l/${slug}`);
    const id = plain.url().split('/c/')[1];
    await plain.locator('#picker a.opt').nth(1).click();
    await plain.waitForURL(/\?option=1$/);
    assert.equal(await plain.locator('#net-chain').textContent(), '31338');
    const status = await (await fetch(`${url}/c/${id}/status`)).json();
    assert.equal(await plain.locator('#wallet').getAttribute('href'), status.paymentOptions[1].paymentUri);
    await context.close();

    const page = await newPage(chromium.browser, { viewport: DESKTOP });
    await page.goto(`${url}/c/${id}?option=1`);
    assert.equal(await page.locator('#picker a.opt').nth(1).getAttribute('aria-current'), 'true');
    await sendAndWait(b.url, {
      from: b.chain.customer,
      to: b.chain.token,
      data: calldata(SEL.transfer, status.depositAddress, parseUnits('12.5', 6)),
    });
    await page.locator('#checkout[data-status="paid"]').waitFor({ timeout: 20_000 });
    assert.match(await page.locator('#payments').textContent(), /12\.500000 USDC\s*on Local chain 31338 \(anvil\)/);
    await shot(page, 'picker-paid-desktop');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});
