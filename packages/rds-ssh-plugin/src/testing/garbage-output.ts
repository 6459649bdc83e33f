/**
 * Adversarial answers for parser-safety tests: what a broken, hostile or confused device might send
 * instead of the output a reader expects. Deterministic (seeded), so a failing test replays exactly.
 */

/**
 * - `random`: random bytes (invalid UTF-8, NULs, lone CR and LF included);
 * - `spaces`: the real answer with a run of spaces inserted after its first `=` or `:` (the input
 *   that makes a backtracking regex such as `^ *key: +value` quadratic);
 * - `quote`: the real answer cut after an opening `"` that is never closed, padded with letters;
 * - `huge`: the real answer repeated (plausible-looking, just far too long).
 */
export type GarbageKind = 'random' | 'spaces' | 'quote' | 'huge';

export const GARBAGE_KINDS: readonly GarbageKind[] = ['random', 'spaces', 'quote', 'huge'];

/** 2 MiB: the transport's default `maxOutputBytes`, which a reader must take in linear time. */
export const TWO_MIB = 2 * 1024 * 1024;

/** The largest garbage the simulator makes (past the default cap, for tests of the cap itself). */
export const MAX_GARBAGE_BYTES = 16 * 1024 * 1024;

/** Options of {@link makeGarbage}. */
export interface GarbageOptions {
  /** Total bytes of the answer. @default 64 KiB for `random`, 2 MiB otherwise */
  readonly bytes?: number;
  /** Seed of the random bytes. @default 1 */
  readonly seed?: number;
}

/** The default size of a garbage answer of `kind`. */
export function defaultGarbageBytes(kind: GarbageKind): number {
  return kind === 'random' ? 64 * 1024 : TWO_MIB;
}

/** Checks a garbage size; the error names the value and the range. */
export function checkGarbageBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_GARBAGE_BYTES) {
    throw new Error(`garbage bytes: expected a whole number from 1 to ${MAX_GARBAGE_BYTES}: value was ${JSON.stringify(bytes)}`);
  }
  return bytes;
}

/** mulberry32: a tiny seeded PRNG, plenty for test noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exactly `bytes` bytes of `kind` garbage, built from `real` (the answer the device would have given). */
export function makeGarbage(kind: GarbageKind, real: string, options: GarbageOptions = {}): Buffer {
  const bytes = checkGarbageBytes(options.bytes ?? defaultGarbageBytes(kind));
  const base = Buffer.from(real.length > 0 ? real : 'x', 'utf8');
  switch (kind) {
    case 'random': {
      const next = prng(options.seed ?? 1);
      const out = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < bytes; i += 1) out[i] = Math.floor(next() * 256);
      return out;
    }
    case 'spaces': {
      const text = base.toString('latin1');
      const at = firstOf(text, ['=', ':']);
      const head = Buffer.from(text.slice(0, at + 1), 'latin1');
      const tail = Buffer.from(text.slice(at + 1), 'latin1');
      const run = Math.max(0, bytes - head.length - tail.length);
      return Buffer.concat([head, Buffer.alloc(run, 0x20), tail]).subarray(0, bytes);
    }
    case 'quote': {
      const text = base.toString('latin1');
      const q = text.indexOf('"');
      const head = Buffer.from(q >= 0 ? text.slice(0, q + 1) : `${text.slice(0, firstOf(text, ['=']) + 1)}"`, 'latin1');
      const pad = Math.max(0, bytes - head.length);
      return Buffer.concat([head, Buffer.alloc(pad, 0x61)]).subarray(0, bytes);
    }
    case 'huge': {
      const out = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < bytes; i += base.length) base.copy(out, i, 0, Math.min(base.length, bytes - i));
      return out;
    }
  }
}

/** Index of the first of `chars` in `text`, or the middle when none occurs. */
function firstOf(text: string, chars: readonly string[]): number {
  const found = chars.map((c) => text.indexOf(c)).filter((i) => i >= 0);
  return found.length > 0 ? Math.min(...found) : Math.floor(text.length / 2);
}
