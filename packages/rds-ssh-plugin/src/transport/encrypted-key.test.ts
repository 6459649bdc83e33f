import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { SystemClock, silentLogger } from '@rds-agent/core/testing';
import { startRdsSimulator, type RdsSimulator } from '../testing/index.js';
import { sharedPrivateKeys } from './private-keys.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { RdsSshTransport } from './rds-ssh-transport.js';

let sim: RdsSimulator;
let dir: string;
let keyFile: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rds-ssh-enc-key-'));
  // A fixed key made by ssh-keygen: about one in 500 keys ssh2 generates with a passphrase does not
  // parse back ("Malformed OpenSSH private key", measured with ssh2 1.17), which made this flaky.
  const testdata = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url)));
  const encrypted = testdata('id_ed25519_encrypted');
  const passphrase = testdata('passphrase').toString('utf8').trim();
  const parsed = ssh2.utils.parseKey(encrypted, passphrase);
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('testdata/id_ed25519_encrypted does not parse');
  sim = await startRdsSimulator({ users: [{ username: 'admin', publicKey: `${parsed.type} ${parsed.getPublicSSH().toString('base64')}` }] });
  keyFile = join(dir, 'id_enc');
  writeFileSync(keyFile, encrypted, { mode: 0o600 });
  writeFileSync(join(dir, 'pass'), `${passphrase}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'wrong'), 'open barley\n', { mode: 0o600 });
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const transport = (passphraseFile: string): RdsSshTransport =>
  new RdsSshTransport(simTargetConfig(sim, keyFile, { passphraseFile }), { target: 'enc', logger: silentLogger(), clock: new SystemClock(), random: { next: () => 0.5 } });

test('an encrypted key is decrypted once, then reused for every connect of every target', async () => {
  const a = transport(join(dir, 'pass'));
  const b = transport(join(dir, 'pass'));
  await a.connect(AbortSignal.timeout(5000));
  const held = sharedPrivateKeys.size;
  await a.connect(AbortSignal.timeout(5000)); // a reconnect
  await b.connect(AbortSignal.timeout(5000)); // another target with the same key
  assert.equal(sharedPrivateKeys.size, held, 'no new parse');
  assert.equal((await b.run(':put 1')).trim(), '1');
  await a.close();
  await b.close();
});

test('a wrong passphrase is a permanent AUTH error naming passphraseFile, never the passphrase', async () => {
  const t = transport(join(dir, 'wrong'));
  await assert.rejects(t.connect(AbortSignal.timeout(5000)), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, ErrorCode.AUTH);
    assert.equal(e.retryable, false);
    assert.match(e.message, /^passphraseFile: the passphrase does not decrypt /);
    assert.doesNotMatch(e.message, /barley|sesame/);
    return true;
  });
  await t.close();
});
