import { createHash } from 'node:crypto';
import { parsePasswordHash, type PasswordHash } from './password-hash.js';

/**
 * bcrypt hash (cost 10) of a password nobody knows. An unknown username is checked against it so
 * that a wrong username costs as much time as a wrong password (no username probing by timing).
 */
const DUMMY_BCRYPT = '$2b$10$jmqckqyti5c5ZZSUd9zSTuSZ/MT9FyJzQIR3pygMaFBY4u79et7FG';

/** How many distinct successful `Authorization` headers are remembered. */
export const DEFAULT_AUTH_CACHE_SIZE = 64;

/**
 * Uncached verifications allowed at once. Beyond it a request is refused without hashing, so a
 * flood of bad credentials cannot turn into a flood of bcrypt runs; a scraper whose header is
 * already cached is unaffected.
 */
export const MAX_CONCURRENT_VERIFICATIONS = 4;

/**
 * HTTP Basic authentication against a map of username -> password hash.
 *
 * A bcrypt check costs ~50-100 ms of CPU, and Prometheus sends the same header on every scrape, so
 * successful checks are cached, keyed by the SHA-256 of the whole header (the header itself, which
 * holds the password, is never stored). The cache is bounded (oldest entry evicted first) and only
 * ever holds headers that were verified; failures are never cached, so a changed password is
 * re-checked. Cached lookups are by digest, which reveals nothing about the secret.
 */
export class BasicAuth {
  private readonly users: ReadonlyMap<string, PasswordHash>;
  private readonly dummy: PasswordHash;
  private readonly cache = new Set<string>();
  /** Full verifications run (cache misses); tests and self-metrics read it. */
  verifications = 0;
  /** Requests refused without a verification because too many were in flight. */
  shed = 0;
  private inFlight = 0;

  constructor(
    users: Readonly<Record<string, string>>,
    private readonly cacheSize = DEFAULT_AUTH_CACHE_SIZE,
  ) {
    this.users = new Map(Object.entries(users).map(([name, hash]) => [name, parsePasswordHash(hash)]));
    const anyBcrypt = [...this.users.values()].some((h) => h.kind === 'bcrypt');
    this.dummy = parsePasswordHash(anyBcrypt ? DUMMY_BCRYPT : `sha256:${'0'.repeat(64)}`);
  }

  /** True when no users are configured: every request is allowed. */
  get disabled(): boolean {
    return this.users.size === 0;
  }

  /** Checks an `Authorization` header value. Resolves true when it carries a known user's password. */
  async check(header: string | undefined): Promise<boolean> {
    if (this.disabled) return true;
    if (!header || header.length > 4096) return false;
    const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
    if (!match) return false;
    const digest = createHash('sha256').update(header).digest('base64');
    if (this.cache.has(digest)) {
      // Refresh recency: delete + add moves it to the end of the insertion order.
      this.cache.delete(digest);
      this.cache.add(digest);
      return true;
    }
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this.users.get(user);
    if (this.inFlight >= MAX_CONCURRENT_VERIFICATIONS) {
      this.shed++;
      return false;
    }
    this.verifications++;
    this.inFlight++;
    let ok: boolean;
    try {
      ok = await (hash ?? this.dummy).verify(password);
    } finally {
      this.inFlight--;
    }
    if (!ok || !hash) return false;
    this.cache.add(digest);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.values().next().value!);
    return true;
  }
}
