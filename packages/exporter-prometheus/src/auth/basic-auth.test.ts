import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { after } from 'node:test';
import { FakeClock, SystemClock } from '@rds-agent/core/testing';
import { BasicAuth, type BasicAuthOptions } from './basic-auth.js';
import { checkPasswordHash, hashPassword } from './password-hash.js';

const BCRYPT_S3CRET = '$2y$04$vNUGgjKZG419My/fhwGndOSw0VTfafOwWkI9Zbodh735Sfj/nMSee';
const SHA_S3CRET = 'sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const opened: BasicAuth[] = [];
after(() => Promise.all(opened.map((a) => a.close())));
/** A BasicAuth without the failure delay (tests of what is decided, not when). */
function auth(users: Record<string, string>, options: Partial<BasicAuthOptions> = {}): BasicAuth {
  const a = new BasicAuth(users, { clock: new SystemClock(), failureDelayMs: 0, ...options });
  opened.push(a);
  return a;
}

describe('BasicAuth', () => {
  it('allows everything when no users are configured', async () => {
    const a = auth({});
    assert.equal(a.disabled, true);
    assert.equal(await a.check(undefined), 'allowed');
  });

  it('accepts the right bcrypt ($2y$) and sha256 passwords, rejects wrong or missing ones', async () => {
    const a = auth({ prom: BCRYPT_S3CRET, grafana: SHA_S3CRET });
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed');
    assert.equal(await a.check(basic('grafana', 's3cret')), 'allowed');
    assert.equal(await a.check(basic('prom', 'wrong')), 'denied');
    assert.equal(await a.check(basic('grafana', 's3cret ')), 'denied');
    assert.equal(await a.check(basic('nobody', 's3cret')), 'denied');
    assert.equal(await a.check(undefined), 'denied');
    assert.equal(await a.check(''), 'denied');
    assert.equal(await a.check('Bearer abc'), 'denied');
    assert.equal(await a.check('Basic !!!'), 'denied');
    assert.equal(await a.check(`Basic ${Buffer.from('no-colon').toString('base64')}`), 'denied');
  });

  it('never lets a user name pass with another user\'s password', async () => {
    const a = auth({ prom: BCRYPT_S3CRET, grafana: SHA_S3CRET });
    // Unknown users are checked against the costliest bcrypt hash too (for the timing); the result never counts.
    assert.equal(await a.check(basic('nobody', 's3cret')), 'denied');
    assert.equal(await a.check(basic('grafana', 'wrong')), 'denied');
  });

  it('keeps colons in passwords (only the first colon separates the user)', async () => {
    const a = auth({ u: 'sha256:' + (await import('node:crypto')).createHash('sha256').update('a:b:c').digest('hex') });
    assert.equal(await a.check(basic('u', 'a:b:c')), 'allowed');
  });

  it('caches successful checks only, so a scrape is not a bcrypt run each time', async () => {
    const a = auth({ prom: BCRYPT_S3CRET });
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed');
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed');
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed');
    assert.equal(a.verifications, 1);
    assert.equal(await a.check(basic('prom', 'bad')), 'denied');
    assert.equal(await a.check(basic('prom', 'bad')), 'denied');
    assert.equal(a.verifications, 3, 'failures are never cached');
  });

  it('refuses a bcrypt password longer than 72 bytes even when its first 72 bytes match', async () => {
    const long = 'x'.repeat(72);
    const a = auth({ prom: await hashPassword(long, 4) });
    assert.equal(await a.check(basic('prom', long)), 'allowed');
    assert.equal(await a.check(basic('prom', `${long}y`)), 'denied');
    assert.equal(a.verifications, 2, 'the refusal cost the same bcrypt run');
  });

  it('bounds the cache, evicting the least recently used header', async () => {
    const users: Record<string, string> = {};
    const { createHash } = await import('node:crypto');
    for (let i = 0; i < 4; i++) users[`u${i}`] = `sha256:${createHash('sha256').update(`p${i}`).digest('hex')}`;
    const a = auth(users, { cacheSize: 2 });
    await a.check(basic('u0', 'p0'));
    await a.check(basic('u1', 'p1'));
    await a.check(basic('u0', 'p0')); // u0 is now the most recent
    await a.check(basic('u2', 'p2')); // evicts u1
    assert.equal(a.verifications, 3);
    await a.check(basic('u0', 'p0'));
    assert.equal(a.verifications, 3, 'u0 still cached');
    await a.check(basic('u1', 'p1'));
    assert.equal(a.verifications, 4, 'u1 was evicted');
  });
});

describe('BasicAuth under a flood of bad credentials', () => {
  it('keeps at most maxPendingVerifications checks pending, answers the rest busy; cached headers still pass', async () => {
    const a = auth({ prom: BCRYPT_S3CRET, grafana: SHA_S3CRET }, { maxPendingVerifications: 3 });
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed');
    const flood = Array.from({ length: 20 }, (_, i) => a.check(basic(i % 2 ? 'prom' : 'nobody', `guess-${i}`)));
    assert.equal(await a.check(basic('prom', 's3cret')), 'allowed', 'cached: answered during the flood');
    const outcomes = await Promise.all(flood);
    assert.deepEqual(outcomes.slice(0, 3), ['denied', 'denied', 'denied']);
    assert.deepEqual(new Set(outcomes.slice(3)), new Set(['busy']));
    assert.equal(a.verifications, 1 + 3);
    assert.equal(a.shed, 17);
    // Once the pool drained, checks run again.
    assert.equal(await a.check(basic('grafana', 'wrong')), 'denied');
  });
});

describe('BasicAuth failure timing', () => {
  it('lets many refusals wait at once without a listener-leak warning', async () => {
    const clock = new FakeClock(1_000_000);
    const a = auth({ grafana: SHA_S3CRET }, { clock, failureDelayMs: 1000 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const waiting = Array.from({ length: 40 }, (_, i) => a.check(basic('grafana', `guess-${i}`)));
      await clock.flush();
      await clock.tickAsync(1000);
      assert.deepEqual(new Set(await Promise.all(waiting)), new Set(['denied']));
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('answers denied and busy exactly failureDelayMs after the check began, allowed at once', async () => {
    const clock = new FakeClock(1_000_000);
    const a = auth({ prom: BCRYPT_S3CRET, grafana: SHA_S3CRET }, { clock, failureDelayMs: 1000, maxPendingVerifications: 1 });
    const outcomes = new Map<string, string>();
    const settled = (): Record<string, string> => Object.fromEntries(outcomes);
    const track = (name: string, header: string): void => {
      void a.check(header).then((outcome) => outcomes.set(name, outcome));
    };
    track('bcrypt-wrong', basic('prom', 'wrong')); // takes the one pending slot
    track('busy', basic('grafana', 'wrong'));
    await a.whenIdle();
    track('sha-wrong', basic('grafana', 'wrong'));
    await a.whenIdle();
    track('unknown', basic('nobody', 'x'));
    await a.whenIdle();
    await clock.tickAsync(999);
    assert.deepEqual(settled(), {});
    await clock.tickAsync(1);
    assert.deepEqual(settled(), { 'bcrypt-wrong': 'denied', busy: 'busy', 'sha-wrong': 'denied', unknown: 'denied' });
    track('ok', basic('grafana', 's3cret'));
    await a.whenIdle();
    await clock.flush();
    assert.equal(outcomes.get('ok'), 'allowed', 'success is not delayed');
  });
});

describe('checkPasswordHash', () => {
  it('accepts bcrypt $2a$/$2b$/$2y$ and sha256:<hex>', () => {
    for (const v of ['a', 'b', 'y']) assert.equal(checkPasswordHash(BCRYPT_S3CRET.replace('$2y$', `$2${v}$`)), undefined);
    assert.equal(checkPasswordHash(SHA_S3CRET), undefined);
    assert.equal(checkPasswordHash(SHA_S3CRET.toUpperCase().replace('SHA256', 'sha256')), undefined);
  });

  it('rejects plain, malformed and non-string values without echoing them', () => {
    for (const bad of ['s3cret', '', '$2y$04$short', '$2y$03$' + 'a'.repeat(53), 'sha256:xyz', 'md5:abc', 42]) {
      const msg = checkPasswordHash(bad);
      assert.ok(msg, String(bad));
      if (typeof bad === 'string' && bad !== '') assert.ok(!msg.includes(bad), msg);
    }
  });
});
