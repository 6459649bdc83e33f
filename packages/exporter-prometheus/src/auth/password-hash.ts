import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Modular-crypt bcrypt: `$2a$`, `$2b$` or `$2y$`, a two-digit cost 04-31, 22 salt + 31 hash chars. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
const SHA256 = /^sha256:[0-9a-fA-F]{64}$/;

/** bcrypt ignores every byte of a password past the 72nd: longer passwords are refused, never truncated. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The bcrypt cost `rds-agent hash-password` uses unless told otherwise (~75 ms per check here). */
export const DEFAULT_BCRYPT_COST = 10;

const EXPECTED = 'must be a bcrypt hash ($2a$/$2b$/$2y$, e.g. from `rds-agent hash-password`) or "sha256:<64 hex digits>"; plain passwords are not accepted';

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

/** True for a well-formed bcrypt hash. */
export function isBcryptHash(hash: unknown): hash is string {
  return typeof hash === 'string' && BCRYPT.test(hash);
}

/** True when bcrypt would silently ignore part of `password` (more than 72 UTF-8 bytes). */
export function exceedsBcryptLimit(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES;
}

/**
 * A bcrypt hash of `password`, usable in `basicAuth.users`. Rejects (RangeError) a password bcrypt
 * would truncate, so no hash is ever made that a different password also matches.
 */
export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  if (exceedsBcryptLimit(password)) {
    throw new RangeError(
      `the password is ${Buffer.byteLength(password, 'utf8')} bytes; bcrypt uses only the first ${BCRYPT_MAX_PASSWORD_BYTES}, so any password sharing them would be accepted too: use at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes (or a "sha256:" hash of a long random password)`,
    );
  }
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new RangeError(`bcrypt cost must be a whole number from 4 to 31: got ${cost}`);
  return bcrypt.hash(password, cost);
}

/**
 * A parsed password hash. bcrypt is checked on the verification threads (it costs tens of
 * milliseconds of CPU by design); sha256 is compared here, in constant time.
 */
export type PasswordHash =
  | { readonly kind: 'bcrypt'; readonly hash: string; readonly cost: number }
  | { readonly kind: 'sha256'; readonly digest: Buffer };

/** Parses a hash already accepted by {@link checkPasswordHash}. */
export function parsePasswordHash(hash: string): PasswordHash {
  if (SHA256.test(hash)) return { kind: 'sha256', digest: Buffer.from(hash.slice('sha256:'.length), 'hex') };
  return { kind: 'bcrypt', hash, cost: Number(hash.slice(4, 6)) };
}

/** Constant-time comparison of `password` with a sha256 hash. */
export function sha256Matches(password: string, digest: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(password, 'utf8').digest(), digest);
}
