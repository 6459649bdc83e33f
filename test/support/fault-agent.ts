/**
 * Helpers for the fault-matrix suites, which drive the built `rds-agent run` as a child process and
 * judge it only by what an operator sees: `/status`, the `/metrics` series and the process itself.
 * Every wait is bounded; every agent is stopped by its PID.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentProcess } from './agent-cli.js';

/** One target of the `/status` document (the fields the fault tests read). */
export interface TargetStatusView {
  readonly target: string;
  readonly state: string;
  readonly reason: string;
  readonly attempts: number;
  readonly probeMode: string | null;
  readonly lastError: { readonly code: string; readonly reason: string; readonly message: string; readonly at: string } | null;
}

/** The agent-wide settings of the fault suites: every reaction within a second or two. */
export const FAULT_SETTINGS = `logLevel: info
logFormat: json
shutdownTimeout: 5s
monitor:
  probeInterval: 1s
  probeTimeout: 1s
  connectTimeout: 3s
  firstAttemptJitter: 0
  telemetryInterval: 0
backoff:
  strategy: exponential
  initialInterval: 100ms
  maxInterval: 500ms
  randomizationFactor: 0
`;

/** The Prometheus exporter on a free port of 127.0.0.1, without process metrics. */
export const PROMETHEUS_ON_ANY_PORT = `exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
`;

/** Where and how an `rds-ssh` target logs in. */
export interface SshLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly keyFile: string;
  readonly fingerprints: readonly string[];
}

/** A YAML `rds-ssh` target entry (for a `targets:` list); `options` are extra transport options, one per line. */
export function sshTargetYaml(name: string, login: SshLogin, options: readonly string[] = []): string {
  return [
    `  - name: ${name}`,
    '    transport: rds-ssh',
    '    options:',
    `      host: ${JSON.stringify(login.host)}`,
    `      port: ${login.port}`,
    `      username: ${login.user}`,
    `      privateKeyFile: ${JSON.stringify(login.keyFile)}`,
    `      hostKeyFingerprints: [${login.fingerprints.map((f) => JSON.stringify(f)).join(', ')}]`,
    '      connectTimeout: 2s',
    ...options.map((o) => `      ${o}`),
    '',
  ].join('\n');
}

/** A running agent with its exporter's base URL. */
export interface RunningAgent {
  readonly process: AgentProcess;
  readonly url: string;
  readonly file: string;
}

/** Writes `config` to `<dir>/<name>.yaml` and starts `rds-agent run` on it; resolves once its exporter listens. */
export async function startAgent(dir: string, name: string, config: string, env: Record<string, string> = {}): Promise<RunningAgent> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, config);
  const agent = new AgentProcess(['run', '-c', file], env);
  try {
    return { process: agent, url: await agent.prometheusUrl(15_000), file };
  } catch (err) {
    agent.kill();
    throw err;
  }
}

/** The process survived everything the test did: it still runs, then stops on SIGTERM with exit 0. */
export async function assertSurvivesAndStops(agent: AgentProcess, timeoutMs = 15_000): Promise<void> {
  assert.ok(agent.running, `the agent is still running\nstdout:\n${agent.stdout.slice(-4000)}\nstderr:\n${agent.stderr}`);
  agent.signal('SIGTERM');
  const exit = await agent.waitForExit(timeoutMs);
  assert.equal(exit.code, 0, `exit code after SIGTERM (${exit.elapsedMs} ms)\nstderr:\n${agent.stderr}`);
  assert.equal(agent.stderr, '', 'nothing on stderr');
}

/** Request headers for an exporter behind basic auth. */
export type Headers = Readonly<Record<string, string>>;

export async function targetStatus(url: string, target: string, headers: Headers = {}): Promise<TargetStatusView | undefined> {
  const res = await fetch(`${url}/status`, { headers, signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, '/status answers');
  const doc = (await res.json()) as { targets: TargetStatusView[] };
  return doc.targets.find((t) => t.target === target);
}

/** Polls `/status` until `check` holds for `target`; returns that status. */
export async function waitForTarget(
  url: string,
  target: string,
  check: (s: TargetStatusView) => boolean,
  options: { timeoutMs?: number; description?: string; headers?: Headers } = {},
): Promise<TargetStatusView> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let last: TargetStatusView | undefined;
  for (;;) {
    last = await targetStatus(url, target, options.headers).catch(() => last);
    if (last && check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.description ?? `a status of ${target}`}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One parsed exposition sample. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the classic text exposition (the lines this exporter writes: no timestamps, no exemplars). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      const body = line.slice(brace + 1, line.lastIndexOf('}'));
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name, labels, value: Number(line.slice(space + 1)) });
  }
  return samples;
}

export async function scrape(url: string, headers: Headers = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, '/metrics answers');
  return res.text();
}

/** The value of the one series `name{labels...}` (a label subset selects it), or undefined. */
export function seriesValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = parseExposition(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(hits.length <= 1, `${name}${JSON.stringify(labels)} selects ${hits.length} series`);
  return hits[0]?.value;
}

/** Every value of `name` per `label` (e.g. the reasons of `rds_disconnects_total`), for messages and exact checks. */
export function seriesBy(text: string, name: string, label: string, where: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of parseExposition(text)) {
    if (s.name !== name || !Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
    out[s.labels[label] ?? ''] = s.value;
  }
  return out;
}

/** The entries of `r` above 0 (the exporter shows some series at 0 before anything happened). */
export function nonZero(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v > 0));
}

/** Polls `/metrics` until `check(text)` holds; returns that page. */
export async function waitForMetrics(
  url: string,
  check: (text: string) => boolean,
  options: { timeoutMs?: number; description?: string; headers?: Headers } = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await scrape(url, options.headers).catch(() => text);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a metric'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
