// A stand-in for edge/core.js, bundled into the "floor" worker of bench/throughput.mjs: the
// real worker.js and edge/ code, with every core call answered by what the real core
// answered for the same kind of request (recorded in Node by the bench). The worker does all
// of its own work — reading the request, the effects (KV, RPC), follow-ups, the Response —
// and no core work, so its throughput is the ceiling the core's cost is measured against.
import SCRIPTS from 'paylinks-bench:scripts';

export { stringVars } from '../edge/core.js';

const ROUTES = [
  ['GET', /^\/api\/v1\/payment_links\/[^/]+$/, 'get_link'],
  ['POST', /^\/api\/v1\/payment_links$/, 'create_link'],
  ['GET', /^\/l\/[^/]+$/, 'visit'],
  ['GET', /^\/c\/[^/]+\/status$/, 'status'],
];

function scriptName(message) {
  if (message.replay) return message.replay; // a recorded follow-up
  if (message.kind !== 'http') return null;
  const path = new URL(message.request.url).pathname;
  return ROUTES.find(([method, pattern]) => method === message.request.method && pattern.test(path))?.[2] ?? null;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function tag(length) {
  let out = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(length))) out += ALPHABET[byte & 31];
  return out;
}

// Writes go to fresh keys of the recorded length, as the core's would (new ids each time).
function fresh(effect, salt) {
  if (effect.op !== 'kv.put' && effect.op !== 'kv.delete') return effect;
  return { ...effect, key: effect.key.slice(0, -salt.length) + salt };
}

export class Core {
  #open = new Map();
  #next = 1;

  get requestHeaders() {
    return SCRIPTS.configure.requestHeaders;
  }

  start(message) {
    const name = scriptName(message);
    const script = SCRIPTS[name];
    if (!script) throw new Error(`replay core: nothing recorded for ${name ?? message.kind}`);
    return this.#answer(this.#next++, { script, at: 0, salt: tag(8) });
  }

  resume(message) {
    const state = this.#open.get(message.exchange);
    if (!state) throw new Error(`replay core: unknown exchange ${message.exchange}`);
    return this.#answer(message.exchange, state);
  }

  #answer(id, state) {
    const recorded = state.script[state.at++];
    if (recorded.effects) {
      this.#open.set(id, state);
      return { exchange: id, effects: recorded.effects.map((effect) => fresh(effect, state.salt)) };
    }
    this.#open.delete(id);
    return { ...recorded, exchange: id };
  }
}
