/**
 * Helpers for tests that drive the built `rds-agent` CLI as a child process (the behaviour under
 * test is process-level: exit codes, signals, stdout/stderr). Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLineError, parseJsonLogLine } from '@rds-agent/core/testing';
import { generateKeyPair, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';

/** The built CLI entry (`test/dist/support/` -> repo root). */
export const CLI_PATH = fileURLToPath(new URL('../../../packages/agent/dist/cli/main.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for children: the test's own, minus anything that would change the agent's config. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RDS_AGENT_')) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `rds-agent <args>` to completion (killed after `timeoutMs`). */
export function runCli(args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: childEnv(options.env), cwd: options.cwd ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rds-agent ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    timer.unref();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const problems: string[] = [];
      // Both streams: a log line on stderr is held to the same rule.
      for (const line of `${stdout}\n${stderr}`.split('\n')) toLogLine(line, problems);
      if (problems.length > 0) reject(new Error(logProblemsMessage(`rds-agent ${args.join(' ')}`, problems)));
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/** One JSON log line of the agent (pino, with level names: `"level":"info"`). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/**
 * A line of a child's stdout as a {@link LogLine}: a JSON object line is checked by
 * `parseJsonLogLine` (a key twice is recorded in `problems`, the line is still returned as JSON.parse
 * reads it), anything else (`status --watch` output) becomes `{ msg: line }`.
 */
function toLogLine(line: string, problems: string[]): LogLine {
  try {
    return parseJsonLogLine(line) as LogLine;
  } catch (err) {
    if (!(err instanceof LogLineError) || err.key === undefined) return { msg: line };
    problems.push(err.message);
    return JSON.parse(line) as LogLine;
  }
}

function logProblemsMessage(who: string, problems: readonly string[]): string {
  return `${who} wrote ${problems.length} log line(s) with a key twice:\n${problems.join('\n')}`;
}

/** Every AgentProcess, so a bad line no test got to see still fails the run (see the exit hook below). */
const everyProcess = new Set<AgentProcess>();
process.on('exit', () => {
  for (const p of everyProcess) {
    if (p.logProblems.length > p.reportedProblems) {
      process.stderr.write(`${logProblemsMessage(`rds-agent ${p.args.join(' ')}`, p.logProblems)}\n`);
      process.exitCode = 1;
    }
  }
});

/**
 * A running `rds-agent run` child: its JSON log lines, ways to wait for one, signals, and its exit.
 * Stop it in `after()`/`finally` with {@link AgentProcess.kill} (SIGKILL by PID) if a test failed.
 *
 * Every JSON line it writes is checked for a key written twice: {@link AgentProcess.waitForLog}
 * and {@link AgentProcess.waitForExit} fail the test with the offending lines once one was seen
 * (and the test run fails at exit if no test got to see it).
 */
export class AgentProcess {
  readonly logs: LogLine[] = [];
  /** The check's findings, one message per bad line (naming the key and quoting the line). */
  readonly logProblems: string[] = [];
  /** How many of {@link AgentProcess.logProblems} a test has been failed with. */
  reportedProblems = 0;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();
  private readonly child: ChildProcess;

  constructor(
    readonly args: readonly string[],
    env: Record<string, string> = {},
  ) {
    everyProcess.add(this);
    this.child = spawn(process.execPath, [CLI_PATH, ...args], { env: childEnv(env), cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (c: Buffer) => {
      const text = c.toString();
      this.stdout += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.logs.push(toLogLine(line, this.logProblems));
      this.wake();
    });
    let partialErr = '';
    this.child.stderr!.on('data', (c: Buffer) => {
      const text = c.toString();
      this.stderr += text;
      partialErr += text;
      const lines = partialErr.split('\n');
      partialErr = lines.pop()!;
      // Only checked: the tests read the log from stdout, but a JSON line on stderr is a log line too.
      for (const line of lines) toLogLine(line, this.logProblems);
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        // A last line without its newline (a crash mid-write) is still a line the agent wrote.
        if (partial !== '') this.logs.push(toLogLine(partial, this.logProblems));
        if (partialErr !== '') toLogLine(partialErr, this.logProblems);
        resolve({ code, signal });
      }),
    );
    void this.exited.then(() => this.wake());
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Last resort cleanup: SIGKILL this child (by its handle/PID) if it still runs. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Resolves with the first log line (from index `from`) matching `match`; rejects after `timeoutMs` or when the process exits. */
  async waitForLog(match: (line: LogLine) => boolean, options: { timeoutMs?: number; from?: number; description?: string } = {}): Promise<LogLine> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.throwLogProblems();
      const found = this.logs.slice(options.from ?? 0).find(match);
      if (found) return found;
      if (!this.running) throw new Error(`agent exited before ${options.description ?? 'the expected log line'}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a log line'}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 250));
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** The Prometheus exporter's base URL, from its "listening" log line (configs use port 0). */
  async prometheusUrl(timeoutMs = 10_000): Promise<string> {
    const line = await this.waitForLog((l) => l.msg === 'prometheus exporter listening', { timeoutMs, description: 'prometheus exporter listening' });
    return new URL(String(line['url'])).origin;
  }

  /** Waits for exit, SIGKILLing after `timeoutMs`. */
  async waitForExit(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }> {
    const started = Date.now();
    const timer = setTimeout(() => this.kill(), timeoutMs);
    timer.unref();
    const result = await this.exited;
    clearTimeout(timer);
    // 'close' comes after stdout ended: every line has been checked by now.
    this.throwLogProblems();
    return { ...result, elapsedMs: Date.now() - started };
  }

  /** Fails the calling test when a line with a key twice was written (all of them, quoted). */
  private throwLogProblems(): void {
    if (this.logProblems.length === 0) return;
    this.reportedProblems = this.logProblems.length;
    throw new Error(logProblemsMessage(`rds-agent ${this.args.join(' ')}`, this.logProblems));
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }
}

/** A private temp dir, removed by `cleanup()`. */
export async function tempDir(prefix = 'rds-agent-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a simulator's generated client key (mode 0600) and returns the path. */
export async function writeClientKey(dir: string, name: string, sim: RdsSimulator): Promise<string> {
  const file = join(dir, `${name}.key`);
  await writeFile(file, sim.clientPrivateKey ?? '', { mode: 0o600 });
  return file;
}

/** A fresh OpenSSH private key no device accepts: `validate` parses key files, so a placeholder fails it. */
export async function writeUnusedKey(dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, generateKeyPair('ed25519').private, { mode: 0o600 });
  return file;
}

/** A YAML `rds-ssh` target entry for a simulator (indented for a `targets:` list). */
export function simTarget(name: string, sim: RdsSimulator, keyFile: string, extra = ''): string {
  return `  - name: ${name}
    transport: rds-ssh
    options:
      host: 127.0.0.1
      port: ${sim.port}
      username: ${sim.username}
      privateKeyFile: ${JSON.stringify(keyFile)}
      hostKeyFingerprints: [${JSON.stringify(sim.hostKeyFingerprint)}]
${extra}`;
}

/** Fast monitor/backoff settings so that every reaction in a test happens within a second or two. */
export const FAST_SETTINGS = `logLevel: info
logFormat: json
shutdownTimeout: 5s
monitor:
  probeInterval: 300ms
  probeTimeout: 300ms
  connectTimeout: 2s
  firstAttemptJitter: 0
backoff:
  strategy: exponential
  initialInterval: 100ms
  maxInterval: 500ms
  randomizationFactor: 0
`;

/** Fetches a running agent's `/status` JSON. */
export async function fetchStatus(baseUrl: string): Promise<{ targets: { target: string; state: string; reason: string }[] }> {
  const res = await fetch(`${baseUrl}/status`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`/status answered ${res.status}`);
  return (await res.json()) as { targets: { target: string; state: string; reason: string }[] };
}

/** Polls `/status` until `check` holds (bounded real-time wait; a real peer is involved). */
export async function waitForStatus(
  baseUrl: string,
  check: (targets: Map<string, string>) => boolean,
  options: { timeoutMs?: number; description?: string } = {},
): Promise<Map<string, string>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last = new Map<string, string>();
  while (Date.now() < deadline) {
    try {
      last = new Map((await fetchStatus(baseUrl)).targets.map((t) => [t.target, t.state]));
      if (check(last)) return last;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${options.description ?? 'status'}; last: ${JSON.stringify([...last])}`);
}

/** Waits (bounded) until `check()` holds; for counters on in-process peers such as the simulator. */
export async function eventually(check: () => boolean, timeoutMs: number, description: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
