// The core's catalog (core/catalog) as the native build prints it: `make native` writes
// build/native/catalog.json with build/native/paylinks_catalog.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './worker.mjs';

export const CATALOG_FILE = join(ROOT, 'build/native/catalog.json');

export function loadCatalog() {
  if (!existsSync(CATALOG_FILE)) throw new Error(`${CATALOG_FILE} is missing: run \`make native\` first`);
  return JSON.parse(readFileSync(CATALOG_FILE, 'utf8'));
}
