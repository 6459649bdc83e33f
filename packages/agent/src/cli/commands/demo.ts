import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger } from '@rds-agent/core/host';
import type { RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import type { CliIo } from '../cli-io.js';
import { defineCommand, type Command } from '../command.js';
import { parseDurationFlag } from '../parse-args.js';
import { UsageError } from '../usage-error.js';
import { AgentRunner } from '../../runtime/agent-runner.js';
import { loadAgentConfig } from '../../runtime/load-config.js';
import { Chaos } from '../../demo/chaos.js';
import { choosePort, DEMO_DEFAULT_PORT } from '../../demo/free-port.js';
import { OtlpSink } from '../../demo/otlp-sink.js';
import { renderStatusTable, rowFromStatus } from '../../output/status-rows.js';

const DEMO_TARGETS = [
  { name: 'rds-a', identity: 'RDS-A (steady)' },
  { name: 'rds-b', identity: 'RDS-B' },
] as const;

/** The demo's config: short probe intervals and backoff so that every reaction is visible within seconds. */
export function demoConfig(opts: { dir: string; sims: readonly RdsSimulator[]; promPort: number; otelEndpoint: string; otelProtocol: string }): string {
  const targets = opts.sims
    .map(
      (sim, i) => `  - name: ${DEMO_TARGETS[i]!.name}
    transport: rds-ssh
    options:
      host: 127.0.0.1
      port: ${sim.port}
      username: ${sim.username}
      privateKeyFile: ${JSON.stringify(join(opts.dir, `${DEMO_TARGETS[i]!.name}.key`))}
      hostKeyFingerprints: [${JSON.stringify(sim.hostKeyFingerprint)}]
      connectTimeout: 3s`,
    )
    .join('\n');
  return `# Written by "rds-agent demo": two simulated RDS devices on 127.0.0.1, both exporters.
logLevel: info
shutdownTimeout: 5s
monitor:
  probeInterval: 2s
  probeTimeout: 1500ms
  connectTimeout: 3s
  firstAttemptJitter: 500ms
backoff:
  strategy: exponential
  initialInterval: 500ms
  multiplier: 2
  maxInterval: 8s
  randomizationFactor: 0.1
targets:
${targets}
exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: ${opts.promPort}
  otel:
    enabled: true
    endpoint: ${JSON.stringify(opts.otelEndpoint)}
    protocol: ${opts.otelProtocol}
    exportInterval: 5s
    exportTimeout: 4s
`;
}

export const demoCommand: Command = defineCommand({
  name: 'demo',
  summary: 'run the agent against two bundled RDS simulators (try --chaos)',
  help: `Usage: rds-agent demo [--chaos] [--port 9464] [--otel-endpoint <url>] [--duration <dur>]

Starts two simulated ROSE Data Server SSH endpoints on 127.0.0.1 (in-process;
their client keys go to a temporary directory), then the agent against them
with both exporters:
  - prometheus on http://127.0.0.1:9464 (a free port if that is taken, or
    --port): /metrics, /status, /
  - otel pushing OTLP/HTTP every 5 s to a tiny in-process receiver that only
    counts what arrives, or to a real collector given with --otel-endpoint
and shows a live status table (redrawn every second on a terminal, one line
per second otherwise). Ctrl-C stops everything and deletes the temp files.

Options:
  --chaos               make rds-b fail on a schedule: dropped connections,
                        an outage (refused), a hang; watch detection and backoff;
                        and storage faults: a degraded array, a stopped fan, a
                        rebuild, a failed PSU, a hot CPU, btrfs errors, ...
  --port <n>            prometheus port; fails when it is taken (0: any free
                        port; default ${DEMO_DEFAULT_PORT}, or a free one if taken)
  --otel-endpoint <url> send OTLP to this collector instead (e.g.
                        http://127.0.0.1:4318/v1/metrics)
  --otel-protocol <p>   http/protobuf (default), http/json or grpc
  --duration <dur>      stop by itself after this long (e.g. 30s)
  -h, --help            show this help
`,
  options: {
        chaos: { type: 'boolean' },
        port: { type: 'string' },
        'otel-endpoint': { type: 'string' },
        'otel-protocol': { type: 'string' },
        duration: { type: 'string' },
      },
  async execute(context) {
    const { values, io } = context;
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!/^\d+$/.test(values.port!) || port > 65535)) throw new UsageError(`--port expects a port number (0-65535): got ${JSON.stringify(values.port)}`);
    const protocol = values['otel-protocol'] ?? 'http/protobuf';
    if (!['http/protobuf', 'http/json', 'grpc'].includes(protocol)) throw new UsageError(`--otel-protocol expects http/protobuf, http/json or grpc: got ${JSON.stringify(protocol)}`);
    const durationMs = values.duration === undefined ? null : parseDurationFlag('duration', values.duration, 0);
    return await runDemo(io, { chaos: values.chaos === true, port, otelEndpoint: values['otel-endpoint'] ?? null, protocol, durationMs });
  },
});

interface DemoOptions {
  readonly chaos: boolean;
  /** `--port`, when given (0: a free one). */
  readonly port: number | undefined;
  readonly otelEndpoint: string | null;
  readonly protocol: string;
  readonly durationMs: number | null;
}

/**
 * Loads the RDS simulator on demand: a release built without it (`npm run package` leaves it out
 * unless given --with-simulator) still runs every other command, and `demo` says what is missing.
 */
async function loadSimulator(): Promise<typeof import('@rds-agent/rds-ssh-plugin/testing')> {
  try {
    return await import('@rds-agent/rds-ssh-plugin/testing');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'this build of rds-agent leaves out the RDS simulator that demo needs: build a release with `npm run package -- --with-simulator`, or run `npm run demo` in a checkout',
      { cause: err },
    );
  }
}

async function runDemo(io: CliIo, options: DemoOptions): Promise<number> {
  const { startRdsSimulator } = await loadSimulator();
  // Before anything starts: a port asked for and taken is an error, not a move elsewhere.
  const promPort = await choosePort(options.port);
  const dir = await mkdtemp(join(tmpdir(), 'rds-agent-demo-'));
  const sims: RdsSimulator[] = [];
  let sink: OtlpSink | undefined;
  let chaos: Chaos | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  try {
    for (const t of DEMO_TARGETS) {
      const sim = await startRdsSimulator({ host: '127.0.0.1', device: { identity: t.identity } });
      sims.push(sim);
      const keyFile = join(dir, `${t.name}.key`);
      await writeFile(keyFile, sim.clientPrivateKey ?? '', { mode: 0o600 });
      await chmod(keyFile, 0o600);
    }
    if (!options.otelEndpoint) sink = await OtlpSink.start();
    const configFile = join(dir, 'config.yaml');
    await writeFile(configFile, demoConfig({ dir, sims, promPort, otelEndpoint: options.otelEndpoint ?? sink!.url, otelProtocol: options.otelEndpoint ? options.protocol : 'http/protobuf' }));
    const logFile = join(dir, 'agent.log');
    const logger = createLogger('info', {}, pino.destination({ dest: logFile, sync: true }));
    const prepared = await loadAgentConfig({ file: configFile, env: {}, logger });
    const runner = new AgentRunner({ prepared, logger, io, reloadConfig: () => loadAgentConfig({ file: configFile, env: {}, logger }) });
    await runner.start();

    const base = `http://127.0.0.1:${promPort}`;
    const moved = options.port === undefined && promPort !== DEMO_DEFAULT_PORT;
    const intro =
      `rds-agent demo: 2 simulated RDS devices (${sims.map((s, i) => `${DEMO_TARGETS[i]!.name} on 127.0.0.1:${s.port}`).join(', ')})\n` +
      (moved ? `  note:         port ${DEMO_DEFAULT_PORT} is in use, so prometheus listens on ${promPort} (--port chooses)\n` : '') +
      `  metrics:      ${base}/metrics\n  status JSON:  ${base}/status   (or: rds-agent status --url ${base} --watch)\n  landing page: ${base}/\n` +
      `  OTLP:         ${options.otelEndpoint ? `pushing to ${options.otelEndpoint}` : `pushing every 5 s to a local counting receiver (${sink!.url}); use --otel-endpoint for a real collector`}\n` +
      `  config:       ${configFile}\n  agent log:    ${logFile}\n` +
      `${options.chaos ? '  chaos:        on (rds-b drops, goes down, hangs and recovers on a loop; its storage degrades and recovers)\n' : '  chaos:        off (try: npm run demo -- --chaos)\n'}` +
      `Ctrl-C to stop.\n`;
    io.stdout.write(`${intro}\n`);

    if (options.chaos) {
      chaos = new Chaos(sims[1]!, (label) => {
        logger.warn({ target: 'rds-b', chaos: label }, 'chaos');
        if (io.stdout.isTTY !== true) io.stdout.write(`${new Date().toISOString().slice(11, 19)} chaos: ${label}\n`);
      });
      chaos.start();
    }
    const tty = io.stdout.isTTY === true;
    const draw = (): void => {
      const now = Date.now();
      const rows = runner.agent.status.list().map(rowFromStatus);
      const otlp = sink ? `OTLP receiver: ${sink.requests} exports, ${sink.bytes} bytes` : `OTLP: pushing to ${options.otelEndpoint}`;
      if (tty) {
        io.stdout.write(`\x1b[H\x1b[2J${intro}\n${renderStatusTable(rows, now)}\n${otlp}\n${chaos ? `chaos: ${chaos.current}\n` : ''}`);
      } else {
        const line = rows.map((r) => `${r.target}=${r.state}${r.reason && r.reason !== r.state ? `(${r.reason})` : ''}${r.latencyMs !== null && r.state === 'connected' ? ` ${r.latencyMs.toFixed(1)}ms` : ''}${r.attempts > 0 ? ` attempts=${r.attempts}` : ''}`).join('  ');
        io.stdout.write(`${new Date(now).toISOString().slice(11, 19)} ${line}  otlp=${sink ? sink.requests : '-'}\n`);
      }
    };
    ticker = setInterval(draw, 1000);
    ticker.unref();
    if (options.durationMs !== null) {
      stopTimer = setTimeout(() => void runner.stop(), options.durationMs);
      stopTimer.unref();
    }
    const code = await runner.untilStopped();
    clearInterval(ticker);
    draw();
    io.stdout.write(`demo stopped${sink ? `; the OTLP receiver got ${sink.requests} exports` : ''}\n`);
    return code;
  } finally {
    clearInterval(ticker);
    clearTimeout(stopTimer);
    await chaos?.stop();
    await Promise.all(sims.map((s) => s.close().catch(() => undefined)));
    await sink?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
