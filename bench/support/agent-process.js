// The real agent (`rds-agent run -c <config>`, the built CLI) as a child process of a bench, with
// the bench preload for memory/heap requests. Logs (JSON lines) are counted, not kept, except the
// lines a bench asks to keep. Stopped by PID.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { cpuMs, memoryOf } from './proc-stats.js';
import { until } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const CLI = join(REPO_ROOT, 'packages', 'agent', 'dist', 'cli', 'main.js');
const PRELOAD = pathToFileURL(join(here, 'agent-probe-preload.js')).href;
/** What Prometheus 2.x sends. */
export const PROM_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/**
 * YAML for `targets` (indices into `fleet`), sharing the fleet's host key and client key.
 * `monitor` and `options` are merged into every target's top-level monitor section / options.
 */
export function fleetConfig({ fleet, indices, monitor = {}, options = {}, logLevel = 'info', extra = '' }) {
  const lines = [`logLevel: ${logLevel}`, 'logFormat: json', 'shutdownTimeout: 20s'];
  const monitorKeys = Object.entries(monitor);
  if (monitorKeys.length > 0) lines.push('monitor:', ...monitorKeys.map(([k, v]) => `  ${k}: ${v}`));
  lines.push('exporters:', '  prometheus:', '    enabled: true', '    host: 127.0.0.1', '    port: 0');
  lines.push('targets:');
  const opt = Object.entries(options).map(([k, v]) => `      ${k}: ${v}`);
  for (const i of indices) {
    lines.push(
      `  - name: ${targetName(i)}`,
      '    transport: rds-ssh',
      '    options:',
      '      host: 127.0.0.1',
      `      port: ${fleet.ports[i]}`,
      `      username: ${fleet.username}`,
      `      privateKeyFile: ${JSON.stringify(fleet.keyFile)}`,
      `      hostKeyFingerprints: [${JSON.stringify(fleet.fingerprint)}]`,
      ...opt,
    );
  }
  return lines.join('\n') + '\n' + extra;
}

export const targetName = (i) => `rds-${String(i).padStart(4, '0')}`;

export class AgentProcess {
  /** Starts the agent on `configText`; resolves once its Prometheus exporter listens. */
  static async start(configText, { nodeArgs = [], env = {}, keep = () => false } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'rds-bench-agent-'));
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, configText, { mode: 0o600 });
    const agent = new AgentProcess(dir, configFile, nodeArgs, env, keep);
    try {
      agent.url = await agent.waitForListening();
    } catch (err) {
      await agent.stop();
      throw err;
    }
    return agent;
  }

  constructor(dir, configFile, nodeArgs, env, keep) {
    this.dir = dir;
    this.startedAt = Date.now();
    this.counts = new Map();
    this.kept = [];
    this.keep = keep;
    this.waiters = new Set();
    const childEnv = { ...process.env, ...env };
    for (const k of Object.keys(childEnv)) if (k.startsWith('RDS_AGENT_')) delete childEnv[k];
    this.child = fork(CLI, ['run', '-c', configFile], {
      cwd: REPO_ROOT,
      execArgv: ['--import', PRELOAD, ...nodeArgs],
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.stderr = '';
    let partial = '';
    this.child.stdout.on('data', (chunk) => {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const text of lines) this.onLine(text);
    });
    this.child.stderr.on('data', (c) => (this.stderr = (this.stderr + c.toString('utf8')).slice(-8000)));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.nextId = 1;
    this.pending = new Map();
    this.child.on('message', (msg) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    this.http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  onLine(text) {
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      line = { msg: text };
    }
    const msg = String(line.msg ?? '');
    this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
    if (this.keep(line) || msg === 'prometheus exporter listening') this.kept.push(line);
    for (const w of [...this.waiters]) w(line);
  }

  get pid() {
    return this.child.pid;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  count(msg) {
    return this.counts.get(msg) ?? 0;
  }

  /** Resolves with the next log line matching `match` (bounded). */
  nextLog(match, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching agent log line within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (line) => {
        if (!match(line)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(line);
      };
      this.waiters.add(check);
    });
  }

  async waitForListening() {
    const found = await until(
      'the agent\'s "prometheus exporter listening" log line',
      () => {
        if (!this.running) throw new Error(`agent exited early: ${this.stderr}`);
        const line = this.kept.find((l) => l.msg === 'prometheus exporter listening');
        return line ? new URL(String(line.url)).origin : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    return found;
  }

  cpuMs() {
    return cpuMs(this.pid) ?? NaN;
  }

  memory() {
    return memoryOf(this.pid);
  }

  /** A request to the preload (memory, loop-delay, snapshot). */
  ask(cmd, payload = {}, timeoutMs = 30_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`agent did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({ id, cmd, ...payload });
    });
  }

  /** GET `path` on the exporter over one kept-alive connection; resolves { status, body (decoded text), bytes, ms }. */
  get(path, { headers = {}, timeoutMs = 30_000 } = {}) {
    const url = new URL(path, this.url);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent: this.http, headers, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const ms = performance.now() - started;
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
          resolve({ status: res.statusCode, body, bytes: raw.length, ms });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** The /status document; a starved agent gets `attempts` tries of `timeoutMs` each. */
  async status({ timeoutMs = 60_000, attempts = 3 } = {}) {
    return JSON.parse(await this.getWithRetry('/status', timeoutMs, attempts));
  }

  /** Counts of targets per state from /status. */
  async states() {
    const counts = {};
    for (const t of (await this.status()).targets) counts[t.state] = (counts[t.state] ?? 0) + 1;
    return counts;
  }

  /** The text exposition; a starved agent gets `attempts` tries of `timeoutMs` each. */
  metricsText({ timeoutMs = 60_000, attempts = 3 } = {}) {
    return this.getWithRetry('/metrics', timeoutMs, attempts);
  }

  async getWithRetry(path, timeoutMs, attempts) {
    let last;
    for (let i = 0; i < attempts; i++) {
      try {
        const res = await this.get(path, { timeoutMs });
        if (res.status === 200) return res.body;
        last = new Error(`${path} answered ${res.status}`);
      } catch (err) {
        last = err;
        // A timed-out request leaves the kept-alive socket in an unknown state: start afresh.
        this.http.destroy();
        this.http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
      }
    }
    throw last;
  }

  /** SIGTERM by PID, SIGKILL after `timeoutMs`; removes the temp dir. Resolves with the exit. */
  async stop(timeoutMs = 30_000) {
    if (this.running) {
      process.kill(this.pid, 'SIGTERM');
      const timer = setTimeout(() => this.running && process.kill(this.pid, 'SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.http.destroy();
    rmSync(this.dir, { recursive: true, force: true });
    return this.exited;
  }
}
