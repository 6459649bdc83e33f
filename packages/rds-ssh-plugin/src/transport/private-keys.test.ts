import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '../testing/host-keys.js';
import { isKeyProblem, PrivateKeyCache } from './private-keys.js';

// A fixed encrypted key (ssh-keygen, passphrase in testdata/passphrase): a key ssh2 generates with
// a passphrase in the test itself once failed to parse back in CI, and the tests judge parsing.
const testdata = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url)));
const encrypted = testdata('id_ed25519_encrypted');
const RIGHT = testdata('passphrase').toString('utf8').trim();
const plain = Buffer.from(generateKeyPair('ed25519').private);

test('a key is parsed once per content and passphrase; a changed file is parsed again', () => {
  const cache = new PrivateKeyCache();
  const first = cache.parse(encrypted, RIGHT, '/k');
  assert.ok(!isKeyProblem(first) && first.isPrivateKey());
  assert.equal(cache.parse(Buffer.from(encrypted), RIGHT, '/k'), first, 'same bytes: the parsed key, not a new decryption');
  assert.equal(cache.size, 1);
  const rotated = cache.parse(plain, undefined, '/k');
  assert.notEqual(rotated, first);
  assert.equal(cache.size, 2);
});

test('an encrypted key without a passphrase, or with the wrong one, names passphraseFile', () => {
  const cache = new PrivateKeyCache();
  const none = cache.parse(encrypted, undefined, '/etc/rds-agent/id');
  assert.deepEqual(none, { key: 'passphraseFile', message: '/etc/rds-agent/id is encrypted: set passphraseFile to a file holding its passphrase' });
  const wrong = cache.parse(encrypted, 'wrong', '/etc/rds-agent/id');
  assert.deepEqual(wrong, { key: 'passphraseFile', message: 'the passphrase does not decrypt /etc/rds-agent/id' });
  assert.equal(cache.parse(encrypted, 'wrong', '/etc/rds-agent/id'), wrong, 'a wrong passphrase is not tried (bcrypt) again');
});

test('a public key, a PKCS#8 key and garbage name privateKeyFile and say what to do', () => {
  const cache = new PrivateKeyCache();
  const pub = Buffer.from(generateKeyPair('ed25519').public);
  assert.match(problem(cache.parse(pub, undefined, '/k.pub')), /holds a public key \(ssh-ed25519\): name the private key file/);
  const ed = Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  assert.match(problem(cache.parse(ed, undefined, '/ed.pem')), /Ed25519 key in PKCS#8 PEM, which neither ssh2 nor ssh-keygen reads: make an OpenSSH key/);
  const rsa = Buffer.from(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  assert.match(problem(cache.parse(rsa, undefined, '/rsa.pem')), /PKCS#8 PEM key, which ssh2 cannot read: convert it to the OpenSSH format with `ssh-keygen -p -f \/rsa.pem`/);
  const sealed = Buffer.from(
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }),
  );
  assert.match(problem(cache.parse(sealed, 'x', '/sealed.pem')), /encrypted PKCS#8 key/);
  assert.match(problem(cache.parse(Buffer.from('hello\n'), undefined, '/junk')), /is not a private key ssh2 can read/);
});

test('problems never carry the key or the passphrase', () => {
  const cache = new PrivateKeyCache();
  const text = JSON.stringify([cache.parse(encrypted, 'hunter2-passphrase', '/k'), cache.parse(Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n'), undefined, '/k2')]);
  assert.doesNotMatch(text, /hunter2|AAAA/);
});

function problem(v: ReturnType<PrivateKeyCache['parse']>): string {
  assert.ok(isKeyProblem(v), 'a problem');
  return v.message;
}
