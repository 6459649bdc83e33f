import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { fingerprintOfBlob } from './host-keys.js';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

describe('rds-sim CLI', () => {
  it('prints port, fingerprint and key file, serves RouterOS, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rds-sim-cli-'));
    const keyFile = join(dir, 'id_ed25519');
    const child = spawn(process.execPath, [CLI, '--port', '0', '--user', 'monitor', '--identity', 'cli-sim', '--key-out', keyFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('client private key written to')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`rds-sim exited early (${code}): ${out}`)));
      });
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      const fingerprint = /host key fingerprint: (SHA256:\S+)/.exec(out)?.[1];
      assert.ok(port > 0 && fingerprint);
      assert.ok(out.includes(`client private key written to: ${keyFile}`));

      const client = new ssh2.Client();
      let seen = '';
      const stdout = await new Promise<string>((resolve, reject) => {
        client.on('error', reject);
        client.on('ready', () =>
          client.exec('/system identity print', (err, stream) => {
            if (err) return reject(err);
            let s = '';
            stream.on('data', (d: Buffer) => (s += d.toString())).on('close', () => resolve(s));
          }),
        );
        client.connect({
          host: '127.0.0.1',
          port,
          username: 'monitor',
          privateKey: readFileSync(keyFile),
          hostVerifier: (key: Buffer) => ((seen = fingerprintOfBlob(key)), true),
        });
      });
      client.end();
      assert.equal(stdout, '  name: cli-sim\r\n\r\n');
      assert.equal(seen, fingerprint);

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown flags with exit 2 and the usage', async () => {
    const child = spawn(process.execPath, [CLI, '--bogus'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /usage: rds-sim/);
  });
});
