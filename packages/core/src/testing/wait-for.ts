import { SystemClock } from '../clock/clock.js';

/**
 * The one real-time wait in `@rds-agent/core/testing`. Unlike the agent's SystemClock this one keeps
 * its timers ref'd: a test awaiting it must keep the process alive until it fires.
 */
const realTime = new SystemClock({ keepProcessAlive: true });
const realSleep = (ms: number, signal?: AbortSignal): Promise<void> => realTime.sleep(ms, signal);

/** Thrown by {@link waitForCondition} when the condition did not hold in time. @public */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Real-time bounded wait for real-peer (e2e) tests: resolves as soon as `check()` is truthy, checked
 * now, whenever `subscribe`'s callback is called, and every `pollMs`; rejects with
 * {@link WaitTimeoutError} after `timeoutMs`. The one helper in `@rds-agent/core/testing` that uses
 * real timers, so a test never sleeps a fixed time. Unit tests use FakeClock.
 *
 * @public
 */
export async function waitForCondition(
  check: () => boolean,
  options: { timeoutMs?: number; pollMs?: number; description?: string; subscribe?: (wake: () => void) => () => void } = {},
): Promise<void> {
  const { timeoutMs = 5000, pollMs = 25, description = 'condition' } = options;
  if (check()) return;
  const done = new AbortController();
  const deadline = performance.now() + timeoutMs;
  let wake: () => void = () => undefined;
  const unsubscribe = options.subscribe?.(() => wake());
  try {
    while (performance.now() < deadline) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      await Promise.race([woken, realSleep(Math.min(pollMs, Math.max(0, deadline - performance.now())), done.signal)]);
      if (check()) return;
    }
    if (check()) return;
    throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${description}`);
  } finally {
    done.abort();
    unsubscribe?.();
  }
}

/**
 * Settles with `promise`, or rejects with {@link WaitTimeoutError} when it takes longer than `ms`
 * of real time. For contract and e2e tests that must prove an operation ends "promptly".
 *
 * @public
 */
export async function withinRealTime<T>(promise: Promise<T>, ms: number, description = 'operation'): Promise<T> {
  const done = new AbortController();
  const timeout = realSleep(ms, done.signal).then(
    () => {
      throw new WaitTimeoutError(`${description} did not settle within ${ms} ms`);
    },
    () => undefined as never,
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    done.abort();
  }
}

/** Lets `ms` of real time pass, for "and nothing else happened" checks after an event in real-peer tests. @public */
export function realTimeSettle(ms: number): Promise<void> {
  return realSleep(ms);
}
