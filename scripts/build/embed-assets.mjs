#!/usr/bin/env node
// Embeds the hosted pages' stylesheets and scripts (assets/*.css, assets/*.js) in the core:
// each is minified with esbuild and written as a C++ raw string literal to
// <out>/<name>_<ext>.inc, which core/pages includes. The build runs it (CMakeLists.txt) when
// an asset changes.
//
//   node scripts/build/embed-assets.mjs <out dir>
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = join(ROOT, 'assets');
const out = process.argv[2];
if (!out) {
  console.error('usage: embed-assets.mjs <out dir>');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const DELIMITER = 'paylinks_asset';

for (const name of readdirSync(ASSETS).sort()) {
  const match = /^([a-z0-9_-]+)\.(css|js)$/.exec(name);
  if (!match) continue;
  const [, base, ext] = match;
  const source = readFileSync(join(ASSETS, name), 'utf8');
  const { code } = transformSync(source, { loader: ext, minify: true, target: ext === 'js' ? 'es2020' : undefined });
  const text = code.trimEnd();
  if (text.includes(`)${DELIMITER}"`)) throw new Error(`${name} contains the literal's delimiter`);
  const inc = `// Generated from assets/${name} by scripts/build/embed-assets.mjs: edit that file.\nR"${DELIMITER}(${text})${DELIMITER}"\n`;
  const target = join(out, `${base.replace(/-/g, '_')}_${ext}.inc`);
  writeFileSync(target, inc);
}
