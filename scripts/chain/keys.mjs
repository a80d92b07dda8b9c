// Private keys for the chain scripts: read from the environment or a git-ignored file,
// checked, and never echoed (no error message below contains a key's text).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { ROOT } from './rpc.mjs';

// anvil's public test key for its default account #0 (0xf39F…2266). It is published
// with anvil, so it guards nothing: use it on local chains only.
export const ANVIL_DEFAULT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/** The chain id anvil uses unless told otherwise; the only one where anvil's key is a default. */
export const LOCAL_CHAIN_ID = 31337;

// secp256k1's group order: a key must be in [1, n - 1].
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Normalizes a 32-byte hex key ("0x…" or bare, surrounding blanks ignored); throws without quoting it. */
export function parsePrivateKey(text, source) {
  const hex = String(text).trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(`${source} is not a private key: expected 64 hex digits (32 bytes), optionally 0x-prefixed`);
  }
  const value = BigInt('0x' + hex);
  if (value === 0n || value >= CURVE_ORDER) throw new Error(`${source} is not a valid secp256k1 private key`);
  return '0x' + hex.toLowerCase();
}

/** The account of a parsed key (address only is ever shown). */
export function accountOf(privateKey) {
  return privateKeyToAccount(privateKey);
}

function warnIfReadableByOthers(file, warn) {
  try {
    if (statSync(file).mode & 0o077) warn(`warning: ${file} is readable by other users (chmod 600 it)`);
  } catch {
    // best effort: the read below reports a missing file
  }
}

/**
 * The key named by environment variable `envName`, else the contents of `file`
 * (relative to the repository), else `fallback` (e.g. anvil's key on a local chain),
 * else an error that says how to provide one. Returns {privateKey, source}.
 */
export function loadPrivateKey({ envName, file, fallback, warn = (line) => console.error(line), env = process.env }) {
  if (env[envName]) return { privateKey: parsePrivateKey(env[envName], envName), source: envName };
  const path = file && (isAbsolute(file) ? file : join(ROOT, file));
  if (path && existsSync(path)) {
    warnIfReadableByOthers(path, warn);
    return { privateKey: parsePrivateKey(readFileSync(path, 'utf8'), file), source: file };
  }
  if (fallback) return fallback;
  const where = file ? ` or write it to ${file} (git-ignored)` : '';
  throw new Error(`no private key: set ${envName}${where}`);
}
