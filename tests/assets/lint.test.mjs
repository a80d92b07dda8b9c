// The hosted pages' stylesheets and scripts (assets/) as files: formatted by Prettier and
// linted by ESLint with the project's pinned configuration, like any other source.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = join(ROOT, 'assets');
const files = readdirSync(ASSETS).filter((name) => /\.(css|js)$/.test(name)).sort();

describe('assets/', () => {
  it('holds the pages\' CSS and JS', () => {
    assert.ok(files.includes('checkout.css') && files.includes('checkout.js'), files.join(', '));
  });

  for (const name of files) {
    it(`${name} is formatted by Prettier`, async () => {
      const path = join(ASSETS, name);
      const options = { ...(await prettier.resolveConfig(path)), filepath: path };
      assert.equal(await prettier.check(readFileSync(path, 'utf8'), options), true, `run: npx prettier --write assets/${name}`);
    });
  }

  it('the scripts pass ESLint (eslint.config.mjs)', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['assets/**/*.js']);
    assert.ok(results.length >= 1, 'no script was linted');
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`));
    assert.deepEqual(problems, []);
  });

  it('ESLint refuses what the pages may not do', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintText("'use strict';\ndocument.body.innerHTML = location.hash;\n", { filePath: join(ASSETS, 'probe.js') });
    assert.ok(result.messages.some((m) => m.ruleId === 'no-restricted-properties'), JSON.stringify(result.messages));
  });
});
