// Shared set-up for the browser tests: a real anvil chain with the paylinks contracts, the
// bundled worker in workerd (Miniflare, real KV) serving HTTP on 127.0.0.1, headless
// Chromium through playwright-core, and the customer's side of a payment.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startAnvil, freePort } from '../../scripts/chain/anvil.mjs';
import { deployContracts } from '../../scripts/chain/deploy.mjs';
import { rpc, sendAndWait, calldata, SEL, parseUnits } from '../../scripts/chain/rpc.mjs';
import { localVars } from '../../scripts/local-config.mjs';
import { ROOT, TEST_KEY, startWorker } from '../support/worker.mjs';

export { TEST_KEY };
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** anvil (free port, automine) + contracts + the worker configured for them, over HTTP. */
export async function startStack({ confirmations = 1, vars = {} } = {}) {
  const anvil = await startAnvil({ port: await freePort() });
  let worker;
  try {
    const chain = await deployContracts(anvil.url);
    worker = await startWorker({ vars: { ...localVars(chain, { confirmations }), ...vars }, listen: true });
    return {
      anvil,
      chain,
      worker,
      url: worker.url,
      async stop() {
        await worker.dispose().catch(() => {});
        await anvil.stop();
      },
    };
  } catch (error) {
    await worker?.dispose().catch(() => {});
    await anvil.stop();
    throw error;
  }
}

/** Headless Chromium (playwright gives it a fresh temporary profile and removes it after). */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

/**
 * A new page in its own context (clipboard access granted for `origin` if given). Uncaught
 * script errors and CSP violations are collected in `page.problems` for the test to check.
 */
export async function newPage(browser, { viewport = DESKTOP, origin, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme });
  if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) page.problems.push(m.text());
  });
  return page;
}

export const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Sends `amount` (token units) of test USDC from the customer to `to`; the receipt. */
export function transfer(stack, to, amount) {
  return sendAndWait(stack.anvil.url, {
    from: stack.chain.customer,
    to: stack.chain.token,
    data: calldata(SEL.transfer, to, parseUnits(amount, 6)),
  });
}

export const mine = (stack, blocks = 1) => rpc(stack.anvil.url, 'anvil_mine', ['0x' + blocks.toString(16)]);
