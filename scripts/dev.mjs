// `make dev`: two local chains (chain ids 31337 and 31338, the second as NETWORKS' "local-b"),
// each with test USDC and the forwarder contracts deployed the same way (so at the same
// addresses), mock price feeds for EUR, GBP and JPY, the worker in wrangler dev configured
// for them (RATE_FEEDS), demo links
// in USD and EUR, a cron tick every 10 s (wrangler dev does not run cron triggers by itself)
// and a feed heartbeat every 20 minutes, so the feeds never go stale while it runs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAnvil } from './chain/anvil.mjs';
import { encodeFunctionData, parseAbi } from 'viem';
import { FEEDS, deployContracts, writeDeployment } from './chain/deploy.mjs';
import { CHAIN_JSON, ROOT, rpc } from './chain/rpc.mjs';
import { localVars } from './local-config.mjs';

const PORT = Number(process.env.PORT || 8787);
const ANVIL_PORT = Number(process.env.ANVIL_PORT || 8545);
const BASE = `http://127.0.0.1:${PORT}`;

function apiKey() {
  const file = join(ROOT, '.dev.vars');
  if (existsSync(file)) {
    const match = /^API_KEY\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(file, 'utf8'));
    if (match) return { key: match[1].trim(), fromFile: true };
  }
  return { key: 'sk_test_local', fromFile: false };
}

async function waitForWorker(child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error('wrangler dev exited early (is the port taken?)');
    try {
      const response = await fetch(`${BASE}/healthz`);
      if (response.ok) return;
      const body = await response.text();
      if (response.status >= 500) throw new Error(`the worker is misconfigured: ${body}`);
    } catch (error) {
      if (String(error.message).includes('misconfigured')) throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the worker did not answer on ${BASE} within 60 s`);
}

/** The second local chain's network name (NETWORKS), and its port and chain id. */
const SECOND = { name: 'local-b', port: ANVIL_PORT + 1, chainId: 31338 };

const anvil = await startAnvil({ port: ANVIL_PORT, blockTime: 1 });
let anvilB = null;
let chain, chainB;
try {
  anvilB = await startAnvil({ port: SECOND.port, blockTime: 1, chainId: SECOND.chainId });
  [chain, chainB] = await Promise.all([deployContracts(anvil.url), deployContracts(anvilB.url)]);
} catch (error) {
  console.error(`make dev: ${error.message}`);
  await anvilB?.stop();
  await anvil.stop();
  process.exit(1);
}
// make pay NETWORK=local-b finds the second chain here.
writeDeployment(CHAIN_JSON, { ...chain, networks: { [SECOND.name]: chainB } });

const { key, fromFile } = apiKey();
const vars = { ...localVars(chain, { publicBaseUrl: BASE, networks: [{ name: SECOND.name, chain: chainB }] }) };
if (!fromFile) vars.API_KEY = key;
const args = ['dev', '--ip', '127.0.0.1', '--port', String(PORT), '--local', '--test-scheduled', '--log-level', 'warn'];
for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
const wrangler = spawn(join(ROOT, 'node_modules/.bin/wrangler'), args, {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  // The worker never reads request.cf: don't fetch it (offline that prints a stack trace).
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  clearInterval(cron);
  clearInterval(heartbeat);
  wrangler.kill('SIGTERM');
  await anvilB?.stop();
  await anvil.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
wrangler.on('exit', (code) => {
  if (!stopping) {
    console.error(`wrangler dev exited (${code})`);
    stop(1);
  }
});

const cron = setInterval(() => {
  fetch(`${BASE}/__scheduled?cron=${encodeURIComponent('* * * * *')}`).catch(() => {});
}, 10_000);

// Chainlink feeds publish at least once per heartbeat; the mock ones are given a new round
// with the same answer well within RATE_MAX_AGE_SECONDS (default one hour).
const SET_ANSWER = parseAbi(['function setAnswer(int256 answer)']);
const heartbeat = setInterval(() => {
  for (const { currency, answer } of FEEDS) {
    const data = encodeFunctionData({ abi: SET_ANSWER, functionName: 'setAnswer', args: [answer] });
    rpc(anvil.url, 'eth_sendTransaction', [{ from: chain.deployer, to: chain.feeds[currency], data }]).catch(() => {});
  }
}, 20 * 60_000);

async function demoLink(body) {
  const response = await fetch(`${BASE}/api/v1/payment_links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ successUrl: `${BASE}/healthz`, ...body }),
  });
  const link = await response.json();
  if (!response.ok) throw new Error(`could not create the demo link: ${JSON.stringify(link)}`);
  return link;
}

try {
  await waitForWorker(wrangler);
  const link = await demoLink({
    title: 'Demo: paylinks T-shirt',
    description: 'A soft cotton tee, paid in test USDC on your local chain.',
    fiatAmount: '25.00',
    fiatCurrency: 'USD',
  });
  const euroLink = await demoLink({
    title: 'Demo: paylinks mug (EUR)',
    description: 'Priced in euros, converted at the local EUR / USD price feed.',
    fiatAmount: '19.99',
    fiatCurrency: 'EUR',
  });
  console.log(`
paylinks is running.

  Demo payment link   ${link.checkoutUrl}
  Demo link in EUR    ${euroLink.checkoutUrl}
  Dashboard           ${BASE}/dashboard        (API key: ${key})
  API                 curl -H 'Authorization: Bearer ${key}' ${BASE}/api/v1/payment_links
  Local chain         ${anvil.url} (chain id 31337, a block every second)
  Second chain        ${anvilB.url} (chain id ${SECOND.chainId}, network ${SECOND.name}, the same contracts)
  Test USDC           ${chain.token}   (the same address on both chains)
  Test TDAI           ${chain.token18}   (18 decimals)
  Forwarder factory   ${chain.forwarderFactory}
  Price feeds         ${Object.entries(chain.feeds).map(([c, a]) => `${c} ${a}`).join(', ')}

Open the demo link, then pay the session from another terminal:
  make pay SESSION=cs_…            (the id is in the page's address, /c/cs_…)
  make pay SESSION=cs_… NETWORK=${SECOND.name}   (on the second chain)
and collect every paid session into the treasury:
  make sweep

Ctrl-C stops the worker and the chain.
`);
} catch (error) {
  console.error(`make dev: ${error.message}`);
  await stop(1);
}
