/**
 * Wires one real monitored target for the SSH e2e suite: the `rds-ssh` transport against a peer,
 * a ConnectionMonitor on real time (SystemClock), and a RecordingExporter attached to a MetricsHub,
 * so scenarios assert states, reasons and metrics exactly as an exporter would see them.
 */
import 'reflect-metadata';
import { type BackoffStrategy } from '@rds-agent/core';
import { type MonitorSettings } from '@rds-agent/core/host';
import { ConstantBackoff, ExponentialBackoff, MetricsHub, SystemClock, SystemRandom, createConnectionMonitor, silentLogger, type ConnectionMonitor } from '@rds-agent/core/host';
import { RecordingExporter } from '@rds-agent/core/testing';
import { RDS_SSH_DEFAULTS, RdsSshTransport, rdsSshTransportDefinition, type RdsSshConfig } from '@rds-agent/rds-ssh-plugin';
import { after, afterEach, before } from 'node:test';
import { TestSshd, type TestSshdOptions } from './sshd.js';

export interface SshTargetOptions {
  readonly target?: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyFile: string;
  readonly hostKeyFingerprints: readonly string[];
  /** Transport options over the defaults (connectTimeout 3 s). */
  readonly transport?: Partial<RdsSshConfig>;
  /** Monitor options; defaults: probe every 500 ms with a 1 s deadline, 3 s connect, 50 ms first-attempt jitter. */
  readonly monitor?: Partial<MonitorSettings>;
  /** @default exponential 100 ms -> 1 s, x2, no jitter */
  readonly backoff?: BackoffStrategy;
}

export interface SshTarget {
  readonly target: string;
  readonly monitor: ConnectionMonitor;
  readonly transport: RdsSshTransport;
  readonly recorder: RecordingExporter;
  readonly hub: MetricsHub;
  readonly clock: SystemClock;
  /** Stops the monitor and detaches the recorder. */
  stop(): Promise<void>;
}

/** Exponential 100 ms -> 1 s, x2, no jitter: small waits keep real-time scenarios short. */
export function fastBackoff(clock = new SystemClock(), random = new SystemRandom()): ExponentialBackoff {
  return new ExponentialBackoff(
    { initialInterval: 100, multiplier: 2, maxInterval: 1000, randomizationFactor: 0, maxElapsedTime: 0 },
    { clock, random },
  );
}

export function constantBackoff(intervalMs: number, clock = new SystemClock(), random = new SystemRandom()): ConstantBackoff {
  return new ConstantBackoff({ interval: intervalMs, randomizationFactor: 0, maxElapsedTime: 0 }, { clock, random });
}

/** Builds (does not start) a monitored target. */
export function sshTarget(options: SshTargetOptions): SshTarget {
  const target = options.target ?? 'rds-e2e';
  const clock = new SystemClock();
  const random = new SystemRandom();
  const logger = silentLogger();
  const hub = new MetricsHub(logger, 'e2e', undefined, { targetInfoLabels: rdsSshTransportDefinition.infoLabels ?? [] });
  const recorder = new RecordingExporter();
  const detach = recorder.attach(hub);
  const config: RdsSshConfig = {
    ...RDS_SSH_DEFAULTS,
    host: options.host,
    port: options.port,
    username: options.username,
    privateKeyFile: options.privateKeyFile,
    hostKeyFingerprints: options.hostKeyFingerprints,
    connectTimeout: 3000,
    ...options.transport,
  };
  const transport = new RdsSshTransport(config, { target, logger, clock, random });
  const monitor = createConnectionMonitor({
    target,
    transport,
    backoff: options.backoff ?? fastBackoff(clock, random),
    clock,
    random,
    events: hub,
    logger,
    transportType: 'rds-ssh',
    settings: {
      probeInterval: 500,
      probeTimeout: 1000,
      connectTimeout: 3000,
      firstAttemptJitter: 50,
      ...options.monitor,
    },
  });
  return {
    target,
    monitor,
    transport,
    recorder,
    hub,
    clock,
    async stop() {
      await monitor.stop();
      detach();
    },
  };
}

/** `rds_connection_state{target}` as a scrape would show it. */
export function connectionState(t: SshTarget): number | undefined {
  return t.recorder.value('rds_connection_state', { target: t.target });
}

/** Counts of the event-loop handles that would leak with a connection: sockets and timers. */
export function handleCounts(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return {
    sockets: info.filter((r) => r === 'TCPSocketWrap').length,
    timers: info.filter((r) => r === 'Timeout').length,
  };
}

/**
 * Holds the event loop open while a real-time test waits: the agent's own timers are all unref'd
 * (by design), so with sshd down nothing else would keep node from exiting mid-wait.
 * Returns the release function.
 */
export function keepProcessAlive(): () => void {
  const keeper = setInterval(() => undefined, 60_000);
  return () => clearInterval(keeper);
}

/** Where a TestSshd listens and how to log in to it: the client key and its pinned host key. */
export function sshdPeer(sshd: TestSshd): Pick<SshTargetOptions, 'host' | 'port' | 'username' | 'privateKeyFile' | 'hostKeyFingerprints'> {
  return { host: sshd.host, port: sshd.port, username: sshd.user, privateKeyFile: sshd.clientKeyFile, hostKeyFingerprints: [sshd.hostKeyFingerprint] };
}

/**
 * Registers the suite hooks every SSH e2e file needs: start a private sshd before the tests (and keep
 * the process alive while real-time waits run), stop it by PID after them. Read `.sshd` inside tests.
 */
export function useTestSshd(options: TestSshdOptions = {}): { readonly sshd: TestSshd } {
  let sshd: TestSshd | undefined;
  let release: () => void = () => undefined;
  before(async () => {
    release = keepProcessAlive();
    sshd = await TestSshd.start(options);
  });
  after(async () => {
    await sshd?.stop();
    release();
  });
  return {
    get sshd(): TestSshd {
      if (!sshd) throw new Error('the test sshd is not started (use it inside tests and hooks)');
      return sshd;
    },
  };
}

/**
 * A target factory for tests that each build one target against `peer`'s sshd; after every test the
 * target is stopped and the sshd restored (sessions killed, client key authorized, listening).
 */
export function useSshTargets(peer: { readonly sshd: TestSshd }): (extra?: Partial<SshTargetOptions>) => SshTarget {
  let current: SshTarget | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
    peer.sshd.killSessions('all', 'SIGKILL');
    peer.sshd.authorizeKey();
    await peer.sshd.startListener();
  });
  return (extra = {}) => {
    current = sshTarget({ ...sshdPeer(peer.sshd), ...extra });
    return current;
  };
}
