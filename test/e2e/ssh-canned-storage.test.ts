/**
 * Real OpenSSH e2e: the private sshd's canned storage-health answers arrive through the rds-ssh
 * transport in both forms, and its adversarial switch turns one of them into exactly 2 MiB (the
 * default output cap) and back. Needs root and /usr/sbin/sshd; fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL_BYTES, CANNED_STORAGE_COMMANDS } from '../support/sshd.js';
import { sshTarget, sshdPeer, useTestSshd } from '../support/ssh-harness.js';

const peer = useTestSshd({ identity: 'rds-e2e-storage' });

test('canned storage answers in JSON and text, and one 2 MiB adversarial answer on request', async () => {
  const t = sshTarget({ ...sshdPeer(peer.sshd), monitor: { probeInterval: 200 } });
  try {
    t.monitor.start();
    await t.recorder.waitFor((r) => r.eventsOf('probe').some((p) => p.outcome === 'ok'), { timeoutMs: 10_000, description: 'connected' });
    const run = (command: string): Promise<string> => t.transport.run(command);

    assert.equal(await run(CANNED_STORAGE_COMMANDS.probe), '1\n');
    const packages = JSON.parse(await run(CANNED_STORAGE_COMMANDS['packages-json'])) as Array<Record<string, unknown>>;
    assert.deepEqual(
      packages.map((p) => [p['name'], p['version']]),
      [
        ['routeros', '7.19.4'],
        ['container', '7.19.4'],
        ['rose-storage', '7.19.4'],
      ],
    );
    assert.match(await run(CANNED_STORAGE_COMMANDS['packages-terse']), /^ 0 {3}name=routeros version=7\.19\.4 build-time=2025-06-02 09:14:31 scheduled=""\n/);
    const disks = JSON.parse(await run(CANNED_STORAGE_COMMANDS['disk-json'])) as Array<Record<string, unknown>>;
    assert.deepEqual(
      disks.map((d) => [d['slot'], d['raid-member-state'] ?? d['state']]),
      [
        ['nvme1', '0:in_sync'],
        ['storage-pool', 'clean'],
      ],
      'the same two disks /disk print detail lists',
    );
    assert.equal(disks[0]!['temperature'], 32);
    const terse = await run(CANNED_STORAGE_COMMANDS['disk-terse']);
    assert.match(terse, /^ 0 B r type=hardware slot=nvme1 .* raid-master=storage-pool raid-role=0 raid-member-failed=no /);
    assert.match(terse, /\n 1 BM {2}type=raid slot=storage-pool .* state=clean /);
    assert.match(await run(CANNED_STORAGE_COMMANDS['smart-nvme1']), /^Columns: OUTPUT\n.*\nTemperature: +32 Celsius\n/s);

    peer.sshd.setAdversarialAnswer('disk-terse', 'spaces');
    const spaces = await run(CANNED_STORAGE_COMMANDS['disk-terse']);
    assert.equal(Buffer.byteLength(spaces), ADVERSARIAL_BYTES);
    assert.ok(spaces.startsWith(' 0 B r type=') && spaces.endsWith(' '.repeat(1000)));
    peer.sshd.setAdversarialAnswer('disk-json', 'quote');
    const quote = await run(CANNED_STORAGE_COMMANDS['disk-json']);
    assert.equal(Buffer.byteLength(quote), ADVERSARIAL_BYTES);
    assert.ok(quote.startsWith('[{"a'));
    assert.equal(quote.split('"').length - 1, 1, 'one quote, never closed');
    peer.sshd.setAdversarialAnswer('disk-terse', undefined);
    peer.sshd.setAdversarialAnswer('disk-json', undefined);
    assert.equal(await run(CANNED_STORAGE_COMMANDS['disk-terse']), terse, 'the canned answer again');
    assert.equal(t.monitor.state, 'connected', 'the connection carried 2 MiB answers and stayed up');
  } finally {
    await t.stop();
  }
  await peer.sshd.waitForSessions(0);
});
