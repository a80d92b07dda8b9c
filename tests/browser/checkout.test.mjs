// The hosted checkout page in headless Chromium, served by the bundled worker (workerd through
// Miniflare, over HTTP) against a real anvil chain: a customer opens /l/{slug}, lands on
// /c/{id}, finds the amount, the address and the QR code, copies the address, pays with a
// real ERC-20 transfer and is sent back to the merchant. A hostile title stays text.
// Screenshots go to test-output/screenshots/.
//
//   node --test tests/browser/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchBrowser, newPage, shot, transfer, TEST_KEY, DESKTOP, PHONE } from './helpers.mjs';

const XSS_TITLE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script> Tee';

describe('hosted checkout page (Chromium)', () => {
  let stack, chromium;
  const api = async (method, path, body) => {
    const r = await fetch(stack.url + path, {
      method,
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await r.json();
    assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };

  before(async () => {
    [stack, chromium] = await Promise.all([startStack({ confirmations: 1 }), launchBrowser()]);
  });
  after(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  it('opens /l/{slug}, shows amount, address and QR, copies, survives XSS, turns paid and redirects', async () => {
    const successUrl = `${stack.url}/healthz?order=42`;
    const link = await api('POST', '/api/v1/payment_links', {
      title: XSS_TITLE,
      description: 'Organic cotton, size M.\n<b>not bold</b>',
      fiatAmount: '25.50',
      fiatCurrency: 'USD',
      successUrl,
      cancelUrl: `${stack.url}/healthz?cancelled=1`,
      slug: 'browser-tee',
    });

    const page = await newPage(chromium.browser, { viewport: DESKTOP, origin: stack.url });
    await page.goto(`${stack.url}/l/${link.slug}`);
    assert.match(page.url(), /\/c\/cs_[0-9A-Z]+$/, 'the visit lands on the session page');
    const id = page.url().split('/c/')[1];
    const status = await (await fetch(`${stack.url}/c/${id}/status`)).json();

    // Amount, address, QR.
    assert.equal(await page.locator('#amount-due').textContent(), '25.500000');
    assert.match(await page.locator('.amount').textContent(), /25\.500000\s+USDC/);
    const shownAddress = (await page.locator('#address').textContent()).replace(/\s+/g, '');
    assert.equal(shownAddress, status.depositAddress);
    const qr = page.locator('#qr svg');
    assert.equal(await qr.count(), 1, 'the QR code is an inline <svg>');
    assert.ok((await qr.boundingBox()).width > 150, 'the QR code is large enough to scan');
    assert.equal(await page.locator('#wallet').getAttribute('href'), status.paymentUri);
    assert.match(await page.locator('#countdown').textContent(), /^\d\d:\d\d$/);

    // The hostile title and description are inert text.
    assert.equal(await page.locator('h1').textContent(), XSS_TITLE);
    assert.match(await page.locator('.desc').textContent(), /<b>not bold<\/b>/);
    assert.equal(await page.locator('h1 img, h1 script, .desc b').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.title(), `${XSS_TITLE} · 25.50 USD`);

    // Copy the address: the button says so and the clipboard holds it.
    const copyAddress = page.getByRole('button', { name: 'Copy address' });
    await copyAddress.click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), status.depositAddress);

    await shot(page, 'checkout-desktop');
    const phone = await newPage(chromium.browser, { viewport: PHONE });
    await phone.goto(`${stack.url}/c/${id}`);
    await phone.locator('#qr svg').waitFor();
    await shot(phone, 'checkout-phone');
    await phone.close();

    // Pay on chain; the page polls, turns paid and sends the customer back.
    await transfer(stack, status.depositAddress, '25.5');
    await page.locator('#checkout[data-status="paid"]').waitFor({ timeout: 20_000 });
    assert.match(await page.locator('#st-title').textContent(), /paid|received/i);
    await shot(page, 'checkout-paid-desktop');
    await page.waitForURL(successUrl, { timeout: 10_000 });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('an underpaid session asks for the rest; an unknown link gets a clear 404 page', async () => {
    const link = await api('POST', '/api/v1/payment_links', { title: 'Mug', fiatAmount: '12', fiatCurrency: 'USD' });
    const page = await newPage(chromium.browser, { viewport: PHONE });
    await page.goto(`${stack.url}/l/${link.slug}`);
    const id = page.url().split('/c/')[1];
    const status = await (await fetch(`${stack.url}/c/${id}/status`)).json();
    await transfer(stack, status.depositAddress, '5');
    await page.locator('#checkout[data-status="underpaid"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#amount-due').textContent(), '7.000000');
    // The page is drawn again with a QR of exactly what is left to pay.
    await page.locator('#checkout[data-status="underpaid"][data-qr-amount="7.000000"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#qr').isVisible(), true, 'a QR of the remainder');
    assert.match(await page.locator('#qr').getAttribute('aria-label'), /: 7\.000000 USDC on /);
    assert.match(await page.locator('#wallet').getAttribute('href'), /uint256=7000000$/);
    assert.equal(await page.locator('#qr-note').isHidden(), true);
    await shot(page, 'checkout-underpaid-phone');

    const missing = await page.goto(`${stack.url}/l/no-such-link`);
    assert.equal(missing.status(), 404);
    assert.match(await page.locator('h1').textContent(), /not found|no longer|isn't|unavailable/i);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});
