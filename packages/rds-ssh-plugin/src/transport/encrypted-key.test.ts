import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'open sesame', rounds: 4, cipher: 'aes256-ctr' });
  sim = await startRdsSimulator({ users: [{ username: 'admin', publicKey: pair.public }] });
  keyFile = join(dir, 'id_enc');
  writeFileSync(keyFile, pair.private, { mode: 0o600 });
  writeFileSync(join(dir, 'pass'), 'open sesame\n', { mode: 0o600 });
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
