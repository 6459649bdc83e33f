/**
 * The whole agent in-process (the `rds-agent` built-in plugins, the real config pipeline, both
 * exporters) against RDS simulators, on one FakeClock that also drives the devices' time, for the
 * storage-health integration tests. A step moves the clock by one input interval: every input runs
 * once over its kept SSH connection, and the step resolves when each has reported. What it read is
 * then asserted where an operator sees it: the Prometheus text (scraped over HTTP), the OTLP the
 * otel exporter pushes (decoded by {@link OtlpReceiver}), and `/status`.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PLUGINS, VERSION } from '@rds-agent/agent';
import type { MetricDef } from '@rds-agent/core';
import { Agent, createLogger, type MonitorEvent, type TelemetryEvent } from '@rds-agent/core/host';
import { FakeClock, loadTestConfig, waitForCondition } from '@rds-agent/core/testing';
import { INPUT_NAMES } from '@rds-agent/rds-ssh-plugin';
import { startRdsSimulator, type DeviceOptions, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { simTarget, writeClientKey } from './agent-cli.js';
import { attributesOf, metricsOf, OtlpReceiver, valueOf, type OtlpMetric, type ReceivedExport } from './otlp-receiver.js';

/** One expected series: metric (Prometheus name), labels besides `target`, value (`undefined`: absent). */
export type SeriesExpectation = readonly [metric: string, labels: Readonly<Record<string, string>>, value: number | undefined];

/** One telemetry input in `/status` (times ISO 8601). */
export interface InputStatusJson {
  readonly enabled: boolean;
  readonly lastRunAt: string;
  readonly lastSuccessAt: string | null;
  readonly lastError: { readonly reason: string; readonly message: string; readonly at: string } | null;
}

/** The part of one `/status` target these tests read. */
export interface TargetStatusView {
  readonly target: string;
  readonly state: string;
  readonly device: { readonly version: string | null } | null;
  readonly inputs?: Readonly<Record<string, InputStatusJson>>;
}

export interface StorageAgentOptions {
  readonly targets: readonly { readonly name: string; readonly device?: DeviceOptions }[];
  /** Interval of every input, in fake time. Above the 5 s the `/disk` listing is shared for, so each step reads it afresh. @default 10 s */
  readonly intervalMs?: number;
}

/** Real-time bound on one step's SSH round trips (a 2 MiB parse included) and on one OTLP export arriving. */
const REAL_TIME_BOUND_MS = 10_000;
const START = Date.UTC(2026, 9, 1, 8);

export class StorageAgent {
  readonly logs: Record<string, unknown>[] = [];
  /** Every telemetry event, per `<target>/<input>`, last one last. */
  private readonly runs = new Map<string, TelemetryEvent[]>();
  private readonly catalog = new Map<string, MetricDef>();
  private readonly commandLog = new Map<string, string[]>();
  private promUrl = '';
  private agent?: Agent;
  private lastExport?: ReceivedExport;

  private constructor(
    /** Drives the agent and every simulated device. */
    readonly clock: FakeClock,
    readonly intervalMs: number,
    private readonly sims: ReadonlyMap<string, RdsSimulator>,
    readonly receiver: OtlpReceiver,
    private readonly dir: string,
  ) {}

  /** Starts the simulators, the receiver and the agent; resolves once every target is connected and every input has run once. */
  static async start(options: StorageAgentOptions): Promise<StorageAgent> {
    const intervalMs = options.intervalMs ?? 10_000;
    const dir = await mkdtemp(join(tmpdir(), 'rds-storage-agent-'));
    const receiver = await OtlpReceiver.start();
    const sims = new Map<string, RdsSimulator>();
    const clock = new FakeClock(START);
    for (const t of options.targets) sims.set(t.name, await startRdsSimulator({ now: () => clock.now(), ...(t.device ? { device: t.device } : {}) }));
    const h = new StorageAgent(clock, intervalMs, sims, receiver, dir);
    for (const [name, sim] of sims) {
      const log: string[] = [];
      h.commandLog.set(name, log);
      sim.on('command', (command) => log.push(command));
    }
    try {
      await h.boot();
    } catch (err) {
      await h.stop();
      throw err;
    }
    return h;
  }

  private async boot(): Promise<void> {
    const seconds = `${this.intervalMs / 1000}s`;
    const inputs = INPUT_NAMES.map((n) => `        ${n}: { interval: ${seconds}, timeout: 5s }`).join('\n');
    let targets = '';
    for (const [name, sim] of this.sims) {
      targets += simTarget(name, sim, await writeClientKey(this.dir, name, sim), `      inputs:\n${inputs}\n`);
    }
    // Probes every hour (of fake time): only telemetry talks to the device, and a loss would show as a new connection.
    const yaml = `logLevel: debug
shutdownTimeout: 5s
monitor:
  probeInterval: 1h
  probeTimeout: 10s
  connectTimeout: 10s
  firstAttemptJitter: 0
targets:
${targets}exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
  otel:
    enabled: true
    endpoint: ${JSON.stringify(this.receiver.httpUrl)}
    exportInterval: 200ms
    exportTimeout: 200ms
`;
    const prepared = await loadTestConfig({ plugins: BUILTIN_PLUGINS, yaml });
    const logger = createLogger('debug', {}, { write: (line: string) => void this.logs.push(JSON.parse(line) as Record<string, unknown>) });
    const agent = new Agent({ config: prepared.config, registry: prepared.registry, logger, version: VERSION, clock: this.clock });
    this.agent = agent;
    for (const def of agent.hub.catalog) this.catalog.set(def.name, def);
    agent.hub.onEvent((e: MonitorEvent) => {
      if (e.type !== 'telemetry') return;
      const key = `${e.target}/${e.input}`;
      let list = this.runs.get(key);
      if (!list) this.runs.set(key, (list = []));
      list.push(e);
    });
    await agent.start();
    const listening = this.logs.find((l) => l['msg'] === 'prometheus exporter listening');
    if (!listening) throw new Error('the prometheus exporter logged no address');
    this.promUrl = new URL(String(listening['url'])).origin;
    // The first connection (zero-delay timers on the fake clock) and the first run of every input.
    await this.until(() => [...this.sims.keys()].every((t) => INPUT_NAMES.every((i) => this.runs.has(`${t}/${i}`))), 'every input of every target to run once', true);
  }

  /** The simulator behind `target`. */
  sim(target: string): RdsSimulator {
    const s = this.sims.get(target);
    if (!s) throw new Error(`no target ${target}`);
    return s;
  }

  get now(): number {
    return this.clock.now();
  }

  get url(): string {
    return this.promUrl;
  }

  /** Every command the agent sent to `target`'s device, in order. */
  commands(target: string): readonly string[] {
    return this.commandLog.get(target) ?? [];
  }

  /** The telemetry events of one input of one target, oldest first. */
  events(target: string, input: string): readonly TelemetryEvent[] {
    return this.runs.get(`${target}/${input}`) ?? [];
  }

  /** The last telemetry event of one input. */
  last(target: string, input: string): TelemetryEvent {
    const e = this.events(target, input).at(-1);
    if (!e) throw new Error(`${target}/${input} never ran`);
    return e;
  }

  /**
   * Moves the clock by one interval (device time with it) and resolves with the new time once every
   * input that still runs on its connection (not disabled as unsupported) has reported a run at it.
   */
  async step(): Promise<number> {
    const due = [...this.runs.entries()].filter(([, list]) => list.at(-1)!.outcome !== 'unsupported').map(([key]) => key);
    const at = await this.clock.tickAsync(this.intervalMs);
    await this.until(() => due.every((key) => this.runs.get(key)!.at(-1)!.at === at), `the runs at +${this.intervalMs} ms (${due.join(', ')})`);
    return at;
  }

  /** `/metrics` as Prometheus scrapes it. */
  async scrape(): Promise<string> {
    const res = await fetch(`${this.promUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    return res.text();
  }

  /** One target of `/status`. */
  async status(target: string): Promise<TargetStatusView> {
    const res = await fetch(`${this.promUrl}/status`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`/status answered ${res.status}`);
    const doc = (await res.json()) as { targets: TargetStatusView[] };
    const t = doc.targets.find((x) => x.target === target);
    if (!t) throw new Error(`/status has no target ${target}`);
    return t;
  }

  /**
   * Asserts each expected series of `target` in both exporters: in the Prometheus text now, and in
   * an OTLP export that carries this step's data (the `system` input's last success is the current
   * time in it, so an export collected before the step never passes). Throws naming every mismatch.
   */
  async expectSeries(target: string, expected: readonly SeriesExpectation[], description: string): Promise<void> {
    const scrape = await this.scrape();
    const promWrong = expected.filter(([m, l, v]) => promValue(scrape, m, { target, ...l }) !== v).map(([m, l, v]) => `${m}${JSON.stringify(l)}: want ${v}, got ${promValue(scrape, m, { target, ...l })}`);
    if (promWrong.length > 0) throw new Error(`${description}: Prometheus: ${promWrong.join('; ')}`);
    const fresh: SeriesExpectation = ['rds_telemetry_last_success_timestamp_seconds', { input: 'system' }, this.now / 1000];
    const all = [fresh, ...expected];
    const wrong = (e: ReceivedExport): string[] => {
      const metrics = metricsOf(e);
      return all.filter(([m, l, v]) => this.otlpValue(metrics, m, { target, ...l }) !== v).map(([m, l, v]) => `${this.otelName(m)}${JSON.stringify(l)}: want ${v}, got ${this.otlpValue(metrics, m, { target, ...l })}`);
    };
    this.receiver.clear();
    try {
      await this.receiver.waitFor((e) => {
        this.lastExport = e;
        return wrong(e).length === 0;
      }, REAL_TIME_BOUND_MS);
    } catch {
      throw new Error(`${description}: OTLP: ${this.lastExport ? wrong(this.lastExport).join('; ') : 'no export arrived'}`);
    }
  }

  /** Prometheus value of one series of `target`. */
  async promValue(target: string, metric: string, labels: Readonly<Record<string, string>> = {}): Promise<number | undefined> {
    return promValue(await this.scrape(), metric, { target, ...labels });
  }

  /** Stops the agent, the simulators and the receiver; removes the temp dir. Safe twice. */
  async stop(): Promise<void> {
    await this.agent?.stop();
    this.agent = undefined;
    for (const s of this.sims.values()) await s.close();
    await this.receiver.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  private otelName(metric: string): string {
    const def = this.catalog.get(metric);
    if (!def) throw new Error(`no metric ${metric} in the catalog`);
    return def.otelName;
  }

  /** The value of the one data point of `metric` whose attributes are exactly `labels` (undefined when none). */
  private otlpValue(metrics: Map<string, OtlpMetric>, metric: string, labels: Readonly<Record<string, string>>): number | undefined {
    const m = metrics.get(this.otelName(metric));
    const points = m?.gauge?.dataPoints ?? m?.sum?.dataPoints ?? [];
    const want = JSON.stringify(Object.entries(labels).sort());
    const p = points.find((x) => JSON.stringify(Object.entries(attributesOf(x.attributes)).sort()) === want);
    return p ? valueOf(p) : undefined;
  }

  /** Real-time bounded wait, woken by every hub event; flushes zero-delay timers of the fake clock when `flush`. */
  private async until(check: () => boolean, description: string, flush = false): Promise<void> {
    await waitForCondition(
      () => {
        if (flush) void this.clock.flush();
        return check();
      },
      {
        timeoutMs: REAL_TIME_BOUND_MS,
        pollMs: 10,
        description,
        subscribe: (wake) => this.agent!.hub.onEvent(() => wake()),
      },
    );
  }
}

/** One sample of a Prometheus text page by metric name and exact label set (label order does not matter). */
export function promValue(scrape: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? [];
    if (got.sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}
