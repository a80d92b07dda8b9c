// The effect loop: start an exchange, perform what the core asks, resume, until it answers.

import { performEffects } from './effects.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function randomHex(bytes) {
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += HEX[byte];
  return hex;
}

/** Runs one exchange to its end and returns the core's final message. */
export async function runExchange(core, message, io) {
  let answer = core.start({ ...message, now: Date.now(), entropy: randomHex(32) });
  while (answer.effects) {
    const results = await performEffects(answer.effects, io);
    answer = core.resume({ exchange: answer.exchange, results });
  }
  if (answer.error) throw new Error(`core refused the exchange: ${answer.error}`);
  return answer;
}
