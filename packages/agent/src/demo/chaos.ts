import { isAbortError, type Clock } from '@rds-agent/core';
import { SystemClock } from '@rds-agent/core/host';
import type { RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';

/** One step of the chaos script: what to do to the simulator, and what the viewer should notice. */
export interface ChaosStep {
  /** Seconds after the previous step. */
  readonly afterSeconds: number;
  readonly label: string;
  readonly apply: (sim: RdsSimulator) => void | Promise<void>;
}

/**
 * The `demo --chaos` script, looped: every fault the monitor handles, with time to watch recovery,
 * and the storage faults the device inputs report, interleaved with them.
 * - a dropped connection: detected at once (the socket closes), reconnected after the first-attempt jitter;
 * - an outage (connections refused): attempts spaced by the exponential backoff;
 * - a hung device (nothing answers): detected by the probe deadline, not by the socket;
 * - storage: a degraded RAID1 (6 s) and a stopped fan (18 s) within the first minute, then a rebuild
 *   with progress, a failed PSU, a hot CPU, a hot spare taking over, btrfs errors, a flapping link,
 *   a pulled drive, a pool filling up and a garbage answer, and finally everything healthy again before
 *   the loop restarts.
 *
 * The connection faults keep the times they always had (12 s, 24 s, 44 s, 56 s, 71 s).
 */
export const CHAOS_SCRIPT: readonly ChaosStep[] = [
  { afterSeconds: 6, label: 'drive nvme13 failed: RAID1 "mirror" degraded (no hot spare)', apply: (s) => void s.device.failDrive('nvme13') },
  { afterSeconds: 6, label: 'dropped every connection: loss is detected at once (socket closed)', apply: (s) => void s.dropAllConnections() },
  { afterSeconds: 6, label: 'fan2 stopped (0 RPM)', apply: (s) => void s.device.stopFan('fan2') },
  {
    afterSeconds: 6,
    label: 'device down (connections refused): watch the attempts spread out (backoff)',
    apply: async (s) => {
      await s.refuseConnections(true);
      s.dropAllConnections();
    },
  },
  { afterSeconds: 10, label: 'nvme13 replaced: "mirror" rebuilding (40 s)', apply: (s) => void s.device.startRebuild('mirror', { onto: 'replacement', durationMs: 40_000 }) },
  { afterSeconds: 10, label: 'device back: the next attempt succeeds, backoff resets', apply: (s) => s.refuseConnections(false) },
  { afterSeconds: 6, label: 'power supply psu2 failed', apply: (s) => void s.device.failPsu('psu2') },
  { afterSeconds: 6, label: 'device hung (answers nothing): detected by the probe deadline, not the socket', apply: (s) => s.freeze(true) },
  { afterSeconds: 8, label: 'CPU at 95 C', apply: (s) => void s.device.heatCpu(95) },
  { afterSeconds: 7, label: 'device answers again: reconnected', apply: (s) => s.freeze(false) },
  {
    afterSeconds: 6,
    label: 'fan2 spinning, psu2 back, CPU cooled',
    apply: (s) => {
      for (const id of ['stop-fan:fan2', 'fail-psu:psu2', 'heat-cpu:cpu']) s.device.clearFault(id);
    },
  },
  { afterSeconds: 8, label: 'drive nvme4 failed: hot spare nvme11 takes over, "storage-pool" rebuilding (45 s)', apply: (s) => void s.device.failDrive('nvme4', { rebuildMs: 45_000 }) },
  { afterSeconds: 10, label: 'btrfs errors on storage-pool (counters rising)', apply: (s) => void s.device.btrfsErrors('storage-pool') },
  { afterSeconds: 10, label: 'sfp28-1 flapping (down/up every 5 s)', apply: (s) => void s.device.flapLink('sfp28-1', { periodMs: 5000 }) },
  { afterSeconds: 10, label: 'drive nvme9 pulled: bay empty, last-seen set', apply: (s) => void s.device.pullDrive('nvme9', { useSpare: false }) },
  { afterSeconds: 10, label: 'storage-pool filling up: 95 % used within 20 s', apply: (s) => void s.device.fillPool('storage-pool', { usedRatio: 0.95, overMs: 20_000 }) },
  {
    afterSeconds: 10,
    label: 'the /disk listing answers 2 MiB of spaces (the inputs must stay safe)',
    apply: (s) => {
      s.device.garbage(':put [:serialize to=json [/disk print detail as-value]]', 'spaces');
      s.device.garbage('/disk print terse', 'spaces');
    },
  },
  { afterSeconds: 15, label: 'storage healthy again: every fault cleared', apply: (s) => void s.device.clearAllFaults() },
];

/**
 * Runs {@link CHAOS_SCRIPT} (or `script`) against a simulator until stopped. Waits on the given
 * Clock (default: real time, whose timers never keep the process alive), so tests drive it with a
 * FakeClock.
 */
export class Chaos {
  current = 'waiting for the first fault';
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private stopped = false;
  private index = 0;
  private applying?: Promise<void>;

  constructor(
    private readonly sim: RdsSimulator,
    private readonly onStep: (label: string) => void = () => undefined,
    private readonly clock: Clock = new SystemClock(),
    private readonly script: readonly ChaosStep[] = CHAOS_SCRIPT,
  ) {}

  /** Steps applied so far. */
  get stepsApplied(): number {
    return this.index;
  }

  /** Resolves once the step being applied (if any) is done, e.g. a refused port is really closed. */
  async idle(): Promise<void> {
    await this.applying;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops the script and restores the simulator to healthy: connections and storage. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
    this.sim.freeze(false);
    this.sim.device.clearAllFaults();
    await this.sim.refuseConnections(false).catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.script.length > 0) {
      const step = this.script[this.index % this.script.length]!;
      try {
        await this.clock.sleep(step.afterSeconds * 1000, this.abort.signal);
      } catch (err) {
        if (isAbortError(err) || this.stopped) return;
        throw err;
      }
      if (this.stopped) return;
      this.current = step.label;
      this.onStep(step.label);
      // A step that fails (a fault already set by hand, a closed simulator) does not end the loop.
      this.applying = Promise.resolve()
        .then(() => step.apply(this.sim))
        .catch(() => undefined)
        .then(() => {
          this.index += 1;
        });
      await this.applying;
      this.applying = undefined;
    }
  }
}
