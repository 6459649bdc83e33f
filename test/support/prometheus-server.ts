/**
 * A private Prometheus server for real-peer tests: its own config and temporary storage, bound to
 * 127.0.0.1 on a free port, stopped by PID. Requires Debian's `prometheus` package (which also
 * brings `promtool`); a missing binary FAILS the test with a message naming the package.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/** Returns `path` when it exists; otherwise throws (never skips) naming the Debian package to install. */
export function requireBinary(path: string, aptPackage: string): string {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: this real-peer test needs the Debian package "${aptPackage}" (apt-get install -y ${aptPackage})`);
  }
  return path;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await delay(intervalMs);
  }
}

export interface ScrapeJob {
  /** `host:port` of the exporter. */
  readonly target: string;
  /** More `host:port`s scraped by the same job (several agents, or one that is down). */
  readonly moreTargets?: readonly string[];
  readonly job?: string;
  readonly metricsPath?: string;
  readonly scheme?: 'http' | 'https';
  readonly caFile?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

export interface InstantSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** One pending or firing alert (`/api/v1/alerts`). */
export interface ActiveAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly value: string;
}

/** One alerting rule (`/api/v1/rules`). */
export interface AlertRule {
  readonly name: string;
  readonly query: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly health: string;
  readonly lastError?: string;
  /** RFC 3339 time of the rule's last evaluation. */
  readonly lastEvaluation: string;
}

export class PrometheusServer {
  private exited: Promise<void>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8000);
    });
  }

  /**
   * Starts Prometheus scraping `jobs` every `scrapeInterval` (rules are evaluated as often), and waits
   * until it answers /-/ready. `ruleFiles` (absolute paths) are loaded as the server's `rule_files`.
   */
  static async start(jobs: readonly ScrapeJob[], scrapeInterval = '1s', options: { readonly ruleFiles?: readonly string[] } = {}): Promise<PrometheusServer> {
    const bin = requireBinary(PROMETHEUS_BIN, 'prometheus');
    const dir = await mkdtemp(join(tmpdir(), 'rds-prometheus-'));
    const scrapeConfigs = await Promise.all(
      jobs.map(async (j, i) => {
        const lines = [
          `  - job_name: ${JSON.stringify(j.job ?? 'rds-agent')}`,
          `    scrape_interval: ${scrapeInterval}`,
          `    scrape_timeout: ${scrapeInterval}`,
          `    metrics_path: ${JSON.stringify(j.metricsPath ?? '/metrics')}`,
          `    scheme: ${j.scheme ?? 'http'}`,
          `    static_configs:`,
          `      - targets: [${[j.target, ...(j.moreTargets ?? [])].map((t) => JSON.stringify(t)).join(', ')}]`,
        ];
        if (j.caFile) lines.push('    tls_config:', `      ca_file: ${JSON.stringify(j.caFile)}`);
        if (j.basicAuth) {
          const passwordFile = join(dir, `password-${i}`);
          await writeFile(passwordFile, j.basicAuth.password, { mode: 0o600 });
          lines.push('    basic_auth:', `      username: ${JSON.stringify(j.basicAuth.username)}`, `      password_file: ${JSON.stringify(passwordFile)}`);
        }
        return lines.join('\n');
      }),
    );
    const config = join(dir, 'prometheus.yml');
    const rules = options.ruleFiles?.length ? `rule_files:\n${options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n` : '';
    await writeFile(config, `global:\n  scrape_interval: ${scrapeInterval}\n  evaluation_interval: ${scrapeInterval}\n${rules}scrape_configs:\n${scrapeConfigs.join('\n')}\n`);
    const port = await freePort();
    const child = spawn(
      bin,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const server = new PrometheusServer(child, `http://127.0.0.1:${port}`, dir);
    try {
      await pollUntil('Prometheus /-/ready', async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${server.stderr}`);
        const res = await fetch(`${server.url}/-/ready`);
        return res.ok ? true : undefined;
      });
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Runs an instant query; returns the vector result. */
  async query(expr: string): Promise<InstantSample[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: InstantSample[] } };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
    return body.data!.result;
  }

  /** Polls `expr` until some sample's value equals `value` (bounded). */
  async waitForValue(expr: string, value: number, timeoutMs = 30_000): Promise<InstantSample> {
    let last: InstantSample[] = [];
    try {
      return await pollUntil(`${expr} == ${value}`, async () => {
        last = await this.query(expr);
        return last.find((s) => Number(s.value[1]) === value);
      }, timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}; last result: ${JSON.stringify(last)}; prometheus log: ${this.stderr.slice(-1000)}`, { cause: err });
    }
  }

  /** The alerts of the loaded rules that are pending or firing now. */
  async alerts(): Promise<ActiveAlert[]> {
    const res = await fetch(`${this.url}/api/v1/alerts`);
    const body = (await res.json()) as { status: string; data: { alerts: ActiveAlert[] } };
    if (body.status !== 'success') throw new Error(`/api/v1/alerts answered ${res.status}`);
    return body.data.alerts;
  }

  /** The loaded alerting rules as Prometheus parsed them (name, query, labels, annotations, health). */
  async alertRules(): Promise<AlertRule[]> {
    const res = await fetch(`${this.url}/api/v1/rules?type=alert`);
    const body = (await res.json()) as { status: string; data: { groups: { rules: AlertRule[] }[] } };
    if (body.status !== 'success') throw new Error(`/api/v1/rules answered ${res.status}`);
    return body.data.groups.flatMap((g) => g.rules);
  }

  /** The scrape targets as Prometheus sees them (health, lastError). */
  async targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]> {
    const res = await fetch(`${this.url}/api/v1/targets`);
    const body = (await res.json()) as { data: { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] } };
    return body.data.activeTargets;
  }

  /** Stops the server by its PID (SIGTERM, then SIGKILL after 10 s) and removes its storage. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      process.kill(this.child.pid, 'SIGTERM');
      const killed = await Promise.race([this.exited.then(() => false), delay(10_000, true)]);
      if (killed && this.child.exitCode === null) {
        process.kill(this.child.pid, 'SIGKILL');
        await this.exited;
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs promtool with `args`, feeding `input` on stdin. */
export function promtool(args: readonly string[], input?: string, cwd?: string): SpawnSyncReturns<string> {
  const bin = requireBinary(PROMTOOL_BIN, 'prometheus');
  return spawnSync(bin, args, { input, cwd, encoding: 'utf8', timeout: 60_000 });
}
