import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Modular-crypt bcrypt: `$2a$`, `$2b$` or `$2y$`, a two-digit cost 04-31, 22 salt + 31 hash chars. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
const SHA256 = /^sha256:[0-9a-fA-F]{64}$/;

const EXPECTED = 'must be a bcrypt hash ($2a$/$2b$/$2y$, e.g. from `htpasswd -nbBC 10 user pass`) or "sha256:<64 hex digits>"; plain passwords are not accepted';

/**
 * Why `hash` is not an accepted password hash, or undefined when it is. The message never repeats
 * the value: a rejected value is often a plain password.
 */
export function checkPasswordHash(hash: unknown): string | undefined {
  if (typeof hash !== 'string') return EXPECTED;
  if (BCRYPT.test(hash) || SHA256.test(hash)) return undefined;
  if (hash.startsWith('$2')) return `is a malformed bcrypt hash; ${EXPECTED}`;
  if (hash.toLowerCase().startsWith('sha256:')) return `is a malformed sha256 hash (expected 64 hex digits); ${EXPECTED}`;
  return EXPECTED;
}

/** A verified password hash: checks a candidate password in constant time (bcrypt is slow by design). */
export interface PasswordHash {
  readonly kind: 'bcrypt' | 'sha256';
  verify(password: string): Promise<boolean>;
}

/** Parses a hash already accepted by {@link checkPasswordHash}. */
export function parsePasswordHash(hash: string): PasswordHash {
  if (SHA256.test(hash)) {
    const expected = Buffer.from(hash.slice('sha256:'.length), 'hex');
    return {
      kind: 'sha256',
      verify: (password) => {
        const actual = createHash('sha256').update(password, 'utf8').digest();
        return Promise.resolve(timingSafeEqual(actual, expected));
      },
    };
  }
  return { kind: 'bcrypt', verify: (password) => bcrypt.compare(password, hash) };
}
