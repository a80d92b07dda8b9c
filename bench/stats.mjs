// Summaries of repeated measurements: median with the 10th and 90th percentiles.

/** @param {number[]} samples */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => {
    if (!sorted.length) return NaN;
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  const summary = { median: at(0.5), p10: at(0.1), p90: at(0.9), min: sorted[0], max: sorted.at(-1), n: sorted.length };
  // The samples themselves, for pooling runs (bench/json_compare.mjs); not serialised.
  Object.defineProperty(summary, 'samples', { value: sorted, enumerable: false });
  return summary;
}

/** Runs `one(i)` warmup + runs times; `one` returns the measured value of that run. */
export function measure(warmup, runs, one) {
  for (let i = 0; i < warmup; i++) one(i);
  const samples = new Array(runs);
  for (let i = 0; i < runs; i++) samples[i] = one(warmup + i);
  return summarize(samples);
}

/**
 * Several kinds of run measured side by side: each kind's `warmup` runs first, then its
 * `runs` samples taken in `rounds` turns that rotate over the kinds, so that a spell of load
 * on a shared machine lands on every kind alike instead of on whichever was running.
 * `kinds` maps a name to `one(i)`; the result maps it to summarize() of its samples.
 */
export function measureInterleaved(kinds, { warmup, runs, rounds = 10 }) {
  const names = Object.keys(kinds);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let i = 0; i < warmup; i++) kinds[name](i);
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const taken = samples[name];
      const until = Math.round(((round + 1) * runs) / rounds);
      while (taken.length < until) taken.push(kinds[name](warmup + taken.length));
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples[name])]));
}

/** Median of `stats` with its p10–p90 spread, e.g. "12.3 (11.9–13.0)". */
export function spread(stats, digits = 1) {
  if (!stats || !Number.isFinite(stats.median)) return 'n/a';
  const f = (x) => x.toFixed(digits);
  return `${f(stats.median)} (${f(stats.p10)}–${f(stats.p90)})`;
}

export function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
