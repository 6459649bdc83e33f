import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STOP, type BackoffStrategy } from './backoff.js';
import { BUILTIN_BACKOFFS, DEFAULT_BACKOFF_STRATEGY } from './builtin.js';
import { ConstantBackoff, constantBackoff } from './constant.js';
import { DecorrelatedJitterBackoff, decorrelatedJitterBackoff } from './decorrelated-jitter.js';
import { DEFAULT_EXPONENTIAL_PARAMS, ExponentialBackoff, exponentialBackoff } from './exponential.js';
import { FullJitterBackoff, fullJitterBackoff } from './full-jitter.js';
import { applyJitter, randomBetween } from './jitter.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FixedRandom } from '../testing/fixed-random.js';
import { SequenceRandom } from '../testing/sequence-random.js';
import { backoffContract } from '../testing/backoff-contract.js';

function take(strategy: BackoffStrategy, n: number): number[] {
  return Array.from({ length: n }, () => strategy.next());
}

describe('applyJitter (pure)', () => {
  it('spreads uniformly over [i*(1-r), i*(1+r)]', () => {
    assert.equal(applyJitter(1000, 0.1, 0), 900);
    assert.equal(applyJitter(1000, 0.1, 0.5), 1000);
    assert.ok(Math.abs(applyJitter(1000, 0.1, 0.9999) - 1099.98) < 1e-9);
    assert.ok(applyJitter(1000, 0.1, 0.9999999) < 1100);
  });

  it('randomization factor 0 means none, whatever the draw', () => {
    for (const draw of [0, 0.3, 0.999]) assert.equal(applyJitter(1234, 0, draw), 1234);
  });

  it('randomBetween maps [0, 1) onto [low, high)', () => {
    assert.equal(randomBetween(1000, 3000, 0), 1000);
    assert.equal(randomBetween(1000, 3000, 0.5), 2000);
  });
});

describe('exponential', () => {
  const clock = new FakeClock();

  it('defaults are the reference driver: 1 s, x2, 16 s, jitter 0.1, never give up', () => {
    assert.deepEqual(DEFAULT_EXPONENTIAL_PARAMS, {
      initialInterval: 1000,
      multiplier: 2,
      maxInterval: 16_000,
      randomizationFactor: 0.1,
      maxElapsedTime: 0,
    });
    const schema = exponentialBackoff.schema as Record<string, { default: unknown; doc: string; format: unknown }>;
    for (const [key, value] of Object.entries(DEFAULT_EXPONENTIAL_PARAMS)) {
      assert.equal(schema[key]!.default, value, `schema default of ${key}`);
      assert.ok(schema[key]!.doc.length > 0);
    }
  });

  it('jitter 0: 1000, 2000, 4000, 8000, 16000, 16000, ... and draws nothing', () => {
    const random = new SequenceRandom([0.1]);
    const b = new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random });
    assert.deepEqual(take(b, 8), [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000, 16_000]);
    assert.equal(random.draws, 0);
    assert.equal(b.maxDelayMs, 16_000);
  });

  it('pinned draws: 0 -> 0.9x, 0.5 -> 1x, 0.999.. -> ~1.1x', () => {
    const b = new ExponentialBackoff({}, { clock, random: new SequenceRandom([0, 0.5, 0.99999, 0, 0.5]) });
    assert.deepEqual(take(b, 5), [900, 2000, 4400, 7200, 16_000]);
    assert.equal(b.maxDelayMs, 17_600);
  });

  it('every default wait lies in its documented range', () => {
    const draws = Array.from({ length: 50 }, (_, i) => i / 50);
    const b = new ExponentialBackoff({}, { clock, random: new SequenceRandom(draws) });
    const intervals = [1000, 2000, 4000, 8000, 16_000];
    for (let i = 0; i < 50; i++) {
      const interval = intervals[Math.min(i, 4)]!;
      const wait = b.next();
      assert.ok(wait >= interval * 0.9 && wait <= interval * 1.1, `wait ${wait} for interval ${interval}`);
    }
  });

  it('reset() starts over', () => {
    const b = new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random: new FixedRandom(0.5) });
    take(b, 4);
    b.reset();
    assert.deepEqual(take(b, 2), [1000, 2000]);
  });

  it('honours custom parameters (initial 500, x3, max 10 s)', () => {
    const b = exponentialBackoff.create(
      { initialInterval: 500, multiplier: 3, maxInterval: 10_000, randomizationFactor: 0, maxElapsedTime: 0 },
      { clock, random: new FixedRandom(0.5) },
    );
    assert.deepEqual(take(b, 5), [500, 1500, 4500, 10_000, 10_000]);
  });

  it('never overflows in a very long outage', () => {
    const b = new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random: new FixedRandom(0.5) });
    const waits = take(b, 5000);
    assert.equal(waits.at(-1), 16_000);
  });

  it('STOPs once more than maxElapsedTime has passed since the first next() after a reset', async () => {
    const c = new FakeClock(1_000_000);
    const b = new ExponentialBackoff({ randomizationFactor: 0, maxElapsedTime: 5000 }, { clock: c, random: new FixedRandom(0.5) });
    await c.tickAsync(60_000); // time before the first next() does not count
    assert.equal(b.next(), 1000);
    await c.tickAsync(5000);
    assert.equal(b.next(), 2000, 'exactly at the budget: not exceeded');
    await c.tickAsync(1);
    assert.equal(b.next(), STOP);
    assert.equal(b.next(), STOP);
    b.reset();
    assert.equal(b.next(), 1000, 'reset gives a new budget');
  });

  it('validate() quotes keys and values', () => {
    assert.deepEqual(exponentialBackoff.validate!(DEFAULT_EXPONENTIAL_PARAMS), []);
    const issues = exponentialBackoff.validate!({ ...DEFAULT_EXPONENTIAL_PARAMS, multiplier: 0.5, initialInterval: 20_000, randomizationFactor: 2 });
    assert.deepEqual(
      issues.map((i) => i.key),
      ['multiplier', 'maxInterval', 'randomizationFactor'],
    );
    assert.match(issues[0]!.message, /0\.5/);
    assert.match(issues[1]!.message, /initialInterval/);
  });
});

describe('decorrelated-jitter', () => {
  const clock = new FakeClock();

  it('draw 0.5: 2000, 3500, 5750, 9125, 14188, 16000, 16000', () => {
    const b = new DecorrelatedJitterBackoff({}, { clock, random: new FixedRandom(0.5) });
    assert.deepEqual(take(b, 7), [2000, 3500, 5750, 9125, 14_188, 16_000, 16_000]);
    assert.equal(b.maxDelayMs, 16_000);
  });

  it('draw 0 stays at base; a high draw triples up to the cap', () => {
    assert.deepEqual(take(new DecorrelatedJitterBackoff({}, { clock, random: new FixedRandom(0) }), 3), [1000, 1000, 1000]);
    const high = take(new DecorrelatedJitterBackoff({}, { clock, random: new FixedRandom(0.999999) }), 4);
    assert.deepEqual(high, [3000, 9000, 16_000, 16_000]);
  });

  it('stays within [base, cap] and reset() reseeds with base', () => {
    const draws = Array.from({ length: 40 }, (_, i) => (i * 37) % 100 / 100);
    const b = decorrelatedJitterBackoff.create({ baseInterval: 500, maxInterval: 8000, maxElapsedTime: 0 }, { clock, random: new SequenceRandom(draws) });
    for (const w of take(b, 40)) assert.ok(w >= 500 && w <= 8000, `wait ${w}`);
    b.reset();
    const after = new DecorrelatedJitterBackoff({ baseInterval: 500, maxInterval: 8000 }, { clock, random: new FixedRandom(0.5) });
    after.reset();
    assert.equal(after.next(), 1000);
  });

  it('validate() rejects a cap below the base', () => {
    assert.deepEqual(
      decorrelatedJitterBackoff.validate!({ baseInterval: 2000, maxInterval: 1000, maxElapsedTime: 0 }).map((i) => i.key),
      ['maxInterval'],
    );
  });
});

describe('full-jitter', () => {
  const clock = new FakeClock();

  it('draw 0.5: half the ceiling 1000, 2000, 4000, 8000, 16000, 16000', () => {
    const b = new FullJitterBackoff({}, { clock, random: new FixedRandom(0.5) });
    assert.deepEqual(take(b, 6), [500, 1000, 2000, 4000, 8000, 8000]);
    assert.equal(b.maxDelayMs, 16_000);
  });

  it('draw 0 retries at once; draws stay in [0, ceiling]', () => {
    assert.deepEqual(take(new FullJitterBackoff({}, { clock, random: new FixedRandom(0) }), 3), [0, 0, 0]);
    const b = fullJitterBackoff.create(
      { initialInterval: 100, multiplier: 2, maxInterval: 1000, maxElapsedTime: 0 },
      { clock, random: new FixedRandom(0.999999) },
    );
    assert.deepEqual(take(b, 6), [100, 200, 400, 800, 1000, 1000]);
  });

  it('STOPs after maxElapsedTime', async () => {
    const c = new FakeClock();
    const b = new FullJitterBackoff({ maxElapsedTime: 1000 }, { clock: c, random: new FixedRandom(0.5) });
    assert.equal(b.next(), 500);
    await c.tickAsync(1001);
    assert.equal(b.next(), STOP);
  });
});

describe('constant', () => {
  const clock = new FakeClock();

  it('5000 every time by default, with no draw', () => {
    const random = new SequenceRandom([0]);
    const b = new ConstantBackoff({}, { clock, random });
    assert.deepEqual(take(b, 4), [5000, 5000, 5000, 5000]);
    assert.equal(random.draws, 0);
    assert.equal(b.maxDelayMs, 5000);
  });

  it('jitter 0.2 with pinned draws: 0 -> 4000, 0.5 -> 5000; maxDelayMs 6000', () => {
    const b = constantBackoff.create({ interval: 5000, randomizationFactor: 0.2, maxElapsedTime: 0 }, { clock, random: new SequenceRandom([0, 0.5]) });
    assert.deepEqual(take(b, 3), [4000, 5000, 5000]);
    assert.equal(b.maxDelayMs, 6000);
  });

  it('validate() rejects a ratio above 1', () => {
    assert.deepEqual(constantBackoff.validate!({ interval: 5000, randomizationFactor: 1.5, maxElapsedTime: 0 }).map((i) => i.key), ['randomizationFactor']);
  });
});

describe('BUILTIN_BACKOFFS', () => {
  const clock = new FakeClock();

  it('registers the four strategies by name, exponential by default', () => {
    assert.deepEqual(Object.keys(BUILTIN_BACKOFFS).sort(), ['constant', 'decorrelated-jitter', 'exponential', 'full-jitter']);
    assert.equal(DEFAULT_BACKOFF_STRATEGY, 'exponential');
    assert.ok(Object.isFrozen(BUILTIN_BACKOFFS));
  });

  it('every schema key has a doc and a default, and defaults validate clean', () => {
    for (const [name, def] of Object.entries(BUILTIN_BACKOFFS)) {
      const schema = def.schema as Record<string, { doc?: string; default?: unknown; format?: unknown }>;
      const defaults: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(schema)) {
        assert.ok(entry.doc && entry.doc.length > 0, `${name}.${key} has a doc`);
        assert.ok('default' in entry, `${name}.${key} has a default`);
        assert.ok(entry.format !== undefined, `${name}.${key} has a format`);
        assert.notEqual(key, 'strategy', 'strategy is the loader key');
        defaults[key] = entry.default;
      }
      assert.deepEqual(def.validate?.(defaults) ?? [], [], `${name} defaults validate`);
      const strategy = def.create(defaults, { clock, random: new FixedRandom(0.5) });
      const first = strategy.next();
      assert.ok(first >= 0 && first <= strategy.maxDelayMs, `${name} first wait ${first} within maxDelayMs`);
    }
  });
});

// The contract every strategy (ours and third parties') must pass, for each built-in one.
for (const [name, definition] of Object.entries(BUILTIN_BACKOFFS)) backoffContract(name, definition);
