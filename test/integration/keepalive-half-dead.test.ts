/**
 * How long a half-dead session goes unnoticed with the default settings, in each probe mode, on the
 * FakeClock: the real `rds-ssh` transport and ConnectionMonitor against the RDS simulator, whose
 * probe command hangs while keepalives are still answered (as OpenSSH does when its forced command
 * stalls: test/e2e/fault-matrix-ssh.test.ts). The SSH traffic is real; only time is fake, and the
 * test waits for each probe's real answer before it moves time on.
 *
 * The numbers are the ones the rds-ssh README gives next to the keepalive options.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MONITOR_SETTINGS, ExponentialBackoff, MetricsHub, createConnectionMonitor, silentLogger } from '@rds-agent/core/host';
import { FakeClock, FixedRandom, RecordingExporter, withinRealTime } from '@rds-agent/core/testing';
import { RDS_SSH_DEFAULTS, RdsSshTransport, rdsSshTransportDefinition, type RdsSshConfig } from '@rds-agent/rds-ssh-plugin';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { REPO_ROOT, eventually, tempDir } from '../support/agent-cli.js';

const PROBE_INTERVAL = DEFAULT_MONITOR_SETTINGS.probeInterval;
const PROBE_TIMEOUT = DEFAULT_MONITOR_SETTINGS.probeTimeout;
const COMMAND_PROBE_INTERVAL = RDS_SSH_DEFAULTS.commandProbeInterval;
/** The README's example value; any keepalive interval gives the same result here. */
const KEEPALIVE_INTERVAL = 10_000;

interface Detection {
  /** Fake ms from the moment the session went half-dead to the loss. */
  readonly afterMs: number;
  readonly reason: string;
  readonly detectedBy: string;
  /** Probes that passed while the session was already half-dead. */
  readonly passedMeanwhile: number;
}

describe('a half-dead session (keepalives answered, commands hang), default settings', () => {
  let sim: RdsSimulator;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let keyFile: string;

  before(async () => {
    tmp = await tempDir();
    sim = await startRdsSimulator();
    keyFile = join(tmp.dir, 'client.key');
    await writeFile(keyFile, sim.clientPrivateKey ?? '', { mode: 0o600 });
  });
  after(async () => {
    await sim.close();
    await tmp.cleanup();
  });

  /** Connects at fake t = 0, makes the probe command hang, then moves time one probe at a time until the loss. */
  async function detect(overrides: Partial<RdsSshConfig>): Promise<Detection> {
    sim.setCommandHandler(RDS_SSH_DEFAULTS.probeCommand, undefined);
    const clock = new FakeClock(1_700_000_000_000);
    const random = new FixedRandom(0.5);
    const hub = new MetricsHub(silentLogger(), 'test', clock, { targetInfoLabels: rdsSshTransportDefinition.infoLabels ?? [] });
    const recorder = new RecordingExporter();
    const detach = recorder.attach(hub);
    const config: RdsSshConfig = {
      ...RDS_SSH_DEFAULTS,
      host: '127.0.0.1',
      port: sim.port,
      username: sim.username,
      privateKeyFile: keyFile,
      hostKeyFingerprints: [sim.hostKeyFingerprint],
      ...overrides,
    };
    const transport = new RdsSshTransport(config, { target: 'rds', logger: silentLogger(), clock, random });
    const monitor = createConnectionMonitor({
      target: 'rds',
      transport,
      backoff: new ExponentialBackoff({ initialInterval: 1000, multiplier: 2, maxInterval: 16_000, randomizationFactor: 0, maxElapsedTime: 0 }, { clock, random }),
      clock,
      random,
      events: hub,
      transportType: 'rds-ssh',
      settings: { ...DEFAULT_MONITOR_SETTINGS, firstAttemptJitter: 0 },
    });
    try {
      monitor.start();
      await withinRealTime(monitor.whenState('connected'), 10_000, 'the connection');
      const faultAt = clock.now();
      sim.setCommandHandler(RDS_SSH_DEFAULTS.probeCommand, () => ({ hang: true }));
      const commandsAtFault = sim.totalCommands;
      for (let probe = 1; recorder.eventsOf('disconnected').length === 0; probe++) {
        assert.ok(probe <= 100, 'the half-dead session was never found');
        // The next probe starts; wait (real time) for its answer, or for its command to reach the
        // device and hang there, before moving time on.
        await clock.tickAsync(PROBE_INTERVAL);
        await eventually(() => recorder.eventsOf('probe').length >= probe || sim.totalCommands > commandsAtFault, 10_000, `probe ${probe} to be answered or to hang`);
        if (recorder.eventsOf('probe').length < probe) await clock.tickAsync(PROBE_TIMEOUT); // the hung command probe meets its deadline
      }
      const lost = recorder.eventsOf('disconnected')[0]!;
      return {
        afterMs: lost.at - faultAt,
        reason: lost.reason,
        detectedBy: lost.detectedBy,
        passedMeanwhile: recorder.eventsOf('probe').filter((p) => p.outcome === 'ok').length,
      };
    } finally {
      await monitor.stop();
      detach();
    }
  }

  it(`command mode finds it at the next probe: probeInterval + probeTimeout = ${(PROBE_INTERVAL + PROBE_TIMEOUT) / 1000} s`, async () => {
    const found = await detect({ keepaliveInterval: 0 });
    assert.deepEqual(found, { afterMs: PROBE_INTERVAL + PROBE_TIMEOUT, reason: 'timeout', detectedBy: 'probe', passedMeanwhile: 0 });
  });

  it(`keepalive mode finds it only at the next command probe: commandProbeInterval + probeTimeout = ${(COMMAND_PROBE_INTERVAL + PROBE_TIMEOUT) / 1000} s`, async () => {
    const found = await detect({ keepaliveInterval: KEEPALIVE_INTERVAL });
    // Every keepalive probe until the command was due passed on the half-dead session.
    assert.deepEqual(found, {
      afterMs: COMMAND_PROBE_INTERVAL + PROBE_TIMEOUT,
      reason: 'timeout',
      detectedBy: 'probe',
      passedMeanwhile: COMMAND_PROBE_INTERVAL / PROBE_INTERVAL - 1,
    });
  });

  it('a commandProbeInterval that is not a multiple of probeInterval waits for the first probe after it', async () => {
    const found = await detect({ keepaliveInterval: KEEPALIVE_INTERVAL, commandProbeInterval: 12_000 });
    assert.equal(found.afterMs, 15_000 + PROBE_TIMEOUT);
  });

  it('the rds-ssh README states these numbers next to the keepalive options', async () => {
    const readme = await readFile(join(REPO_ROOT, 'packages', 'rds-ssh-plugin', 'README.md'), 'utf8');
    const s = (ms: number): string => `${ms / 1000} s`;
    const keepaliveSection = readme.slice(readme.indexOf('How keepalive mode works'));
    assert.ok(keepaliveSection.includes(`(${s(COMMAND_PROBE_INTERVAL + PROBE_TIMEOUT)} with the defaults)`), 'the keepalive-mode detection time');
    assert.ok(keepaliveSection.includes(`(${s(PROBE_INTERVAL + PROBE_TIMEOUT)} with the defaults)`), 'the command-mode detection time');
  });
});
