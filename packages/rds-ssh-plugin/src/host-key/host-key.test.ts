import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf, keyTypeOf } from './fingerprint.js';
import { knownHostsName, parseKnownHosts } from './known-hosts.js';
import { FINGERPRINT_PATTERN } from '../config.js';
import { generateKeyPair } from '../testing/host-keys.js';


function publicLine(type: 'ed25519' | 'rsa'): { line: string; blob: Buffer; keyType: string } {
  const pair = generateKeyPair(type);
  const [keyType, b64] = pair.public.trim().split(/\s+/) as [string, string];
  return { line: `${keyType} ${b64}`, blob: Buffer.from(b64, 'base64'), keyType };
}

function sshKeygenFingerprint(pubLine: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'rds-fp-'));
  try {
    writeFileSync(join(dir, 'k.pub'), pubLine + ' test\n');
    // "256 SHA256:xxxx test (ED25519)"
    return execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
  } catch {
    return undefined; // ssh-keygen not installed
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('fingerprintOf matches the SHA256 format and ssh-keygen -lf', (t) => {
  for (const type of ['ed25519', 'rsa'] as const) {
    const { line, blob, keyType } = publicLine(type);
    const fp = fingerprintOf(blob);
    assert.match(fp, FINGERPRINT_PATTERN);
    assert.equal(keyTypeOf(blob), keyType);
    const expected = sshKeygenFingerprint(line);
    if (expected === undefined) t.diagnostic('ssh-keygen not found; format-only check');
    else assert.equal(fp, expected, type);
  }
});

test('known_hosts: plain, [host]:port, patterns, hashed, revoked, cert-authority', () => {
  const a = publicLine('ed25519');
  const b = publicLine('ed25519');
  const c = publicLine('ed25519');
  const d = publicLine('ed25519');
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.5]:2222').digest('base64')}`;
  const text = [
    '# comment',
    `rds-1,10.0.0.1 ${a.line}`,
    `[rds-1]:2222 ${b.line} a comment`,
    `rds-* ${c.line}`,
    `!rds-9,rds-? ${d.line}`,
    `${hashed} ${d.line}`,
    `@cert-authority rds-1 ${d.line}`,
    `@revoked rds-1 ${c.line}`,
    'garbage',
    '',
  ].join('\n');
  const fp = (x: { blob: Buffer }): string => fingerprintOf(x.blob);

  const port22 = parseKnownHosts(text, 'rds-1', 22);
  assert.deepEqual(port22.keys.map((k) => k.fingerprint), [fp(a), fp(c), fp(d)]);
  assert.equal(port22.keys[0]!.type, 'ssh-ed25519');
  assert.deepEqual(port22.revoked, [fp(c)]);

  assert.deepEqual(parseKnownHosts(text, 'rds-1', 2222).keys.map((k) => k.fingerprint), [fp(b)]);
  assert.deepEqual(parseKnownHosts(text, 'RDS-7', 22).keys.map((k) => k.fingerprint), [fp(c), fp(d)]);
  assert.deepEqual(parseKnownHosts(text, 'rds-9', 22).keys.map((k) => k.fingerprint), [fp(c)]);
  assert.deepEqual(parseKnownHosts(text, '10.0.0.5', 2222).keys.map((k) => k.fingerprint), [fp(d)]);
  assert.deepEqual(parseKnownHosts(text, '10.0.0.5', 22).keys, []);
  assert.equal(knownHostsName('h', 22), 'h');
  assert.equal(knownHostsName('h', 2200), '[h]:2200');
});
