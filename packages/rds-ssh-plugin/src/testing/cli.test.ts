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

  it('drives faults from --fault and from stdin; each answer is one line; clear restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rds-sim-cli-'));
    const keyFile = join(dir, 'id_ed25519');
    const child = spawn(process.execPath, [CLI, '--port', '0', '--key-out', keyFile, '--fault', 'stop-fan fan2', '--fault', 'fail-drive nvme13'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out);
          if (m) {
            child.stdout.off('data', check);
            child.off('exit', early);
            resolve(m);
          }
        };
        const early = (code: number | null): void => reject(new Error(`rds-sim exited (${code}): ${out}`));
        child.stdout.on('data', check);
        child.once('exit', early);
        check();
      });
    const client = new ssh2.Client();
    try {
      await waitFor(/fault commands on stdin/);
      assert.match(out, /^device: rds2216 \(RouterOS 7\.24\.1 \(stable\)\)$/m);
      assert.match(out, /^fault: ok stop-fan:fan2: fan2 stopped \(0 RPM\)$/m);
      assert.match(out, /^fault: ok fail-drive:nvme13: nvme13 failed: mirror degraded$/m);
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
      await new Promise<void>((resolve, reject) => {
        client.on('error', reject).on('ready', () => resolve());
        client.connect({ host: '127.0.0.1', port, username: 'admin', privateKey: readFileSync(keyFile) });
      });
      const run = (command: string): Promise<string> =>
        new Promise((resolve, reject) =>
          client.exec(command, (err, stream) => {
            if (err) return reject(err);
            let s = '';
            stream.on('data', (d: Buffer) => (s += d.toString())).on('close', () => resolve(s));
          }),
        );
      const mirrorState = async (): Promise<unknown> =>
        (JSON.parse(await run(':put [:serialize to=json [/disk print detail as-value]]')) as Array<Record<string, unknown>>).find((d) => d['slot'] === 'mirror')!['state'];
      assert.equal(await mirrorState(), 'clean, degraded');
      assert.match(await run('/system health print terse'), / name=fan2-speed value=0 type=RPM\r\n/);

      child.stdin.write('fail-psu psu1\nbogus\n');
      await waitFor(/^error: unknown fault command "bogus": try help$/m);
      assert.match(out, /^ok fail-psu:psu1: psu1 failed$/m);
      assert.match(await run('/system health print terse'), / name=psu1-state value=fail type=""\r\n/);
      child.stdin.write('faults\n');
      await waitFor(/^fail-psu:psu1: psu1 failed$/m);
      assert.match(out, /^stop-fan:fan2: fan2 stopped \(0 RPM\)$/m);
      child.stdin.write('clear all\n');
      await waitFor(/^cleared 3 fault\(s\)$/m);
      assert.equal(await mirrorState(), 'clean');
      assert.match(await run('/system health print terse'), / name=fan2-speed value=5720 type=RPM\r\n/);
    } finally {
      client.end();
      const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--variant picks the device; a bad --fault or --variant exits 2 naming it', async () => {
    const run = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('fault commands on stdin')) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (code) => resolve({ code, out, err }));
      });
    const old = await run(['--variant', 'routeros-7.14', '--key-out', join(mkdtempSync(join(tmpdir(), 'rds-sim-cli-')), 'k')]);
    assert.equal(old.code, 0);
    assert.match(old.out, /^device: routeros-7\.14 \(RouterOS 7\.14\.3 \(stable\)\)$/m);
    const badVariant = await run(['--variant', 'rds9000']);
    assert.equal(badVariant.code, 2);
    assert.match(badVariant.err, /--variant: expected rds2216, routeros-7\.14, no-rose-storage: value was "rds9000"/);
    const badFault = await run(['--fault', 'fail-drive nvme99']);
    assert.equal(badFault.code, 2);
    assert.match(badFault.err, /--fault "fail-drive nvme99": no drive in slot "nvme99"/);
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
