/**
 * A seeded uniform generator (mulberry32) implementing the core `Random` contract, so every run of
 * the storm is repeatable: the same seed gives the same draws in the same order.
 */
export class SeededRandom {
  #state;

  /** @param {number} seed any 32-bit integer */
  constructor(seed) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next() {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
