import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDS_SSH_DEFAULTS, type RdsSshConfig } from './config.js';
import { checkRdsSshFiles } from './config-files.js';
import { generateKeyPair } from './testing/host-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'rds-ssh-files-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};
const key = file('id', generateKeyPair('ed25519').private);
const BASE: RdsSshConfig = { ...RDS_SSH_DEFAULTS, host: 'rds-1', username: 'monitor', privateKeyFile: key, hostKeyFingerprints: ['SHA256:' + 'A'.repeat(42) + 'c'] };

test('a readable key, password and known_hosts entry pass', () => {
  const knownHosts = file('kh', 'rds-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINvtUVwkt4M3DGtV/KY3qDglSIDhIrdKJqUw2MjFd4GX\n');
  assert.deepEqual(checkRdsSshFiles({ ...BASE, passwordFile: file('pw', 'secret\n'), knownHostsFile: knownHosts, hostKeyFingerprints: [] }), []);
});

test('an empty password file is an error; a known_hosts file without the host a warning', () => {
  const issues = checkRdsSshFiles({ ...BASE, privateKeyFile: null, passwordFile: file('empty', '\n'), knownHostsFile: file('kh-other', 'other ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINvtUVwkt4M3DGtV/KY3qDglSIDhIrdKJqUw2MjFd4GX\n'), hostKeyFingerprints: [] });
  assert.deepEqual(
    issues.map((i) => [i.key, i.severity ?? 'error']),
    [
      ['passwordFile', 'error'],
      ['knownHostsFile', 'warning'],
    ],
  );
  assert.match(issues[1]!.message, /has no usable key for rds-1: .*rds-agent keyscan rds-1:22/);
});

test('a file far larger than any key is refused without being parsed', () => {
  const [issue] = checkRdsSshFiles({ ...BASE, privateKeyFile: file('huge', Buffer.alloc(65 * 1024, 0x41)) });
  assert.equal(issue?.key, 'privateKeyFile');
  assert.match(issue!.message, /is larger than 65536 bytes/);
});
