// The Workers Rate Limiting bindings of wrangler.toml, as Miniflare's `ratelimits` option.
//
// wrangler.toml's [[ratelimits]] entries are read with a small line reader rather than a
// TOML library (none is a dependency; wrangler's own reader takes seconds to import): it
// knows exactly the shape the file uses, one `key = value` per line and
// `simple = { limit = N, period = N }`, and throws on anything else inside an entry, so
// the file cannot drift from what the tests run without a failure saying so.
// (tests/worker/rate_limits.test.mjs checks it against wrangler's reader.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WRANGLER_TOML = fileURLToPath(new URL('../../wrangler.toml', import.meta.url));

/** [{name, namespace_id, simple: {limit, period}}] in file order. */
export function readRateLimitEntries(path = WRANGLER_TOML) {
  const entries = [];
  let entry = null;
  for (const [index, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      entry = line === '[[ratelimits]]' ? {} : null;
      if (entry) entries.push(entry);
      continue;
    }
    if (!entry) continue;
    const fail = () => {
      throw new Error(`${path}:${index + 1}: unreadable [[ratelimits]] line: ${raw}`);
    };
    const pair = /^(\w+)\s*=\s*(.+)$/.exec(line) ?? fail();
    const [, key, value] = pair;
    if (key === 'name' || key === 'namespace_id') {
      entry[key] = (/^"([^"]*)"$/.exec(value) ?? fail())[1];
    } else if (key === 'simple') {
      const simple = /^\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}$/.exec(value) ?? fail();
      entry.simple = { limit: Number(simple[1]), period: Number(simple[2]) };
    } else {
      fail();
    }
  }
  for (const e of entries) if (!e.name || !e.namespace_id || !e.simple) throw new Error(`incomplete [[ratelimits]] entry in ${path}`);
  return entries;
}

/**
 * Miniflare's `ratelimits`: wrangler.toml's, with `overrides` by binding name — a number
 * sets that binding's limit, null leaves the binding out (an absent limiter).
 */
export function rateLimitsOption(overrides = {}) {
  const option = {};
  for (const { name, simple } of readRateLimitEntries()) option[name] = { simple: { ...simple } };
  for (const [name, limit] of Object.entries(overrides)) {
    if (!(name in option)) throw new Error(`wrangler.toml has no rate limit named ${name}`);
    if (limit === null) delete option[name];
    else option[name].simple.limit = limit;
  }
  return option;
}
