// The merchant dashboard in headless Chromium, served by the bundled worker (workerd through
// Miniflare, over HTTP) against a real anvil chain. A merchant signs in with the API key,
// creates and edits a link and a webhook endpoint through the UI (the endpoint is a real
// HTTP receiver on 127.0.0.1 that checks every delivery with the npm `standardwebhooks`
// package, using the secret the UI showed once); a customer pays the link on anvil; the
// dashboard shows the session paid and the webhook delivered, and a resend after a secret
// rotation is signed with the new secret; make sweep's collection shows under Balances. Screenshots go to test-output/screenshots/.
//
//   node --test tests/browser/
import { loadCatalog } from '../support/catalog.mjs';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { startStack, launchBrowser, newPage, shot, transfer, TEST_KEY, DESKTOP, PHONE } from './helpers.mjs';
import { fulfilledSessions, sweepSessions } from '../../scripts/chain/sweep.mjs';
import { ANVIL_DEFAULT_KEY } from '../../scripts/chain/keys.mjs';
import { sendAndWait, calldata, SEL, parseUnits } from '../../scripts/chain/rpc.mjs';

/** An HTTP receiver on 127.0.0.1 that keeps every request (raw body and headers). */
function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        received,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

const until = async (what, check, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('merchant dashboard (Chromium)', () => {
  let stack, chromium, receiver;

  before(async () => {
    [stack, chromium, receiver] = await Promise.all([startStack({ confirmations: 1 }), launchBrowser(), startReceiver()]);
  });
  after(async () => {
    await chromium?.close();
    await receiver?.close();
    await stack?.stop();
  });

  it('signs in, creates a link and a webhook endpoint, sees the payment and its delivery', async () => {
    const page = await newPage(chromium.browser, { viewport: DESKTOP, origin: stack.url });
    const section = (name) => page.locator(`#v-${name}`);
    const tab = (name) => page.locator('#nav').getByRole('link', { name, exact: true });
    const response = await page.goto(`${stack.url}/dashboard`);
    assert.match(response.headers()['content-security-policy'], /script-src 'self'; connect-src 'self'/);
    assert.equal(response.headers()['x-frame-options'], 'DENY');

    // Sign in: a wrong key gets the API's error next to the field; the right one gets in.
    const keyField = page.getByLabel('Secret API key');
    await keyField.fill('sk_test_not_the_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const keyError = page.locator('#si-form .err');
    await keyError.waitFor();
    assert.match(await keyError.textContent(), /api key/i);
    assert.equal(await keyField.getAttribute('aria-invalid'), 'true');
    await shot(page, 'dashboard-signin-error');
    await keyField.fill(TEST_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await section('links').waitFor();
    assert.equal(await page.locator('#mode').textContent(), 'Test mode');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('paylinks.key')), TEST_KEY);
    await page.getByText('No payment links yet').waitFor();

    // Create a link; a bad price is reported next to the price field first.
    const title = 'Design consultation <1 hour>';
    await page.getByRole('button', { name: 'New link' }).first().click();
    const form = page.locator('#link-form');
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Price').fill('80.005');
    // The currency choices are the core's (core/catalog), USD first chosen.
    const currencies = await form.getByLabel('Currency').locator('option').allTextContents();
    assert.deepEqual(currencies, loadCatalog().currencies.map((c) => c.code));
    assert.equal(await form.getByLabel('Currency').inputValue(), 'USD');
    await form.getByLabel('Currency').selectOption('USD');
    await form.getByLabel('Description').fill('A video call about your product, with notes.');
    await form.getByLabel('Success URL').fill(`${stack.url}/healthz?paid=1`);
    await form.getByLabel('Custom slug').fill('consult-hour');
    await form.getByRole('button', { name: 'Create link' }).click();
    const priceError = form.locator('label:has([name=fiatAmount]) .err');
    await priceError.waitFor();
    assert.match(await priceError.textContent(), /fiatAmount/);
    assert.equal(await form.getByLabel('Price').getAttribute('aria-invalid'), 'true');
    await shot(page, 'dashboard-link-form-error');
    await form.getByLabel('Price').fill('80');
    await form.getByRole('button', { name: 'Create link' }).click();
    const row = page.locator('#links-list > li', { hasText: title });
    await row.waitFor();
    assert.equal(await form.isHidden(), true);
    assert.match(await row.textContent(), /80\.00 USD/);
    const checkoutUrl = await row.getByRole('link', { name: 'Open' }).getAttribute('href');
    assert.equal(checkoutUrl, `${stack.url}/l/consult-hour`);

    // Copy the checkout URL; edit the price in place; deactivate and activate again.
    await row.getByRole('button', { name: 'Copy link' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), checkoutUrl);
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.locator('#links-list form');
    await edit.getByLabel('Price').fill('90');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#links-list > li', { hasText: '90.00 USD' }).waitFor();
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByText('Inactive').waitFor();
    assert.equal((await fetch(checkoutUrl, { redirect: 'manual' })).status, 410, 'an inactive link opens nothing');
    await row.getByRole('button', { name: 'Activate' }).click();
    await row.getByText('Active', { exact: true }).waitFor();
    await shot(page, 'dashboard-links');
    await page.setViewportSize(PHONE);
    await shot(page, 'dashboard-links-phone');
    await page.setViewportSize(DESKTOP);

    // A webhook endpoint pointing at the receiver; its secret is shown once, and copies.
    await tab('Webhooks').click();
    await page.getByText('No webhook endpoints').waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const wh = page.locator('#wh-form');
    await wh.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks`);
    await wh.getByLabel('All events').check();
    await wh.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#secret').waitFor();
    const secret = await page.locator('#secret-val').textContent();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const endpointRow = page.locator('#webhooks-list > li', { hasText: `${receiver.url}/hooks` });
    await endpointRow.waitFor();
    assert.match(await endpointRow.textContent(), /All events/);
    await shot(page, 'dashboard-webhooks-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.locator('#secret').isHidden(), true);
    assert.equal(await page.locator('#secret-val').textContent(), '', 'the secret is gone from the page');

    // The customer opens the link and pays on anvil; the cron scan sees it at once.
    const customer = await newPage(chromium.browser, { viewport: PHONE });
    await customer.goto(checkoutUrl);
    const sessionId = customer.url().split('/c/')[1];
    assert.match(sessionId, /^cs_[0-9A-Z]+$/);
    const status = await (await fetch(`${stack.url}/c/${sessionId}/status`)).json();
    assert.equal(status.amountDue, '90.000000');
    const receipt = await transfer(stack, status.depositAddress, '90');
    await stack.worker.scheduled();

    // Sessions: the session turns paid on its own (the view polls); its payment is listed.
    await tab('Sessions').click();
    const session = page.locator('#sessions-list details', { hasText: title });
    await session.locator('.badge', { hasText: 'Paid' }).waitFor({ timeout: 15_000 });
    await session.locator('summary').click();
    await session.getByText(receipt.transactionHash).waitFor();
    assert.match(await session.textContent(), /90\.000000 USDC/);
    assert.match(await session.textContent(), new RegExp(status.depositAddress));
    await shot(page, 'dashboard-sessions');
    const statusChoices = await page.locator('#s-status option').allTextContents();
    assert.deepEqual(statusChoices, ['All', ...loadCatalog().statuses.filter((s) => !s.refund).map((s) => s.label)]);
    await page.locator('#s-status').selectOption('expired');
    await page.getByText('No sessions with this status').waitFor();
    await page.locator('#s-status').selectOption('paid');
    await session.waitFor();
    await customer.locator('#checkout[data-status="paid"]').waitFor({ timeout: 15_000 });
    await customer.context().close();

    // Balances: the paid session's funds wait at its deposit address until make sweep
    // collects them; the view then shows them collected, with the sweep's transaction.
    await tab('Balances').click();
    const balances = section('balances');
    await balances.locator('.waiting', { hasText: /^90\.000000 USDC$/ }).waitFor();
    // Each row names its network.
    assert.equal(await balances.locator('.tok .net').first().textContent(), 'local');
    const swept = await sweepSessions({
      rpcUrl: stack.anvil.url, factory: stack.chain.forwarderFactory, sessions: await fulfilledSessions(stack.url, TEST_KEY),
      privateKey: ANVIL_DEFAULT_KEY, paylinksUrl: stack.url, apiKey: TEST_KEY,
      log: () => {}, warn: (line) => { throw new Error(line); },
    });
    assert.equal(swept.transactions.length, 1);
    await tab('Links').click();
    await tab('Balances').click();
    await balances.locator('.collected', { hasText: /^90\.000000 USDC$/ }).waitFor();
    await balances.locator('.waiting', { hasText: /^0\.000000 USDC$/ }).waitFor();
    await balances.locator('.sweeps li', { hasText: swept.transactions[0] }).waitFor();
    await shot(page, 'dashboard-balances');

    // Refunds: from the session's row, a refund of 10 USDC; its payment request (EIP-681 URI
    // and QR code) is what the treasury pays, and once it has, the session says so.
    await tab('Sessions').click();
    await session.locator('summary').waitFor();
    if (!(await session.evaluate((d) => d.open))) await session.locator('summary').click();
    await session.getByLabel(/^Amount/).fill('10');
    await session.getByRole('button', { name: 'Create refund' }).click();
    const request = session.locator('.refund-pay code');
    await request.waitFor();
    assert.match(await request.textContent(), /^ethereum:0x[0-9a-fA-F]{40}@31337\/transfer\?address=0x[0-9a-fA-F]{40}&uint256=10000000$/);
    await session.locator('.refund-pay img.qr').waitFor();
    await shot(page, 'dashboard-refund');
    await sendAndWait(stack.anvil.url, {
      from: stack.chain.treasury,
      to: stack.chain.token,
      data: calldata(SEL.transfer, stack.chain.customer, parseUnits('10', 6)),
    });
    await stack.worker.scheduled();
    await session.locator('.badge', { hasText: 'Partially refunded' }).waitFor({ timeout: 15_000 });

    // Events: checkout_session.paid, delivered to the receiver.
    await tab('Events').click();
    await page.locator('#e-type').selectOption('checkout_session.paid');
    const paidEvent = page.locator('#events-list details').first();
    await paidEvent.locator('summary', { hasText: 'checkout_session.paid' }).waitFor();
    await paidEvent.locator('summary').click();
    await paidEvent.locator('.badge', { hasText: 'Succeeded' }).waitFor({ timeout: 15_000 });
    assert.match(await paidEvent.textContent(), /HTTP 200/);
    assert.match(await paidEvent.textContent(), new RegExp(`${receiver.url}/hooks`));
    await shot(page, 'dashboard-events');

    // Every delivery the receiver got verifies with the secret from the UI; a tampered one fails.
    const paid = await until('the paid webhook', () =>
      receiver.received.find((r) => JSON.parse(r.body).type === 'checkout_session.paid'));
    const hook = new Webhook(secret);
    for (const r of receiver.received) hook.verify(r.body, r.headers);
    const payload = hook.verify(paid.body, paid.headers);
    assert.equal(payload.data.object.id, sessionId);
    assert.equal(payload.data.object.status, 'paid');
    assert.throws(() => hook.verify(paid.body.replace('"paid"', '"open"'), paid.headers));

    // Rotate the secret (confirmed in a dialog), then resend: the same webhook-id, signed anew.
    await tab('Webhooks').click();
    await endpointRow.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New signing secret').waitFor();
    const rotated = await page.locator('#secret-val').textContent();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    await page.getByRole('button', { name: 'Done' }).click();
    await tab('Events').click();
    const before = receiver.received.length;
    await paidEvent.getByRole('button', { name: 'Resend' }).click();
    const again = await until('the resent webhook', () => receiver.received.slice(before)[0]);
    assert.equal(again.headers['webhook-id'], paid.headers['webhook-id']);
    new Webhook(rotated).verify(again.body, again.headers);
    assert.throws(() => hook.verify(again.body, again.headers), 'the old secret no longer verifies');
    await until('two attempts in the view', async () => (await paidEvent.locator('tbody tr').count()) >= 2);

    // Delete a link through the confirmation dialog; sign out.
    await tab('Links').click();
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.count(), 1, 'cancel keeps the link');
    await row.getByRole('button', { name: 'Delete' }).click();
    await shot(page, 'dashboard-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete link' }).click();
    await page.getByText('No payment links yet').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await keyField.waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('paylinks.key')), null);
    assert.equal(await page.locator('#v-links').isHidden(), true);
    assert.deepEqual(page.problems, []);
  });
});
