// The effect loop: start an exchange, perform what the core asks, resume, until it answers.

import { performEffects } from './effects.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const ENTROPY_HEX_DIGITS = 64; // 32 bytes per exchange
const POOL_BYTES = 2048;

// Each exchange gets 32 fresh bytes of the runtime's CSPRNG. They are drawn 2 KiB at a time
// (each byte handed out once) because one getRandomValues call per request costs more than
// the rest of a cached read's glue.
let pool = '';
let poolUsed = 0;

function entropyHex() {
  if (poolUsed === pool.length) {
    let hex = '';
    for (const byte of crypto.getRandomValues(new Uint8Array(POOL_BYTES))) hex += HEX[byte];
    pool = hex;
    poolUsed = 0;
  }
  const out = pool.slice(poolUsed, poolUsed + ENTROPY_HEX_DIGITS);
  poolUsed += ENTROPY_HEX_DIGITS;
  return out;
}

/** Runs one exchange to its end and returns the core's final message (`message` is the
 * caller's own: it gains the time and the entropy). */
export async function runExchange(core, message, io) {
  message.now = Date.now();
  message.entropy = entropyHex();
  let answer = core.start(message);
  while (answer.effects) {
    const results = await performEffects(answer.effects, io);
    answer = core.resume({ exchange: answer.exchange, results });
  }
  if (answer.error) throw new Error(`core refused the exchange: ${answer.error}`);
  return answer;
}
