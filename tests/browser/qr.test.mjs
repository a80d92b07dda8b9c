// The checkout page's QR code, address and payment URI, checked by implementations that
// share no code with the core: the QR is rendered by Chromium and decoded by zbar, the
// address and URI are rebuilt with viem.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getAddress, parseUnits } from 'viem';
import { depositAddressFor } from '../../scripts/chain/create2.mjs';
import { DEFAULT_VARS, startWorker } from '../support/worker.mjs';
import { SHOTS, launchBrowser } from './helpers.mjs';

describe('QR code and payment URI', () => {
  let w;
  let chromium;
  before(async () => {
    [w, chromium] = await Promise.all([startWorker(), launchBrowser()]);
  });
  after(async () => {
    await chromium?.close();
    await w?.dispose();
  });

  for (const [fiatAmount, fiatCurrency, rate] of [
    ['150.00', 'USD', null],
    ['0.01', 'USD', null],
    ['99999999.99', 'USD', null],
    ['19.99', 'EUR', '1.0837'],
  ]) {
    it(`encodes exactly the EIP-681 URI for ${fiatAmount} ${fiatCurrency}`, async () => {
      const worker = rate ? await startWorker({ vars: { RATES: JSON.stringify({ [fiatCurrency]: rate }) } }) : w;
      try {
        const created = await worker.post('/api/v1/checkout_sessions', { fiatAmount, fiatCurrency });
        assert.equal(created.status, 201, created.text);
        const session = created.json;

        const deposit = depositAddressFor(DEFAULT_VARS.FORWARDER_FACTORY, DEFAULT_VARS.FORWARDER_IMPLEMENTATION, session.id);
        assert.equal(session.depositAddress, deposit);
        assert.equal(getAddress(session.depositAddress), session.depositAddress); // EIP-55
        // amountDue = ceil(price × rate) in base units, by exact decimal arithmetic here too.
        const priceMinor = parseUnits(fiatAmount, 2);
        const [whole, frac = ''] = (rate ?? '1').split('.');
        const rateNum = BigInt(whole + frac);
        const rateDen = 10n ** BigInt(frac.length);
        const num = priceMinor * rateNum * 10n ** 6n;
        const den = rateDen * 100n;
        const due = (num + den - 1n) / den;
        assert.equal(parseUnits(session.amountDue, 6), due);
        const expectedUri = `ethereum:${getAddress(DEFAULT_VARS.TOKEN_ADDRESS)}@31337/transfer?address=${deposit}&uint256=${due}`;
        assert.equal(session.paymentUri, expectedUri);

        const page = await worker.get(`/c/${session.id}`, { key: null });
        assert.equal(page.status, 200);
        const svg = /<svg[\s\S]*?<\/svg>/.exec(page.text)?.[0];
        assert.ok(svg, 'the page carries an inline SVG QR code');
        const tab = await chromium.browser.newPage({ viewport: { width: 480, height: 480 } });
        try {
          await tab.setContent(
            `<body style="margin:0;background:#fff"><div style="width:440px;padding:20px">${svg.replace('<svg', '<svg width="440" height="440"')}</div></body>`,
          );
          const file = join(SHOTS, `qr-${session.id}.png`);
          await tab.screenshot({ path: file });
          const decoded = execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
          assert.equal(decoded, expectedUri);
        } finally {
          await tab.close();
        }
      } finally {
        if (worker !== w) await worker.dispose();
      }
    });
  }
});
