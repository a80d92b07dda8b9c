// Webhooks through the real worker: a receiver on 127.0.0.1 verifies every delivery with an
// independent Standard Webhooks implementation (npm standardwebhooks), answers 500 once,
// gets the same message again on resend, and a tampered body fails verification.
// The cron's retry schedule (minutes to hours) is driven with a controlled clock in the
// core's own tests (tests/unit/webhooks), since workerd's clock cannot be moved.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startWorker } from '../support/worker.mjs';
import { LINKS, sleep } from './helpers.mjs';

function startReceiver() {
  const received = [];
  let answers = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(answers.shift() ?? 200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hooks`,
        received,
        answerNext: (...statuses) => (answers = statuses),
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

async function until(predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('webhooks', () => {
  let w;
  let receiver;
  before(async () => {
    receiver = await startReceiver();
    w = await startWorker();
  });
  after(async () => {
    await w?.dispose();
    await receiver?.close();
  });

  it('delivers signed events, records attempts, and resends the same message', async () => {
    const created = await w.post('/api/v1/webhook_endpoints', { url: receiver.url, enabledEvents: ['payment_link.created'] });
    assert.equal(created.status, 201, created.text);
    assert.match(created.json.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const verifier = new Webhook(created.json.secret);

    receiver.answerNext(500);
    const link = await w.post(LINKS, { title: 'Webhook tee', fiatAmount: '12.00' });
    assert.equal(link.status, 201);
    await until(() => receiver.received.length === 1, 'the first delivery');
    const first = receiver.received[0];
    const payload = verifier.verify(first.body, first.headers);
    assert.equal(payload.type, 'payment_link.created');
    assert.equal(payload.data.object.id, link.json.id);
    assert.equal(first.headers['webhook-id'], payload.id);

    // The 500 is recorded, and a retry is scheduled.
    let event;
    await until(async () => {
      event = (await w.get(`/api/v1/events/${payload.id}`)).json;
      return event.deliveries?.[0]?.attempts?.length === 1;
    }, 'the recorded attempt');
    assert.equal(event.deliveries[0].status, 'pending');
    assert.equal(event.deliveries[0].attempts[0].status, 500);
    assert.ok(event.deliveries[0].nextAttemptAt);

    const resent = await w.post(`/api/v1/events/${payload.id}/resend`);
    assert.equal(resent.status, 200, resent.text);
    assert.equal(receiver.received.length, 2);
    const second = receiver.received[1];
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.deepEqual(verifier.verify(second.body, second.headers), payload);
    assert.equal(resent.json.deliveries[0].status, 'succeeded');
    assert.equal(resent.json.deliveries[0].attempts.length, 2);

    // A tampered body, or another endpoint's secret, does not verify.
    assert.throws(() => verifier.verify(second.body.replace('12.00', '1.00'), second.headers));
    const other = new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    assert.throws(() => other.verify(second.body, second.headers));
  });

  it('sends only the events an endpoint subscribed to, and none to an inactive one', async () => {
    const before = receiver.received.length;
    const endpoint = await w.post('/api/v1/webhook_endpoints', { url: receiver.url, enabledEvents: ['checkout_session.paid'] });
    assert.equal(endpoint.status, 201);
    const off = await w.patch(`/api/v1/webhook_endpoints/${endpoint.json.id}`, { active: false });
    assert.equal(off.json.active, false);
    const link = await w.post(LINKS, { title: 'Quiet', fiatAmount: '1' });
    await w.patch(`${LINKS}/${link.json.id}`, { title: 'Quieter' });
    await sleep(300);
    // Only the first endpoint (payment_link.created) hears about the new link.
    const types = receiver.received.slice(before).map((r) => JSON.parse(r.body).type);
    assert.deepEqual(types, ['payment_link.created']);
  });

  it('manages endpoints: secret shown once, rotation, validation, deletion', async () => {
    const created = await w.post('/api/v1/webhook_endpoints', { url: 'https://merchant.example/hooks' });
    assert.deepEqual(created.json.enabledEvents, ['*']);
    const read = await w.get(`/api/v1/webhook_endpoints/${created.json.id}`);
    assert.equal(read.json.secret, undefined);
    const rotated = await w.post(`/api/v1/webhook_endpoints/${created.json.id}/rotate_secret`);
    assert.match(rotated.json.secret, /^whsec_/);
    assert.notEqual(rotated.json.secret, created.json.secret);
    for (const [body, param] of [
      [{ url: 'ftp://x.example' }, 'url'],
      [{ url: 'https://u:p@x.example' }, 'url'],
      [{ url: 'https://x.example', enabledEvents: ['nope'] }, 'enabledEvents'],
      [{ url: 'https://x.example', secret: 'whsec_x' }, 'secret'],
    ]) {
      const refused = await w.post('/api/v1/webhook_endpoints', body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.json.error.param, param);
    }
    const listed = await w.get('/api/v1/webhook_endpoints');
    assert.ok(listed.json.data.some((e) => e.id === created.json.id));
    assert.ok(listed.json.data.every((e) => e.secret === undefined));
    const deleted = await w.del(`/api/v1/webhook_endpoints/${created.json.id}`);
    assert.deepEqual(deleted.json, { id: created.json.id, object: 'webhook_endpoint', deleted: true });
    assert.equal((await w.get(`/api/v1/webhook_endpoints/${created.json.id}`)).status, 404);
  });

  it('lists events newest first with a type filter', async () => {
    const all = await w.get('/api/v1/events?limit=100');
    assert.equal(all.status, 200);
    const ids = all.json.data.map((e) => e.id);
    assert.deepEqual([...ids].sort().reverse(), ids);
    const updated = await w.get('/api/v1/events?type=payment_link.updated');
    assert.ok(updated.json.data.length >= 1);
    assert.ok(updated.json.data.every((e) => e.type === 'payment_link.updated'));
    assert.equal((await w.get('/api/v1/events?type=bogus')).json.error.code, 'parameter_invalid');
  });

  it('a session opened from a link carries the link\'s metadata in its webhooks, apart from the customer\'s', async () => {
    const endpoint = await w.post('/api/v1/webhook_endpoints', { url: receiver.url, enabledEvents: ['checkout_session.created'] });
    assert.equal(endpoint.status, 201, endpoint.text);
    const verifier = new Webhook(endpoint.json.secret);
    const link = await w.post(LINKS, { title: 'Tagged', fiatAmount: '3.00', metadata: { sku: 'TAG-1' } });
    assert.equal(link.status, 201, link.text);
    const before = receiver.received.length;
    const opened = await w.post('/api/v1/checkout_sessions', { linkId: link.json.id, metadata: { note: 'from the customer' } }, { key: null });
    assert.equal(opened.status, 201, opened.text);
    let delivery;
    await until(() => {
      delivery = receiver.received.slice(before).find((r) => JSON.parse(r.body).type === 'checkout_session.created');
      return Boolean(delivery);
    }, 'the checkout_session.created delivery');
    const payload = verifier.verify(delivery.body, delivery.headers);
    assert.equal(payload.data.object.id, opened.json.id);
    assert.deepEqual(payload.data.object.metadata, { sku: 'TAG-1' });
    assert.deepEqual(payload.data.object.customerMetadata, { note: 'from the customer' });
  });
});
