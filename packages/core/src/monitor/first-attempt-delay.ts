/**
 * Share of the first-attempt window in which no first attempt is made: the draw is uniform in
 * `[window * FIRST_ATTEMPT_FLOOR, window]`.
 *
 * @internal
 */
export const FIRST_ATTEMPT_FLOOR = 0.125;

/**
 * The wait before the first attempt after a loss, in whole ms: uniform in `[window / 8, window]`.
 *
 * Why a window this wide and why a floor: a fleet that notices a shared outage in the same
 * millisecond follows the same schedule afterwards (first attempt, then the strategy's 1, 2, 4,
 * 8, 16 s ...), so the spread of its first attempts is the spread of every later wave, including
 * the one that meets the RDS when it comes back. The reference's 5 s poll spread a fleet over 5 s;
 * 12 s spreads it over 10.5 s. With no floor, the agents that drew about 0 make their sixth attempt
 * (31 s after the first, +-3 s of strategy jitter) just before a 30 s outage ends and then wait a
 * whole 16 s more; the floor keeps them out of that instant (and an attempt in the first moment of
 * a shared outage nearly always fails anyway). Measured by `bench/reconnect-storm.js` (10,000 agents,
 * a 30 s outage, 200 accepts per 100 ms, seed 42) with the default 12 s: peak 427 attempts per 100 ms
 * against the reference's 662, 122 against 216 after the return, all connected at 45.6 s against
 * 51.5 s. The price: a lone agent whose session drops waits 1.5 s to 12 s before reconnecting (the
 * reference noticed within its 5 s poll and reconnected at once); set the window lower where no fleet
 * shares the RDS.
 *
 * Pure: the random number is a parameter, so tests pin the result (as `applyJitter`). The caller
 * draws nothing when the window is 0.
 *
 * | window (ms) | random01 | delay (ms) |
 * |------------:|---------:|-----------:|
 * |       12000 |        0 |       1500 |
 * |       12000 |      0.5 |       6750 |
 * |       12000 |   0.9999 |      11999 |
 * |        1000 |     0.25 |        344 |
 * |           0 |    (any) |          0 |
 *
 * @param window `monitor.firstAttemptJitter` (ms), >= 0
 * @param random01 a draw in [0, 1)
 *
 * @internal
 */
export function pickFirstAttemptDelay(window: number, random01: number): number {
  if (!(window > 0)) return 0;
  return Math.round(window * (FIRST_ATTEMPT_FLOOR + (1 - FIRST_ATTEMPT_FLOOR) * random01));
}
