/**
 * The only source of randomness in rds-agent (jitter draws), injected so tests can pin it.
 *
 * @public
 */
export interface Random {
  /** A float in [0, 1). MUST be uniformly distributed for jitter to spread a fleet out. */
  next(): number;
}

/** `Math.random`, the one place outside tests where it is allowed. @internal @internal */
export class SystemRandom implements Random {
  next(): number {
    return Math.random();
  }
}
