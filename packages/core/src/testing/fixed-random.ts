import { SequenceRandom } from './sequence-random.js';

/** A {@link SequenceRandom} that always returns `value` (in [0, 1)). `new FixedRandom(0.5)` makes proportional jitter neutral. @public */
export class FixedRandom extends SequenceRandom {
  constructor(value: number) {
    super([value]);
  }
}
