import type { Random } from '../clock/random.js';

/**
 * A {@link Random} that returns the given values in turn, then repeats the last one forever, so
 * tests pin every jitter draw. Values MUST be in [0, 1).
 *
 * ```ts
 * const random = new SequenceRandom([0, 0.5, 0.999]);
 * random.next(); // 0, then 0.5, then 0.999, 0.999, ...
 * ```
 *
 * @public
 */
export class SequenceRandom implements Random {
  private index = 0;
  /** How many draws were made (a strategy with jitter 0 makes none). */
  draws = 0;

  constructor(private readonly values: readonly number[]) {
    if (values.length === 0) throw new RangeError('SequenceRandom needs at least one value');
    for (const v of values) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`SequenceRandom values must be in [0, 1): got ${v}`);
    }
  }

  next(): number {
    this.draws += 1;
    const value = this.values[Math.min(this.index, this.values.length - 1)]!;
    this.index += 1;
    return value;
  }
}
