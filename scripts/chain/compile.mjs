#!/usr/bin/env node
// Compiles contracts/*.sol with the npm solc (standard-JSON, optimizer on) into
// build/contracts/<Name>.json = {abi, bytecode, deployedBytecode} (hex, 0x-prefixed).
//
// The output must be byte-for-byte reproducible: the forwarder contracts are deployed
// with CREATE2, so their addresses (and every deposit address) follow from this
// bytecode. Hence an exact solc version (checked against package.json), fixed settings,
// and no metadata trailer (it hashes the sources, comments included).
//
//   node scripts/chain/compile.mjs [--force]
//
// Skips the compile when every contracts/<File>.sol has a build/contracts/<File>.json
// newer than all sources and than this script (settings live here).
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ROOT, isMain } from './rpc.mjs';

export const CONTRACTS_DIR = join(ROOT, 'contracts');
export const BUILD_DIR = join(ROOT, 'build', 'contracts');

// Cancun is what every supported network (Ethereum, Base) and anvil run; pinning it
// keeps the bytecode deployable even when solc's default moves to a newer fork.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  // No CBOR trailer: a comment edit must not move the deployed addresses.
  metadata: { appendCBOR: false, bytecodeHash: 'none' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

/** The exact solc version package.json pins (e.g. "0.8.37"). */
export function pinnedSolcVersion() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return pkg.devDependencies?.solc ?? pkg.dependencies?.solc;
}

// A caret range or a different install would silently change the bytecode.
function assertPinnedCompiler(version) {
  const pinned = pinnedSolcVersion();
  if (!/^\d+\.\d+\.\d+$/.test(pinned ?? '')) throw new Error(`package.json must pin solc exactly (found "${pinned}")`);
  if (!version.startsWith(`${pinned}+`)) throw new Error(`solc ${version} is installed but package.json pins ${pinned}: run npm ci`);
}

function upToDate(files, contractsDir, buildDir) {
  const newestInput = Math.max(
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    ...files.map((f) => statSync(join(contractsDir, f)).mtimeMs),
  );
  return files.every((f) => {
    const out = join(buildDir, basename(f, '.sol') + '.json');
    return existsSync(out) && statSync(out).mtimeMs > newestInput;
  });
}

/**
 * Compiles every contract unless outputs are fresh (the dirs are overridable for tests).
 * @returns {Promise<{compiled: boolean, contracts: string[]}>} names written (or present)
 * @throws Error whose message holds the compiler's formatted errors
 */
export async function compileContracts({ force = false, contractsDir = CONTRACTS_DIR, buildDir = BUILD_DIR } = {}) {
  const files = readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort();
  if (files.length === 0) throw new Error(`no .sol files in ${contractsDir}`);
  if (!force && upToDate(files, contractsDir, buildDir)) {
    return { compiled: false, contracts: files.map((f) => basename(f, '.sol')) };
  }
  // solc is a dev dependency and slow to load (~0.5 s), so load it only when needed.
  const solc = createRequire(import.meta.url)('solc');
  assertPinnedCompiler(solc.version());
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(contractsDir, f), 'utf8') }])),
    settings: SETTINGS,
  };
  // Imports are relative ("./IERC20.sol") and resolve to these same source keys;
  // anything else is an error (no external imports by design).
  const findImports = (path) => {
    const p = join(contractsDir, path);
    return existsSync(p) ? { contents: readFileSync(p, 'utf8') } : { error: `import not found: ${path}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const problems = output.errors ?? [];
  const errors = problems.filter((e) => e.severity === 'error');
  if (errors.length) {
    throw new Error('solc failed:\n' + errors.map((e) => e.formattedMessage ?? e.message).join('\n'));
  }
  for (const w of problems) process.stderr.write(w.formattedMessage ?? w.message);

  mkdirSync(buildDir, { recursive: true });
  const written = [];
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      const artifact = {
        contractName: name,
        sourceName: `contracts/${file}`,
        compiler: solc.version(),
        abi: c.abi,
        bytecode: '0x' + c.evm.bytecode.object,
        deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      };
      // Write-then-rename: test files run in parallel and may read while another compiles.
      const out = join(buildDir, `${name}.json`);
      writeFileSync(`${out}.${process.pid}.tmp`, JSON.stringify(artifact, null, 2) + '\n');
      renameSync(`${out}.${process.pid}.tmp`, out);
      written.push(name);
    }
  }
  return { compiled: true, contracts: written.sort() };
}

/** Reads build/contracts/<name>.json (compile first). */
export function loadArtifact(name) {
  const p = join(BUILD_DIR, `${name}.json`);
  if (!existsSync(p)) throw new Error(`${p} missing: run node scripts/chain/compile.mjs`);
  return JSON.parse(readFileSync(p, 'utf8'));
}

if (isMain(import.meta.url)) {
  try {
    const { compiled, contracts } = await compileContracts({ force: process.argv.includes('--force') });
    console.log(`${compiled ? 'compiled' : 'up to date'}: ${contracts.join(', ')} -> build/contracts/`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
