import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouterOsDevice } from './routeros-device.js';
import { FAULT_COMMANDS_HELP, parseDurationWord, runFaultCommand } from './fault-commands.js';
import { STORAGE_COMMANDS } from './storage-commands.js';

type Json = Record<string, unknown>;

function setup(): { d: RouterOsDevice; clock: { now: number }; run: (line: string) => string } {
  const clock = { now: Date.UTC(2026, 9, 1) };
  const d = new RouterOsDevice({}, () => clock.now);
  return { d, clock, run: (line) => runFaultCommand(d, line) };
}

const disk = (d: RouterOsDevice, slot: string): Json => (JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[]).find((x) => x['slot'] === slot)!;

describe('the fault command language', () => {
  it('drive faults, rebuilds with durations, listing and clearing', () => {
    const { d, clock, run } = setup();
    assert.equal(run('fail-drive nvme13'), 'ok fail-drive:nvme13: nvme13 failed: mirror degraded');
    assert.equal(run('rebuild mirror replacement 90s'), 'ok rebuild:mirror: mirror rebuilding onto replaced drive nvme13 (90 s)');
    clock.now += 45_000;
    assert.equal(disk(d, 'mirror')['state'], 'clean, degraded, recovering = 50.0%');
    // The replaced drive is no longer failed, so only the rebuild is left.
    assert.equal(run('faults'), 'rebuild:mirror: mirror rebuilding onto replaced drive nvme13 (90 s)');
    assert.equal(run('clear rebuild:mirror'), 'cleared rebuild:mirror');
    assert.equal(run('faults'), 'no active faults', 'clearing one drive fault restores the whole array');
    assert.equal(run('fail-drive nvme2 rebuild=2m'), 'ok fail-drive:nvme2: nvme2 failed: storage-pool rebuilding onto its spare');
    clock.now += 60_000;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 50.0%');
    assert.equal(run('pull-drive nvme7 no-spare'), 'ok pull-drive:nvme7: nvme7 pulled (bay empty, last-seen set)');
    assert.equal(disk(d, 'nvme7')['last-seen'], 'U.2 SSD 4TG2-P 4TG2P0A10007');
    assert.equal(run('clear all'), 'cleared 3 fault(s)');
    assert.equal(disk(d, 'storage-pool')['state'], 'clean');
  });

  it('hardware faults and clearing by kind', () => {
    const { d, run } = setup();
    assert.equal(run('stop-fan'), 'ok stop-fan:fan1: fan1 stopped (0 RPM)');
    assert.equal(run('stop-fan fan2'), 'ok stop-fan:fan2: fan2 stopped (0 RPM)');
    assert.equal(run('fail-psu'), 'ok fail-psu:psu2: psu2 failed');
    assert.equal(run('heat-cpu 99'), 'ok heat-cpu:cpu: cpu-temperature at 99 C');
    assert.equal(run('heat-drive nvme1 81'), 'ok heat-drive:nvme1: nvme1 at 81 C');
    assert.equal(run('btrfs-errors storage-pool'), 'ok btrfs-errors:storage-pool: btrfs storage-pool: errors rising');
    assert.equal(run('flap-link ether1 3s'), 'ok flap-link:ether1: ether1 flapping every 3 s');
    assert.equal(run('clear stop-fan'), 'cleared 2 stop-fan fault(s)');
    assert.equal(d.faults().length, 5);
    assert.match(d.answer(STORAGE_COMMANDS.health.text), / name=fan1-speed value=5654 /);
  });

  it('garbage aimed at an input covers both its forms; at a quoted command, just that one', () => {
    const { d, run } = setup();
    assert.equal(
      run('garbage raid spaces 64KiB'),
      [
        'ok garbage::put [:serialize to=json [/disk print detail as-value]]: :put [:serialize to=json [/disk print detail as-value]] answers spaces garbage',
        'ok garbage:/disk print terse: /disk print terse answers spaces garbage',
        'ok garbage:/disk print count-only where raid-member-failed: /disk print count-only where raid-member-failed answers spaces garbage',
      ].join('\n'),
    );
    assert.equal(d.answer(STORAGE_COMMANDS.disks.json).length, 65_536);
    assert.equal(d.answer(STORAGE_COMMANDS.disks.text).length, 65_536);
    assert.equal(run('garbage "/system health print terse" random 100'), 'ok garbage:/system health print terse: /system health print terse answers random garbage');
    assert.equal((d.answerBytes(STORAGE_COMMANDS.health.text) as Buffer).length, 100);
    assert.ok((d.answer(STORAGE_COMMANDS.health.json) as string).startsWith('[{'), 'the JSON form untouched');
    run('garbage drives quote');
    assert.equal(d.answer(STORAGE_COMMANDS.smartInfo('nvme3')).length, 2 * 1024 * 1024, 'smart-info of any slot');
    // drives shares the /disk listing with raid: those two rules were replaced, not added.
    assert.equal(run('clear garbage'), 'cleared 5 garbage fault(s)');
    assert.ok(d.answer(STORAGE_COMMANDS.disks.text).startsWith(' 0 '));
  });

  it('fill-pool: free space falls to the used share given, at once or over a duration', () => {
    const { d, run } = setup();
    const pool = (): Record<string, unknown> => (JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Record<string, unknown>[]).find((x) => x['slot'] === 'storage-pool')!;
    assert.equal(run('fill-pool storage-pool 99%'), 'ok fill-pool:storage-pool: storage-pool filling to 99 % used');
    assert.equal(pool()['use'], 99);
    assert.equal(run('fill-pool storage-pool 90 10m'), 'ok fill-pool:storage-pool: storage-pool filling to 90 % used over 600 s');
    assert.throws(() => run('fill-pool'), /missing array/);
    assert.throws(() => run('fill-pool storage-pool full'), /used-%: expected a number: value was "full"/);
  });

  it('bad lines are refused with what was expected', () => {
    const { run } = setup();
    assert.throws(() => run('explode nvme1'), /unknown fault command "explode": try help/);
    assert.throws(() => run('fail-drive'), /missing slot/);
    assert.throws(() => run('fail-drive nvme1 maybe'), /fail-drive: expected no-spare or rebuild=<duration>: value was "maybe"/);
    assert.throws(() => run('rebuild mirror 5 minutes'), /rebuild duration: expected a duration like 500ms, 90s or 2m: value was "5"/);
    assert.throws(() => run('heat-cpu hot'), /celsius: expected a number: value was "hot"/);
    assert.throws(() => run('garbage raid zeros'), /garbage kind: expected one of random, spaces, quote, huge: value was "zeros"/);
    assert.throws(() => run('garbage nfs spaces'), /garbage: expected an input \(probe, packages, .*\) or a quoted command: value was "nfs"/);
    assert.throws(() => run('garbage raid spaces 2GB'), /bytes: expected a size like 4096, 64KiB or 2MiB: value was "2GB"/);
    assert.throws(() => run('clear stop-fan:fan1'), /clear: no active fault "stop-fan:fan1" \(active: none\)/);
    assert.equal(run(''), '');
    assert.equal(run('help'), FAULT_COMMANDS_HELP);
    assert.equal(parseDurationWord('1.5s', 'x'), 1500);
  });
});
