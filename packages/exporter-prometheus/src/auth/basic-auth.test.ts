import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BasicAuth, MAX_CONCURRENT_VERIFICATIONS } from './basic-auth.js';
import { checkPasswordHash } from './password-hash.js';

const BCRYPT_S3CRET = '$2y$04$vNUGgjKZG419My/fhwGndOSw0VTfafOwWkI9Zbodh735Sfj/nMSee';
const SHA_S3CRET = 'sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('BasicAuth', () => {
  it('allows everything when no users are configured', async () => {
    const auth = new BasicAuth({});
    assert.equal(auth.disabled, true);
    assert.equal(await auth.check(undefined), true);
  });

  it('accepts the right bcrypt ($2y$) and sha256 passwords, rejects wrong or missing ones', async () => {
    const auth = new BasicAuth({ prom: BCRYPT_S3CRET, grafana: SHA_S3CRET });
    assert.equal(await auth.check(basic('prom', 's3cret')), true);
    assert.equal(await auth.check(basic('grafana', 's3cret')), true);
    assert.equal(await auth.check(basic('prom', 'wrong')), false);
    assert.equal(await auth.check(basic('grafana', 's3cret ')), false);
    assert.equal(await auth.check(basic('nobody', 's3cret')), false);
    assert.equal(await auth.check(undefined), false);
    assert.equal(await auth.check(''), false);
    assert.equal(await auth.check('Bearer abc'), false);
    assert.equal(await auth.check('Basic !!!'), false);
    assert.equal(await auth.check(`Basic ${Buffer.from('no-colon').toString('base64')}`), false);
  });

  it('keeps colons in passwords (only the first colon separates the user)', async () => {
    const auth = new BasicAuth({ u: 'sha256:' + (await import('node:crypto')).createHash('sha256').update('a:b:c').digest('hex') });
    assert.equal(await auth.check(basic('u', 'a:b:c')), true);
  });

  it('caches successful checks only, so a scrape is not a bcrypt run each time', async () => {
    const auth = new BasicAuth({ prom: BCRYPT_S3CRET });
    assert.equal(await auth.check(basic('prom', 's3cret')), true);
    assert.equal(await auth.check(basic('prom', 's3cret')), true);
    assert.equal(await auth.check(basic('prom', 's3cret')), true);
    assert.equal(auth.verifications, 1);
    assert.equal(await auth.check(basic('prom', 'bad')), false);
    assert.equal(await auth.check(basic('prom', 'bad')), false);
    assert.equal(auth.verifications, 3, 'failures are never cached');
  });

  it('bounds the cache, evicting the least recently used header', async () => {
    const users: Record<string, string> = {};
    const { createHash } = await import('node:crypto');
    for (let i = 0; i < 4; i++) users[`u${i}`] = `sha256:${createHash('sha256').update(`p${i}`).digest('hex')}`;
    const auth = new BasicAuth(users, 2);
    await auth.check(basic('u0', 'p0'));
    await auth.check(basic('u1', 'p1'));
    await auth.check(basic('u0', 'p0')); // u0 is now the most recent
    await auth.check(basic('u2', 'p2')); // evicts u1
    assert.equal(auth.verifications, 3);
    await auth.check(basic('u0', 'p0'));
    assert.equal(auth.verifications, 3, 'u0 still cached');
    await auth.check(basic('u1', 'p1'));
    assert.equal(auth.verifications, 4, 'u1 was evicted');
  });
});

describe('BasicAuth under a flood of bad credentials', () => {
  it('runs at most MAX_CONCURRENT_VERIFICATIONS bcrypt checks at once; cached headers still pass', async () => {
    const auth = new BasicAuth({ prom: BCRYPT_S3CRET });
    assert.equal(await auth.check(basic('prom', 's3cret')), true);
    const flood = Array.from({ length: 20 }, (_, i) => auth.check(basic('prom', `guess-${i}`)));
    assert.equal(await auth.check(basic('prom', 's3cret')), true, 'cached: answered during the flood');
    assert.deepEqual(new Set(await Promise.all(flood)), new Set([false]));
    assert.equal(auth.verifications, 1 + MAX_CONCURRENT_VERIFICATIONS);
    assert.equal(auth.shed, 20 - MAX_CONCURRENT_VERIFICATIONS);
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
