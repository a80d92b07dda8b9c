// README.md against what it describes: the configuration table names every variable the
// core reads, the webhook table every event type the core has (core/catalog), the verification snippet
// verifies what the Standard Webhooks library signs, and the cron's KV lists per tick (the
// Costs section) are what the worker does on the simulated Workers KV.
//   node --test tests/worker/readme_facts.test.mjs   (after `make bundle`)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { loadCatalog } from '../support/catalog.mjs';
import { ROOT } from '../support/worker.mjs';
import { startWorkerOnWorkersKv } from '../support/workers_kv.mjs';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = (title) => {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
};

describe('README.md', () => {
  it('keeps the set-up to the two commands', () => {
    const setup = section('Set-up');
    const block = /```sh\n([\s\S]*?)```/.exec(setup)[1];
    assert.deepEqual(block.trim().split('\n').map((l) => l.split(/\s+#/)[0].trim()), ['make dev', 'make test']);
  });

  it('configuration table: every variable core/config/config.cpp reads', () => {
    const source = readFileSync(join(ROOT, 'core/config/config.cpp'), 'utf8');
    const names = new Set([...source.matchAll(/read_(?:var|int|address)\(env, "([A-Z_]+)"/g)].map((m) => m[1]));
    assert.ok(names.size >= 15, [...names].join(' '));
    const table = section('Configuration');
    for (const name of names) assert.match(table, new RegExp(`^\\| \`${name}\``, 'm'), `${name} is in the table`);
  });

  it('webhook table: every event type of the core (core/catalog), with what it records', () => {
    const webhooks = section('Webhooks');
    const { eventTypes } = loadCatalog();
    assert.ok(eventTypes.length >= 10, eventTypes.map((e) => e.type).join(' '));
    for (const { type, when } of eventTypes) assert.ok(webhooks.includes(`| \`${type}\` | ${when} |`), `${type} is documented`);
  });

  it('the verification snippet accepts what standardwebhooks signs, and nothing else', async () => {
    const code = /```js\n([\s\S]*?)```/.exec(section('Webhooks'))[1];
    const dir = mkdtempSync(join(tmpdir(), 'paylinks-readme-'));
    try {
      writeFileSync(join(dir, 'verify.mjs'), code);
      const { verifyWebhook } = await import(join(dir, 'verify.mjs'));
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const id = 'evt_01JDREADME';
      const body = JSON.stringify({ id, object: 'event', type: 'checkout_session.paid' });
      const now = new Date();
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, now, body),
      };
      assert.equal(verifyWebhook(secret, headers, body), true);
      assert.equal(verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` }, body), true);
      assert.equal(verifyWebhook(secret, headers, `${body} `), false, 'another body');
      assert.equal(verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_other' }, body), false, 'another id');
      assert.equal(verifyWebhook(`whsec_${randomBytes(24).toString('base64')}`, headers, body), false, 'another secret');
      const old = { ...headers, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000) - 3600) };
      assert.equal(verifyWebhook(secret, old, body), false, 'an hour old');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README "Costs": a cron tick on Workers KV', () => {
  let w;
  before(async () => {
    try {
      w = await startWorkerOnWorkersKv({ vars: { RPC_URL: 'http://127.0.0.1:9', RPC_TIMEOUT_MS: '200' }, staleMs: 50 });
      await w.scheduled(); // the first tick of an empty namespace writes the endpoint registry
    } catch (error) {
      // A failure here has been seen once, as a bare "false == true" from inside the runtime's
      // tooling; its stack says where.
      console.error('start-up failed:', error?.stack ?? error);
      throw error;
    }
  });
  after(async () => {
    await w?.dispose();
  });

  // One tick's lists, retried if it straddled a minute (the hourly registry check is decided
  // by the tick's minute).
  async function tickLists() {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const minute = Math.floor(Date.now() / 60_000);
      const { counts } = await w.measure(() => w.scheduled(), { settleMs: 200 });
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      return { counts, hourly: minute % 60 === 0 };
    }
    assert.fail('three ticks in a row straddled a minute');
  }

  it('lists cs/ and watch/, retry/ only once an endpoint exists, and we/ on the hour; writes nothing', async () => {
    await w.post('/api/v1/payment_links', { title: 'Counted', fiatAmount: '5.00' });
    const quiet = await tickLists();
    assert.equal(quiet.counts.list, quiet.hourly ? 3 : 2, JSON.stringify(quiet));
    assert.equal(quiet.counts.put + quiet.counts.delete, 0, JSON.stringify(quiet));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the registry was written by the first tick
    const endpoint = await w.post('/api/v1/webhook_endpoints', { url: 'https://merchant.example/hooks' });
    assert.equal(endpoint.status, 201, endpoint.text);
    const subscribed = await tickLists();
    assert.equal(subscribed.counts.list, subscribed.hourly ? 4 : 3, JSON.stringify(subscribed));
    assert.equal(subscribed.counts.put + subscribed.counts.delete, 0, JSON.stringify(subscribed));
  });
});
