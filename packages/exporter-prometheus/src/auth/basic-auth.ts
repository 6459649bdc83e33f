import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Clock } from '@rds-agent/core';
import { exceedsBcryptLimit, parsePasswordHash, sha256Matches, type PasswordHash } from './password-hash.js';
import { VerifyPool } from './verify-pool.js';

/** How many distinct successful `Authorization` headers are remembered. */
export const DEFAULT_AUTH_CACHE_SIZE = 64;

/** The shortest failure delay a scraper's own timeout can ask for (a bound on guesses per connection). */
export const MIN_FAILURE_DELAY_MS = 250;

/**
 * What a request's credentials earned:
 * - `allowed`: no auth configured, or a known user's password;
 * - `denied`: missing, malformed or wrong credentials, an unknown user (answer 401);
 * - `busy`: not checked, because `maxPending` checks were already under way (answer 429).
 */
export type AuthOutcome = 'allowed' | 'denied' | 'busy';

export interface BasicAuthOptions {
  /** Paces refused answers (the exporter's context clock). */
  readonly clock: Clock;
  /** A refused answer (`denied` with credentials, `busy`) resolves this long (ms) after the check began. @default 1000 */
  readonly failureDelayMs?: number;
  /** Threads running bcrypt checks. @default 1 */
  readonly verifyThreads?: number;
  /** Uncached checks running or queued at once; more resolve `busy`. @default 8 */
  readonly maxPendingVerifications?: number;
  /** Distinct successful headers remembered. @default 64 */
  readonly cacheSize?: number;
  /** Told when a verification thread fails. */
  readonly onError?: (err: unknown) => void;
}

/**
 * HTTP Basic authentication against a map of username -> password hash.
 *
 * - **Cached successes.** Prometheus sends the same header on every scrape, so a verified header is
 *   remembered, keyed by the SHA-256 of the whole header (the header itself, which holds the
 *   password, is never stored): at most `cacheSize`, least recently used evicted first. Failures
 *   are never cached, so a changed password is checked again.
 * - **Off the event loop, bounded.** bcrypt runs on worker threads ({@link VerifyPool}); at most
 *   `maxPendingVerifications` uncached checks run or wait at once, and a request beyond that is
 *   `busy` without hashing. A cached scraper is never slowed by a flood of wrong passwords.
 * - **Nothing learnt from timing.** Every uncached check costs the same bcrypt run (a sha256 or
 *   unknown user is also checked against the costliest configured bcrypt hash, and the result
 *   ignored), and every refusal that carried credentials resolves exactly `failureDelayMs` after the
 *   check began (later only when the check itself took longer). So the answer time and the load
 *   do not tell whether a user exists or how its password is hashed.
 * - **No truncation.** bcrypt reads only 72 bytes; a longer password for a bcrypt user is refused
 *   (after the same bcrypt run), so a wrong password sharing the first 72 bytes never passes.
 */
export class BasicAuth {
  private readonly users: ReadonlyMap<string, PasswordHash>;
  /** The costliest configured bcrypt hash: what sha256 and unknown users are also checked against. */
  private readonly decoy: string | undefined;
  private readonly cache = new Set<string>();
  private readonly pool: VerifyPool;
  private readonly clock: Clock;
  private readonly failureDelayMs: number;
  private readonly cacheSize: number;
  private readonly closing = new AbortController();
  /** Uncached verifications started; tests and self-metrics read it. */
  verifications = 0;
  /** Requests answered `busy` without a verification. */
  shed = 0;

  constructor(users: Readonly<Record<string, string>>, options: BasicAuthOptions) {
    this.users = new Map(Object.entries(users).map(([name, hash]) => [name, parsePasswordHash(hash)]));
    let decoy: { hash: string; cost: number } | undefined;
    for (const h of this.users.values()) if (h.kind === 'bcrypt' && (!decoy || h.cost > decoy.cost)) decoy = h;
    this.decoy = decoy?.hash;
    this.clock = options.clock;
    this.failureDelayMs = options.failureDelayMs ?? 1000;
    this.cacheSize = options.cacheSize ?? DEFAULT_AUTH_CACHE_SIZE;
    // Every refusal waiting out its delay listens on this signal; there are at most as many as open
    // connections (http.maxConnections), not a leak.
    setMaxListeners(0, this.closing.signal);
    this.pool = new VerifyPool({ threads: options.verifyThreads ?? 1, maxPending: options.maxPendingVerifications ?? 8, ...(options.onError ? { onError: options.onError } : {}) });
  }

  /** True when no users are configured: every request is allowed. */
  get disabled(): boolean {
    return this.users.size === 0;
  }

  /**
   * Checks an `Authorization` header value. `scrapeTimeoutMs` is the scraper's own deadline
   * (Prometheus sends `X-Prometheus-Scrape-Timeout-Seconds`): a refusal then comes within half of
   * it (never sooner than {@link MIN_FAILURE_DELAY_MS}), so a Prometheus with a short timeout sees
   * its 401 instead of a timeout. Every kind of user still takes the same time.
   */
  async check(header: string | undefined, scrapeTimeoutMs?: number): Promise<AuthOutcome> {
    if (this.disabled) return 'allowed';
    // No credentials at all: the usual first request of a browser or curl; say so at once.
    if (header === undefined || header === '') return 'denied';
    const startedAt = this.clock.now();
    const outcome = await this.verify(header);
    if (outcome === 'allowed') return outcome;
    const delay = scrapeTimeoutMs !== undefined && scrapeTimeoutMs > 0 ? Math.min(this.failureDelayMs, Math.max(MIN_FAILURE_DELAY_MS, scrapeTimeoutMs / 2)) : this.failureDelayMs;
    const wait = startedAt + delay - this.clock.now();
    // Shutting down ends the wait early; the connection is being closed anyway.
    if (wait > 0) await this.clock.sleep(wait, this.closing.signal).catch(() => undefined);
    return outcome;
  }

  /** Resolves once no verification is running or queued (tests wait on it instead of on time). */
  whenIdle(): Promise<void> {
    return this.pool.whenIdle();
  }

  /** Stops the verification threads and ends the refusals' waits. Idempotent. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.pool.close();
  }

  private async verify(header: string): Promise<AuthOutcome> {
    if (header.length > 4096) return 'denied';
    const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
    if (!match) return 'denied';
    const digest = createHash('sha256').update(header).digest('base64');
    if (this.cache.has(digest)) {
      // Refresh recency: delete + add moves it to the end of the insertion order.
      this.cache.delete(digest);
      this.cache.add(digest);
      return 'allowed';
    }
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'denied';
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this.users.get(user);

    let ok: boolean;
    if (hash?.kind === 'bcrypt') {
      const verdict = this.pool.verify(hash.hash, password);
      if (!verdict) return this.busy();
      this.verifications++;
      ok = (await verdict) && !exceedsBcryptLimit(password);
    } else {
      // Same cost as a bcrypt user's check, result ignored: unknown and sha256 users look alike.
      const decoy = this.decoy === undefined ? Promise.resolve(false) : this.pool.verify(this.decoy, password);
      if (!decoy) return this.busy();
      this.verifications++;
      ok = hash?.kind === 'sha256' && sha256Matches(password, hash.digest);
      await decoy;
    }
    if (!ok) return 'denied';
    this.cache.add(digest);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.values().next().value!);
    return 'allowed';
  }

  private busy(): AuthOutcome {
    this.shed++;
    return 'busy';
  }
}
