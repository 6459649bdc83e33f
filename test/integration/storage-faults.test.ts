/**
 * Storage faults end to end: the agent (in-process, built-in plugins, both exporters) reads an
 * RDS2216 simulator over SSH, and each storage fault the simulator injects changes the series the
 * raid, drives and filesystems inputs report, in the Prometheus text and in the decoded OTLP, while
 * `/status` shows the input reading; clearing the fault restores them. One FakeClock drives the
 * agent and the device: a step is one input interval, rebuild progress follows it exactly.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { StorageAgent, promValue, type SeriesExpectation } from '../support/storage-agent.js';

const T = 'rds-1';
const FS = { filesystem: 'storage-pool', slot: 'storage-pool', type: 'btrfs' };

describe('storage faults through the agent (simulator, both exporters, /status)', () => {
  let h: StorageAgent;
  let connections: number;
  before(async () => {
    h = await StorageAgent.start({ targets: [{ name: T }] });
    connections = h.sim(T).totalConnections;
  });
  // A test that failed half-way leaves no fault behind for the next (which steps before it reads).
  afterEach(() => void h?.sim(T).device.clearAllFaults());
  after(async () => {
    await h?.stop();
  });

  /** The input read at this step, with no error at it: what `/status` says of a run that worked (an earlier error is kept, older). */
  async function assertInputRead(input: string): Promise<void> {
    const s = await h.status(T);
    assert.equal(s.state, 'connected');
    const i = s.inputs?.[input];
    assert.ok(i, `/status has no input ${input}: ${JSON.stringify(s.inputs)}`);
    assert.equal(i.enabled, true);
    assert.equal(i.lastRunAt, new Date(h.now).toISOString());
    assert.equal(i.lastSuccessAt, new Date(h.now).toISOString(), `${input} read at this step`);
    assert.ok(i.lastError === null || Date.parse(i.lastError.at) < h.now, `${input}: no error at this step: ${JSON.stringify(i.lastError)}`);
  }

  /** Every fault is read over the one kept connection. */
  function assertSameConnection(): void {
    assert.equal(h.sim(T).totalConnections, connections, 'no reconnect');
    assert.equal(h.sim(T).openConnections, 1);
  }

  const raidHealthy = (slot: string, members: number, inSync: number, spare: number): SeriesExpectation[] => [
    ['rds_raid_state', { slot, state: 'clean' }, 1],
    ['rds_raid_state', { slot, state: 'degraded' }, 0],
    ['rds_raid_state', { slot, state: 'rebuilding' }, 0],
    ['rds_raid_state', { slot, state: 'other' }, 0],
    ['rds_raid_members', { slot }, members],
    ['rds_raid_members_failed', { slot }, 0],
    ['rds_raid_members_in_sync', { slot }, inSync],
    ['rds_raid_members_spare', { slot }, spare],
    ['rds_raid_rebuild_progress_ratio', { slot }, undefined],
  ];

  it('healthy: both arrays clean, every drive read, every input reading', async () => {
    await h.step();
    await h.expectSeries(
      T,
      [
        ...raidHealthy('storage-pool', 11, 10, 1),
        ['rds_raid_devices', { slot: 'storage-pool' }, 10],
        ...raidHealthy('mirror', 2, 2, 0),
        ['rds_raid_member_failed', { slot: 'nvme13', array: 'mirror' }, 0],
        ['rds_drive_present', { slot: 'nvme13' }, 1],
        ['rds_drive_present', { slot: 'nvme15' }, 0],
        ['rds_drive_temperature_celsius', { slot: 'nvme2' }, 33],
        ['rds_btrfs_errors_reported', { filesystem: 'storage-pool' }, 0],
        ['rds_connection_state', {}, 1],
      ],
      'healthy',
    );
    for (const input of ['system', 'health', 'raid', 'drives', 'filesystems', 'exports', 'interfaces', 'traffic']) await assertInputRead(input);
    assert.deepEqual(Object.values((await h.status(T)).inputs ?? {}).filter((i) => i.lastError !== null), [], 'no input has failed yet');
  });

  it('a failed drive: RAID1 "mirror" degraded, the member failed, its reliability warning; recovery restores it', async () => {
    h.sim(T).device.failDrive('nvme13');
    await h.step();
    await h.expectSeries(
      T,
      [
        ['rds_raid_state', { slot: 'mirror', state: 'degraded' }, 1],
        ['rds_raid_state', { slot: 'mirror', state: 'clean' }, 0],
        ['rds_raid_members_failed', { slot: 'mirror' }, 1],
        ['rds_raid_members_in_sync', { slot: 'mirror' }, 1],
        ['rds_raid_member_failed', { slot: 'nvme13', array: 'mirror' }, 1],
        ['rds_raid_member_failed', { slot: 'nvme12', array: 'mirror' }, 0],
        ['rds_drive_critical_warning', { slot: 'nvme13', bit: 'reliability' }, 1],
        ['rds_drive_media_errors_total', { slot: 'nvme13' }, 17],
        ...raidHealthy('storage-pool', 11, 10, 1),
      ],
      'nvme13 failed',
    );
    await assertInputRead('raid');
    await assertInputRead('drives');

    assert.equal(h.sim(T).device.clearFault('fail-drive:nvme13'), true);
    await h.step();
    await h.expectSeries(
      T,
      [
        ...raidHealthy('mirror', 2, 2, 0),
        ['rds_raid_member_failed', { slot: 'nvme13', array: 'mirror' }, 0],
        ['rds_drive_critical_warning', { slot: 'nvme13', bit: 'reliability' }, 0],
        // The device's total went back to 0; the exported counter never goes down.
        ['rds_drive_media_errors_total', { slot: 'nvme13' }, 17],
      ],
      'nvme13 back',
    );
    assertSameConnection();
  });

  it('a hot spare taking over: "storage-pool" rebuilds onto nvme11 with its progress; recovery restores it', async () => {
    h.sim(T).device.failDrive('nvme4', { rebuildMs: 40_000 });
    await h.step();
    const rebuilding = (progress: number): SeriesExpectation[] => [
      ['rds_raid_state', { slot: 'storage-pool', state: 'rebuilding' }, 1],
      ['rds_raid_state', { slot: 'storage-pool', state: 'clean' }, 0],
      ['rds_raid_state', { slot: 'storage-pool', state: 'degraded' }, 0],
      ['rds_raid_rebuild_progress_ratio', { slot: 'storage-pool' }, progress],
      ['rds_raid_members', { slot: 'storage-pool' }, 11],
      ['rds_raid_members_failed', { slot: 'storage-pool' }, 1],
      ['rds_raid_members_spare', { slot: 'storage-pool' }, 0],
      ['rds_raid_members_in_sync', { slot: 'storage-pool' }, 9],
      ['rds_raid_member_failed', { slot: 'nvme4', array: 'storage-pool' }, 1],
      ['rds_raid_member_failed', { slot: 'nvme11', array: 'storage-pool' }, 0],
    ];
    await h.expectSeries(T, rebuilding(0.25), 'spare took over, 10 s into a 40 s rebuild');
    await h.step();
    await h.expectSeries(T, rebuilding(0.5), '20 s into it');
    await assertInputRead('raid');

    h.sim(T).device.clearAllFaults();
    await h.step();
    await h.expectSeries(T, [...raidHealthy('storage-pool', 11, 10, 1), ['rds_raid_member_failed', { slot: 'nvme4', array: 'storage-pool' }, 0]], 'storage-pool restored');
    assertSameConnection();
  });

  it('a pulled drive: the bay empty with its last-seen drive, the array degraded; recovery restores it', async () => {
    h.sim(T).device.pullDrive('nvme9', { useSpare: false });
    await h.step();
    await h.expectSeries(
      T,
      [
        ['rds_drive_present', { slot: 'nvme9' }, 0],
        ['rds_drive_last_seen_info', { slot: 'nvme9', model: 'U.2 SSD 4TG2-P', serial: '4TG2P0A10009' }, 1],
        ['rds_drive_info', { slot: 'nvme9', model: 'U.2 SSD 4TG2-P', serial: '4TG2P0A10009' }, undefined],
        ['rds_drive_temperature_celsius', { slot: 'nvme9' }, undefined],
        ['rds_drive_endurance_used_ratio', { slot: 'nvme9' }, undefined],
        ['rds_raid_state', { slot: 'storage-pool', state: 'degraded' }, 1],
        ['rds_raid_members', { slot: 'storage-pool' }, 10],
        ['rds_raid_members_in_sync', { slot: 'storage-pool' }, 9],
        ['rds_raid_member_failed', { slot: 'nvme9', array: 'storage-pool' }, undefined],
      ],
      'nvme9 pulled',
    );
    await assertInputRead('drives');

    h.sim(T).device.clearAllFaults();
    await h.step();
    await h.expectSeries(
      T,
      [
        ['rds_drive_present', { slot: 'nvme9' }, 1],
        ['rds_drive_last_seen_info', { slot: 'nvme9', model: 'U.2 SSD 4TG2-P', serial: '4TG2P0A10009' }, undefined],
        ['rds_drive_info', { slot: 'nvme9', model: 'U.2 SSD 4TG2-P', serial: '4TG2P0A10009' }, 1],
        ['rds_drive_temperature_celsius', { slot: 'nvme9' }, 35],
        ...raidHealthy('storage-pool', 11, 10, 1),
        ['rds_raid_member_failed', { slot: 'nvme9', array: 'storage-pool' }, 0],
      ],
      'nvme9 back',
    );
    assertSameConnection();
  });

  it('btrfs errors: the counters jump and rise, the filesystem reports errors; recovery stops them', async () => {
    h.sim(T).device.btrfsErrors('storage-pool');
    await h.step();
    const errors = (read: number, write: number, corruption: number): SeriesExpectation[] => [
      ['rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'read' }, read],
      ['rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'write' }, write],
      ['rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'corruption' }, corruption],
      ['rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'flush' }, 0],
      ['rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'generation' }, 0],
    ];
    // 12 read, 3 write, 2 corruption at once, then 6 read errors a minute (one per 10 s step).
    await h.expectSeries(T, [...errors(13, 3, 2), ['rds_btrfs_errors_reported', { filesystem: 'storage-pool' }, 1]], 'btrfs errors');
    await h.step();
    await h.expectSeries(T, [...errors(14, 3, 3), ['rds_btrfs_errors_reported', { filesystem: 'storage-pool' }, 1]], 'btrfs errors rising');
    await assertInputRead('filesystems');

    h.sim(T).device.clearAllFaults();
    await h.step();
    await h.expectSeries(T, [...errors(14, 3, 3), ['rds_btrfs_errors_reported', { filesystem: 'storage-pool' }, 0]], 'counters zeroed on the device: no more errors');
    await h.step();
    await h.expectSeries(T, errors(14, 3, 3), 'and none added');
    assertSameConnection();
  });

  it('a pool filling: free space falls step by step to 5 %, the use the alert divides by; recovery frees it', async () => {
    await h.step();
    const size = await h.promValue(T, 'rds_filesystem_size_bytes', FS);
    const free0 = await h.promValue(T, 'rds_filesystem_free_bytes', FS);
    assert.ok(size !== undefined && free0 !== undefined && free0 / size > 0.5, `a roomy pool first: ${free0} of ${size}`);
    const target = Math.round(size * 0.05);
    h.sim(T).device.fillPool('storage-pool', { usedRatio: 0.95, overMs: 20_000 });
    await h.step();
    await h.expectSeries(T, [['rds_filesystem_free_bytes', FS, Math.round(free0 + (target - free0) / 2)], ['rds_filesystem_size_bytes', FS, size]], 'half-way filled');
    await h.step();
    await h.expectSeries(T, [['rds_filesystem_free_bytes', FS, target]], 'filled to 95 %');
    await h.step();
    await h.expectSeries(T, [['rds_filesystem_free_bytes', FS, target]], 'and stays there');
    await assertInputRead('filesystems');

    h.sim(T).device.clearAllFaults();
    await h.step();
    await h.expectSeries(T, [['rds_filesystem_free_bytes', FS, free0]], 'space freed');
    assertSameConnection();
  });

  for (const kind of ['random', 'quote', 'huge'] as const) {
    it(`${kind} garbage for the /disk listing: every storage input drops its samples and counts it; the series go absent, then return`, async () => {
      await h.step();
      const storageInputs = ['raid', 'drives', 'filesystems', 'exports'];
      const errors = async (): Promise<number[]> => {
        const scrape = await h.scrape();
        return storageInputs.map((input) => promValue(scrape, 'rds_telemetry_errors_total', { target: T, input, reason: 'command' }) ?? 0);
      };
      const before = await errors();
      const goodAt = h.now;
      assert.ok((await h.promValue(T, 'rds_filesystem_free_bytes', FS)) !== undefined, 'read before the fault');
      const id = h.sim(T).device.garbage(':put [:serialize to=json [/disk print detail as-value]]', kind);
      await h.step();
      // Absent, not frozen: an alert on the array or the drive sees "no data", never the last good value.
      const gone: SeriesExpectation[] = [
        ['rds_raid_state', { slot: 'mirror', state: 'clean' }, undefined],
        ['rds_raid_members', { slot: 'storage-pool' }, undefined],
        ['rds_drive_present', { slot: 'nvme13' }, undefined],
        ['rds_drive_temperature_celsius', { slot: 'nvme2' }, undefined],
        ['rds_filesystem_free_bytes', FS, undefined],
        // The inputs that do not read /disk carry on.
        ['rds_health_fan_speed_rpm', { sensor: 'fan1-speed' }, 5654],
        ['rds_connection_state', {}, 1],
      ];
      await h.expectSeries(T, gone, `${kind} garbage`);
      assert.deepEqual(await errors(), before.map((n) => n + 1), 'one failed run counted per storage input');
      const s = await h.status(T);
      for (const input of storageInputs) {
        const i = s.inputs?.[input];
        assert.equal(i?.lastError?.reason, 'command', input);
        assert.equal(i?.lastError?.at, new Date(h.now).toISOString(), input);
        assert.equal(i?.lastSuccessAt, new Date(goodAt).toISOString(), `${input}: the last success is the step before`);
      }
      await h.step();
      assert.deepEqual(await errors(), before.map((n) => n + 2), 'counted again at the next run');

      assert.equal(h.sim(T).device.clearFault(id), true);
      await h.step();
      await h.expectSeries(T, [...raidHealthy('mirror', 2, 2, 0), ['rds_drive_present', { slot: 'nvme13' }, 1], ['rds_drive_temperature_celsius', { slot: 'nvme2' }, 33]], `${kind} garbage cleared`);
      assert.ok((await h.promValue(T, 'rds_filesystem_free_bytes', FS)) !== undefined, 'read again');
      assert.deepEqual(await errors(), before.map((n) => n + 2), 'no more errors once the device answers properly');
      for (const input of storageInputs) {
        await assertInputRead(input);
        const kept = (await h.status(T)).inputs?.[input]?.lastError;
        assert.ok(kept && Date.parse(kept.at) < h.now, `${input}: the earlier error kept in /status`);
      }
      assertSameConnection();
    });
  }

  it('a rebuild onto a replaced drive: progress 25, 50, 75 %, then clean with the new drive', async () => {
    const device = h.sim(T).device;
    device.failDrive('nvme13');
    device.startRebuild('mirror', { onto: 'replacement', durationMs: 40_000 });
    for (const progress of [0.25, 0.5, 0.75]) {
      await h.step();
      await h.expectSeries(
        T,
        [
          ['rds_raid_state', { slot: 'mirror', state: 'rebuilding' }, 1],
          ['rds_raid_state', { slot: 'mirror', state: 'clean' }, 0],
          ['rds_raid_rebuild_progress_ratio', { slot: 'mirror' }, progress],
          ['rds_raid_members_failed', { slot: 'mirror' }, 0],
          ['rds_raid_members_in_sync', { slot: 'mirror' }, 1],
          ['rds_drive_info', { slot: 'nvme13', model: 'KCD8XPUG3T84', serial: '2231328000R1' }, 1],
          ['rds_drive_info', { slot: 'nvme13', model: 'KCD8XPUG3T84', serial: '223132800013' }, undefined],
        ],
        `mirror rebuilding, ${progress * 100} %`,
      );
    }
    await h.step();
    await h.expectSeries(T, [...raidHealthy('mirror', 2, 2, 0), ['rds_drive_info', { slot: 'nvme13', model: 'KCD8XPUG3T84', serial: '2231328000R1' }, 1]], 'rebuild done');
    assert.deepEqual(device.faults(), [], 'the rebuild finished by itself');
    await assertInputRead('raid');
    assertSameConnection();
  });
});
