/**
 * Spreads `interval` uniformly over `[interval * (1 - factor), interval * (1 + factor)]`.
 *
 * Pure: the random number is a parameter, so tests pin the result exactly (the cenkalti/backoff
 * pattern). `factor` 0 returns `interval` unchanged whatever `random01` is: jitter off means off.
 *
 * | interval | factor | random01 | result |
 * |---------:|-------:|---------:|-------:|
 * |     1000 |    0.1 |      0   |    900 |
 * |     1000 |    0.1 |      0.5 |   1000 |
 * |     1000 |    0.1 |   0.9999 | 1099.98 |
 * |     1000 |    0   |  (any)   |   1000 |
 *
 * @param interval the un-jittered wait (ms), >= 0
 * @param factor randomization factor in [0, 1]
 * @param random01 a draw in [0, 1)
 *
 * @public
 */
export function applyJitter(interval: number, factor: number, random01: number): number {
  if (factor === 0) return interval;
  return interval * (1 + factor * (2 * random01 - 1));
}

/** A value uniformly in `[low, high)` from a draw in [0, 1). Pure, like {@link applyJitter}. */
export function randomBetween(low: number, high: number, random01: number): number {
  return low + (high - low) * random01;
}
