import type { RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';

/** One step of the chaos script: what to do to the simulator, and what the viewer should notice. */
export interface ChaosStep {
  /** Seconds after the previous step. */
  readonly afterSeconds: number;
  readonly label: string;
  readonly apply: (sim: RdsSimulator) => void | Promise<void>;
}

/**
 * The `demo --chaos` script, looped: every fault the monitor handles, with time to watch recovery.
 * - a dropped connection: detected at once (the socket closes), reconnected after the first-attempt jitter;
 * - an outage (connections refused): attempts spaced by the exponential backoff;
 * - a hung device (nothing answers): detected by the probe deadline, not by the socket.
 */
export const CHAOS_SCRIPT: readonly ChaosStep[] = [
  { afterSeconds: 12, label: 'dropped every connection: loss is detected at once (socket closed)', apply: (s) => void s.dropAllConnections() },
  {
    afterSeconds: 12,
    label: 'device down (connections refused): watch the attempts spread out (backoff)',
    apply: async (s) => {
      await s.refuseConnections(true);
      s.dropAllConnections();
    },
  },
  { afterSeconds: 20, label: 'device back: the next attempt succeeds, backoff resets', apply: (s) => s.refuseConnections(false) },
  { afterSeconds: 12, label: 'device hung (answers nothing): detected by the probe deadline, not the socket', apply: (s) => s.freeze(true) },
  { afterSeconds: 15, label: 'device answers again: reconnected', apply: (s) => s.freeze(false) },
];

/**
 * Runs {@link CHAOS_SCRIPT} against a simulator until stopped. Uses unref'd timers: the agent's
 * runner keeps the process alive, the chaos never does.
 */
export class Chaos {
  current = 'waiting for the first fault';
  private timer?: NodeJS.Timeout;
  private index = 0;
  private stopped = false;

  constructor(
    private readonly sim: RdsSimulator,
    private readonly onStep: (label: string) => void = () => undefined,
  ) {}

  start(): void {
    this.schedule();
  }

  /** Stops the script and restores the simulator to healthy. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.sim.freeze(false);
    await this.sim.refuseConnections(false).catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    const step = CHAOS_SCRIPT[this.index % CHAOS_SCRIPT.length]!;
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.index += 1;
      this.current = step.label;
      this.onStep(step.label);
      void Promise.resolve(step.apply(this.sim))
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, step.afterSeconds * 1000);
    this.timer.unref();
  }
}
