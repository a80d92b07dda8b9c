#!/usr/bin/env node
// Starts a local anvil chain (the npm-packaged binary) and waits until it answers.
//
//   node scripts/chain/anvil.mjs [--port N] [--host H] [--chain-id N] [--block-time S] [--deploy-out FILE]
//
// Port defaults to $ANVIL_PORT or 8545 (0 = any free port). Runs in the foreground
// until SIGINT/SIGTERM, which stop anvil. With --deploy-out, also deploys the
// contracts (deploy.mjs) and writes their addresses to FILE once the chain is up.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, rpc, isMain } from './rpc.mjs';

export { rpc };

export const ANVIL_BIN =
  process.env.ANVIL_BIN || join(ROOT, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');

/** A TCP port that was free a moment ago on `host` (there is an unavoidable small race). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns anvil and resolves once it listens and answers eth_chainId with `chainId`.
 * port 0 lets anvil pick a free port (read back from its "Listening on" line).
 * @returns {Promise<{url: string, port: number, process: import('node:child_process').ChildProcess, stop: () => Promise<void>}>}
 */
export async function startAnvil({
  port = 8545,
  blockTime,
  chainId = 31337,
  host = '127.0.0.1',
  timeoutMs = 15_000,
  args = [], // extra anvil flags
  log, // optional (line) => void for anvil's output
} = {}) {
  if (!existsSync(ANVIL_BIN)) throw new Error(`anvil binary not found at ${ANVIL_BIN} (run npm ci)`);
  const argv = ['--host', host, '--port', String(port), '--chain-id', String(chainId), ...args];
  if (blockTime != null) argv.push('--block-time', String(blockTime));
  const child = spawn(ANVIL_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });

  // Keep the last lines for error messages. Reading stdout continuously also matters:
  // a full pipe would block anvil once it logs enough.
  const tail = [];
  let onListening;
  const listening = new Promise((r) => (onListening = r));
  let buffered = '';
  const onData = (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log?.(line);
      const m = /Listening on (\S+):(\d+)/.exec(line);
      if (m) onListening(Number(m[2]));
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);

  // 'close' (not 'exit'): it comes after the output pipes drain, so an early exit's
  // error message is already in `tail` when we report it.
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise((resolve) => child.on('error', resolve));
  // Don't leave an orphan anvil behind if this process exits without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const fail = async (msg) => {
    await stop();
    const out = tail.filter((l) => l.trim()).slice(-8).join('\n  ');
    throw new Error(`${msg}${out ? `\n  anvil output:\n  ${out}` : ''}`);
  };

  let timer;
  const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  try {
    const first = await Promise.race([
      listening.then((p) => ({ port: p })),
      exited.then((e) => ({ exit: e })),
      spawnError.then((err) => ({ err })),
      timeout,
    ]);
    if (first === 'timeout') return await fail(`anvil did not start listening within ${timeoutMs} ms`);
    if (first.err) return await fail(`cannot run ${ANVIL_BIN}: ${first.err.message}`);
    if (first.exit) {
      const inUse = tail.some((l) => /address already in use/i.test(l));
      return await fail(
        inUse
          ? `port ${port} on ${host} is already in use (set ANVIL_PORT or stop whatever listens there)`
          : `anvil exited early (code ${first.exit.code}, signal ${first.exit.signal})`,
      );
    }
    const url = `http://${host}:${first.port}`;
    // "Listening" is printed once the socket is bound; confirm it really is our anvil.
    for (;;) {
      if (child.exitCode !== null) return await fail('anvil exited while starting');
      let id;
      try {
        id = Number(await rpc(url, 'eth_chainId', [], { timeoutMs: 1000 }));
      } catch (e) {
        if ((await Promise.race([timeout, new Promise((r) => setTimeout(r, 50))])) === 'timeout') {
          return await fail(`anvil at ${url} did not answer eth_chainId within ${timeoutMs} ms: ${e.message}`);
        }
        continue;
      }
      if (id !== chainId) return await fail(`${url} answered chain id ${id}, expected ${chainId}`);
      break;
    }
    return { url, port: first.port, process: child, stop };
  } finally {
    clearTimeout(timer);
  }
}

if (isMain(import.meta.url)) {
  const { values: o } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.ANVIL_PORT || '8545' },
      host: { type: 'string', default: '127.0.0.1' },
      'chain-id': { type: 'string', default: '31337' },
      'block-time': { type: 'string' },
      'deploy-out': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  try {
    const anvil = await startAnvil({
      port: Number(o.port),
      host: o.host,
      chainId: Number(o['chain-id']),
      blockTime: o['block-time'],
      log: o.quiet ? undefined : (line) => process.stdout.write(line + '\n'),
    });
    console.error(`anvil ready at ${anvil.url} (pid ${anvil.process.pid}, chain id ${o['chain-id']})`);
    for (const sig of ['SIGINT', 'SIGTERM']) {
      process.on(sig, async () => {
        await anvil.stop();
        process.exit(0);
      });
    }
    anvil.process.on('exit', (code) => {
      console.error(`anvil exited (code ${code})`);
      process.exit(code ?? 1);
    });
    if (o['deploy-out']) {
      const { deployContracts, writeDeployment } = await import('./deploy.mjs');
      const deployment = await deployContracts(anvil.url);
      writeDeployment(o['deploy-out'], deployment);
      console.error(`contracts deployed, addresses in ${o['deploy-out']}`);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
