// The dashboard's link limits and metadata in headless Chromium, against the bundled worker
// (workerd through Miniflare) and a real anvil chain: a link that sells at most once is
// created through the form ("0 of 1 sold"), a customer pays it on anvil, the session's
// payment shows its network, the link's row turns "Sold out", and an edit lifts the limit.
// API errors about the new fields land next to them. Screenshots go to test-output/screenshots/.
//
//   node --test tests/browser/dashboard_links.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchBrowser, newPage, shot, transfer, TEST_KEY, DESKTOP, PHONE } from './helpers.mjs';

describe('dashboard: links that sell out, and their metadata (Chromium)', () => {
  let stack, chromium;
  const api = async (path) =>
    (await fetch(`${stack.url}/api/v1/${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json();

  before(async () => {
    [stack, chromium] = await Promise.all([startStack({ confirmations: 1 }), launchBrowser()]);
  });
  after(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  it('creates a link with maxPayments 1, sees it sold out once paid, and lifts the limit', async () => {
    const page = await newPage(chromium.browser, { viewport: DESKTOP, origin: stack.url });
    const tab = (name) => page.locator('#nav').getByRole('link', { name, exact: true });
    await page.goto(`${stack.url}/dashboard`);
    await page.getByLabel('Secret API key').fill(TEST_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No payment links yet').waitFor();

    // The form: a limit out of range gets the API's error next to "Sell at most"; a
    // metadata line without "=" is refused next to the metadata field before any request.
    const title = 'Workshop seat';
    await page.getByRole('button', { name: 'New link' }).first().click();
    const form = page.locator('#link-form');
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Price').fill('5');
    await form.getByLabel('Sell at most').fill('1001');
    await form.getByLabel('Metadata').fill('sku=ws-1\ntier = gold');
    await form.getByRole('button', { name: 'Create link' }).click();
    const maxError = form.locator('label:has([name=maxPayments]) .err');
    await maxError.waitFor();
    assert.match(await maxError.textContent(), /maxPayments must be an integer from 1 to 1000/);
    assert.equal(await form.getByLabel('Sell at most').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Sell at most').fill('1');
    await form.getByLabel('Metadata').fill('sku=ws-1\ngold');
    await form.getByRole('button', { name: 'Create link' }).click();
    const metadataError = form.locator('label:has([name=metadata]) .err');
    await metadataError.waitFor();
    assert.match(await metadataError.textContent(), /key=value/);
    assert.equal(await maxError.count(), 0, 'the earlier error is gone');
    await form.getByLabel('Metadata').fill('sku=ws-1\ntier = gold');
    await form.getByRole('button', { name: 'Create link' }).click();
    const row = page.locator('#links-list > li', { hasText: title });
    await row.getByText('0 of 1 sold').waitFor();
    assert.equal(await row.getByText('Sold out').count(), 0);
    const { data: [created] } = await api('payment_links');
    assert.equal(created.maxPayments, 1);
    assert.equal(created.completedSessions, 0);
    assert.deepEqual(created.metadata, { sku: 'ws-1', tier: 'gold' });
    await shot(page, 'dashboard-link-limited');

    // A customer pays it on anvil; the session carries the link's metadata, and its payment
    // says which network the money came in on (the built-in local chain's display name).
    const checkoutUrl = await row.getByRole('link', { name: 'Open' }).getAttribute('href');
    const customer = await newPage(chromium.browser, { viewport: PHONE });
    await customer.goto(checkoutUrl);
    const sessionId = customer.url().split('/c/')[1];
    const status = await (await fetch(`${stack.url}/c/${sessionId}/status`)).json();
    const receipt = await transfer(stack, status.depositAddress, '5');
    await stack.worker.scheduled();
    await customer.context().close();
    assert.deepEqual((await api(`checkout_sessions/${sessionId}`)).metadata, { sku: 'ws-1', tier: 'gold' });

    await tab('Sessions').click();
    const session = page.locator('#sessions-list details', { hasText: title });
    await session.locator('.badge', { hasText: 'Paid' }).waitFor({ timeout: 15_000 });
    await session.locator('summary').click();
    const payment = session.locator('.sub li', { hasText: receipt.transactionHash });
    await payment.waitFor();
    assert.equal(await payment.locator('.net').textContent(), 'Local chain (anvil)');
    assert.match(await payment.textContent(), /5\.000000 USDC/);
    await shot(page, 'dashboard-session-network');

    // Back on the links: sold out, with the count; the checkout link says so too (410).
    await tab('Links').click();
    await row.getByText('1 of 1 sold').waitFor();
    await row.locator('.badge', { hasText: 'Sold out' }).waitFor();
    assert.equal((await fetch(checkoutUrl, { redirect: 'manual' })).status, 410);
    await shot(page, 'dashboard-link-sold-out');

    // Edit: the form shows the limit and metadata; a metadata key over 40 characters gets the
    // API's error next to the field; clearing the limit (and leaving the metadata as it was)
    // lifts it, so the link sells again.
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.locator('#links-list form');
    assert.equal(await edit.getByLabel('Sell at most').inputValue(), '1');
    assert.equal(await edit.getByLabel('Metadata').inputValue(), 'sku=ws-1\ntier=gold');
    await edit.getByLabel('Metadata').fill(`${'k'.repeat(41)}=v`);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const editError = edit.locator('label:has([name=metadata]) .err');
    await editError.waitFor();
    assert.match(await editError.textContent(), /metadata keys must be 1 to 40 characters/);
    await edit.getByLabel('Metadata').fill('sku=ws-1\ntier=gold');
    await edit.getByLabel('Sell at most').fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await row.getByRole('button', { name: 'Edit' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('#links-list .sold'));
    assert.equal(await row.getByText('Sold out').count(), 0);
    const updated = await api(`payment_links/${created.id}`);
    assert.equal(updated.maxPayments, null);
    assert.equal(updated.completedSessions, null);
    assert.deepEqual(updated.metadata, { sku: 'ws-1', tier: 'gold' });
    assert.equal((await fetch(checkoutUrl, { redirect: 'manual' })).status, 303, 'the link opens sessions again');
    assert.deepEqual(page.problems, []);
  });
});
