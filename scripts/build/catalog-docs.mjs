#!/usr/bin/env node
// Writes the documentation's lists of statuses, event types, currencies and networks from
// the core's catalog (core/catalog, printed by build/native/paylinks_catalog), so that README.md
// and docs/openapi.yaml never hold a copy that can drift. `make native` runs it before the
// wasm build embeds docs/openapi.yaml.
//
//   node scripts/build/catalog-docs.mjs <catalog.json>           rewrites what changed
//   node scripts/build/catalog-docs.mjs <catalog.json> --check   exits 1 if anything would
//
// README.md: a block `<!-- catalog:NAME -->` … `<!-- /catalog:NAME -->` is replaced whole.
// docs/openapi.yaml: the one line after a comment `# catalog:NAME` is replaced.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The generated text of each README block and each OpenAPI line, by name. */
export function generatedParts(catalog) {
  const table = (header, rows) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const code = (text) => `\`${text}\``;
  const currencies = catalog.currencies.map((c) => c.code);
  const caseInsensitive = (text) =>
    [...text].map((ch) => (/[A-Z]/.test(ch) ? `[${ch}${ch.toLowerCase()}]` : ch)).join('');
  return {
    readme: {
      'event-types': table(
        ['event type', 'when'],
        catalog.eventTypes.map((e) => [code(e.type), e.when]),
      ),
      statuses: table(
        ['status', 'fulfil?', 'meaning'],
        catalog.statuses.map((s) => [
          code(s.name),
          s.fulfilled ? 'yes' : s.refund ? 'no (refunds)' : 'no',
          s.meaning,
        ]),
      ),
      currencies: `Prices can be in ${catalog.currencies
        .map((c) => `${code(c.code)} (${c.exponent} decimal${c.exponent === 1 ? '' : 's'})`)
        .join(', ')}.`,
      networks: table(
        ['`NETWORK`', 'name', 'chain id', 'USDC', 'default confirmations', 'explorer'],
        catalog.networks.map((n) => [
          code(n.name),
          n.displayName,
          String(n.chainId),
          n.usdc ? code(n.usdc) : 'none: set `TOKEN_ADDRESS`',
          String(n.confirmations),
          n.explorerTxUrl ? code(n.explorerTxUrl) : 'none',
        ]),
      ),
    },
    openapi: {
      'session-statuses': `enum: [${catalog.statuses
        .filter((s) => !s.refund)
        .map((s) => s.name)
        .join(', ')}]`,
      'api-statuses': `enum: [${catalog.statuses.map((s) => s.name).join(', ')}]`,
      'event-types': `enum: [${catalog.eventTypes.map((e) => e.type).join(', ')}]`,
      currencies: `enum: [${currencies.join(', ')}]`,
      'currency-input': `pattern: "^(${currencies.map(caseInsensitive).join('|')})$"`,
    },
  };
}

function rewriteReadme(text, parts) {
  const seen = new Set();
  const out = text.replace(
    /(<!-- catalog:([a-z-]+) -->\n)[\s\S]*?(\n<!-- \/catalog:\2 -->)/g,
    (all, open, name, close) => {
      if (!(name in parts)) throw new Error(`README.md: unknown catalog block ${name}`);
      seen.add(name);
      return `${open}${parts[name]}${close}`;
    },
  );
  for (const name of Object.keys(parts))
    if (!seen.has(name)) throw new Error(`README.md has no catalog:${name} block`);
  return out;
}

function rewriteOpenapi(text, parts) {
  const lines = text.split('\n');
  const seen = new Set();
  for (let i = 0; i < lines.length - 1; i += 1) {
    const marker = /^(\s*)# catalog:([a-z-]+)\s*$/.exec(lines[i]);
    if (!marker) continue;
    const [, indent, name] = marker;
    if (!(name in parts)) throw new Error(`docs/openapi.yaml: unknown catalog line ${name}`);
    seen.add(name);
    lines[i + 1] = indent + parts[name];
  }
  for (const name of Object.keys(parts))
    if (!seen.has(name)) throw new Error(`docs/openapi.yaml has no # catalog:${name} line`);
  return lines.join('\n');
}

/** The files as they should be: [{path, now, want}]. */
export function catalogDocs(catalog, root = ROOT) {
  const parts = generatedParts(catalog);
  return [
    ['README.md', (t) => rewriteReadme(t, parts.readme)],
    ['docs/openapi.yaml', (t) => rewriteOpenapi(t, parts.openapi)],
  ].map(([path, rewrite]) => {
    const now = readFileSync(join(root, path), 'utf8');
    return { path, now, want: rewrite(now) };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, flag] = process.argv.slice(2);
  if (!file || (flag && flag !== '--check')) {
    console.error('usage: catalog-docs.mjs <catalog.json> [--check]');
    process.exit(2);
  }
  const catalog = JSON.parse(readFileSync(file, 'utf8'));
  let stale = 0;
  for (const { path, now, want } of catalogDocs(catalog)) {
    if (now === want) continue;
    stale += 1;
    if (flag === '--check') console.error(`${path} is not what core/catalog says: run \`make native\``);
    else {
      writeFileSync(join(ROOT, path), want);
      console.log(`catalog: wrote ${path}`);
    }
  }
  process.exit(flag === '--check' && stale ? 1 : 0);
}
