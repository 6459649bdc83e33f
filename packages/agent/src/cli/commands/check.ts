import { performance } from 'node:perf_hooks';
import { ErrorCode, Metrics, isTelemetrySource, isTransportDescriber, TransportError, type Logger, type TelemetryInput, type TelemetrySample, type Transport } from '@rds-agent/core';
import { silentLogger, SystemClock, SystemRandom, type ComponentRegistry, type TargetConfig } from '@rds-agent/core/host';
import { keyscan, RDS_SSH_TRANSPORT } from '@rds-agent/rds-ssh-plugin';
import { CONFIG_OPTIONS, defineCommand, loadConfigFromFlags, type Command } from '../command.js';
import { renderTable } from '../../output/table.js';

/** What `check` found for one target. */
export interface CheckResult {
  readonly target: string;
  readonly transport: string;
  readonly state: 'up' | 'down';
  readonly connectMs: number | null;
  readonly probeLatencyMs: number | null;
  /** The host key the peer presented (`SHA256:...`) and whether the config pins it, when known. */
  readonly hostKey: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly error: { readonly code: string; readonly reason: string; readonly message: string } | null;
  /** Each telemetry input run once over the checked connection (like `telegraf --test`). */
  readonly inputs: readonly InputCheck[];
}

/** One telemetry input's run during `check`. */
export interface InputCheck {
  readonly input: string;
  /** `unsupported`: the device does not know its commands (the agent disables it; not a failure). */
  readonly outcome: 'ok' | 'failed' | 'unsupported';
  readonly durationMs: number;
  readonly bytesRead: number | null;
  readonly samples: readonly TelemetrySample[];
  readonly rejected: readonly { readonly reason: string; readonly count: number }[];
  readonly error: { readonly code: string; readonly reason: string; readonly message: string } | null;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * Connects to one target once, exactly as the monitor would (same transport factory, connect under
 * the target's connectTimeout, one probe under its probeTimeout), then closes.
 */
export async function checkTarget(tc: TargetConfig, registry: ComponentRegistry, logger: Logger): Promise<CheckResult> {
  const base = { target: tc.name, transport: tc.transport };
  const definition = registry.transport(tc.transport);
  if (!definition) {
    return { ...base, state: 'down', connectMs: null, probeLatencyMs: null, hostKey: null, labels: {}, inputs: [], error: { code: 'RDS_AGENT_ERR_CONFIG', reason: 'config', message: `no plugin provides transport ${tc.transport}` } };
  }
  const hostKey = tc.transport === RDS_SSH_TRANSPORT ? scanHostKey(tc) : Promise.resolve(null);
  let connectMs: number | null = null;
  let probeLatencyMs: number | null = null;
  let labels: Readonly<Record<string, string>> = {};
  let error: CheckResult['error'] = null;
  let inputs: InputCheck[] = [];
  let transport;
  try {
    transport = definition.create(tc.options, { target: tc.name, logger, clock: new SystemClock(), random: new SystemRandom() });
    const t0 = performance.now();
    await transport.connect(AbortSignal.timeout(tc.monitor.connectTimeout));
    connectMs = round(performance.now() - t0);
    const t1 = performance.now();
    const probe = await transport.probe(AbortSignal.timeout(tc.monitor.probeTimeout));
    probeLatencyMs = round(probe.latencyMs ?? performance.now() - t1);
    if (isTransportDescriber(transport)) labels = transport.describe();
    if (tc.monitor.telemetryInterval > 0) inputs = await checkInputs(transport, tc);
  } catch (err) {
    const te = TransportError.from(err);
    error = { code: te.code, reason: te.reason, message: te.message };
  } finally {
    await transport?.close().catch(() => undefined);
  }
  return { ...base, state: error ? 'down' : 'up', connectMs, probeLatencyMs, hostKey: await hostKey, labels, error, inputs };
}

/** Runs every telemetry input of the transport once, one after the other, each under its own deadline. */
async function checkInputs(transport: Transport, tc: TargetConfig): Promise<InputCheck[]> {
  if (!isTelemetrySource(transport)) return [];
  const list: readonly TelemetryInput[] = transport.telemetryInputs
    ? transport.telemetryInputs()
    : [{ name: 'collect', intervalMs: tc.monitor.telemetryInterval, timeoutMs: tc.monitor.telemetryTimeout, collect: async (s) => ({ samples: await transport.collect!(s), bytesRead: Number.NaN }) }];
  const out: InputCheck[] = [];
  for (const input of list) {
    const t0 = performance.now();
    try {
      const reading = await input.collect(AbortSignal.timeout(input.timeoutMs > 0 ? input.timeoutMs : 30_000));
      out.push({
        input: input.name,
        outcome: 'ok',
        durationMs: round(performance.now() - t0),
        bytesRead: Number.isFinite(reading.bytesRead) ? reading.bytesRead : null,
        samples: reading.samples,
        rejected: reading.rejected ?? [],
        error: null,
      });
    } catch (err) {
      const te = TransportError.from(err);
      out.push({
        input: input.name,
        outcome: te.code === ErrorCode.UNSUPPORTED ? 'unsupported' : 'failed',
        durationMs: round(performance.now() - t0),
        bytesRead: null,
        samples: [],
        rejected: [],
        error: { code: te.code, reason: te.reason, message: te.message },
      });
    }
  }
  return out;
}

/**
 * A sample as `telegraf --test` prints a point: the metric by the name /metrics gives it (the
 * catalog id for a metric outside the catalog), its labels and the value.
 */
function sampleLine(s: TelemetrySample): string {
  const labels = Object.entries(s.labels ?? {})
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  const name = (Metrics as Readonly<Record<string, { readonly name: string } | undefined>>)[s.metric]?.name ?? s.metric;
  return `    ${name}${labels ? `{${labels}}` : ''} ${s.value}`;
}

async function scanHostKey(tc: TargetConfig): Promise<string | null> {
  const { host, port, hostKeyFingerprints } = tc.options as { host: string; port: number; hostKeyFingerprints?: readonly string[] };
  try {
    const keys = await keyscan(host, port, { clock: new SystemClock(), timeoutMs: tc.monitor.connectTimeout });
    const pinned = new Set(hostKeyFingerprints ?? []);
    return keys.map((k) => `${k.fingerprint}${pinned.size === 0 ? '' : pinned.has(k.fingerprint) ? ' (pinned)' : ' (NOT pinned)'}`).join(', ') || null;
  } catch {
    return null;
  }
}

export const checkCommand: Command = defineCommand({
  name: 'check',
  summary: 'connect to every target once, run its telemetry inputs once, print what it read; exit 1 if any is down or an input fails',
  help: `Usage: rds-agent check -c <file> [--set key=value ...] [--json]

Connects to every target once, the way the running agent would: the target's
transport, connect under its connectTimeout, one liveness probe under its
probeTimeout, every telemetry input once under its own timeout (unless
monitor.telemetryInterval is 0), then close. Prints one row per target: state,
connect time, probe latency, the host key the peer presented (SSH targets;
marked pinned / NOT pinned against the config) and the error when it failed;
then, per target, each input with what it read (metric, labels, value), the
values it refused and why, or why it failed. An input the device does not
support (an older RouterOS, no rose-storage) is shown as unsupported and does
not fail the check.
Like "telegraf --test": run it after editing a config, before a restart.

Options:
  -c, --config <file>   config file (YAML or JSON); default: $RDS_AGENT_CONFIG
  --set key=value       override a setting (dotted key), repeatable
  --json                print the results as JSON
  --debug               print stack traces with errors
  -h, --help            show this help

Exit codes: 0 every target up and every input read, 1 a target down or an input
failed, 2 invalid configuration.
`,
  options: { ...CONFIG_OPTIONS, json: { type: 'boolean' } },
  async execute(context) {
    const { values, io } = context;
    const { config, registry } = await loadConfigFromFlags(context);
    const logger = silentLogger();
    const results = await Promise.all(config.targets.map((tc) => checkTarget(tc, registry, logger)));
    const up = results.filter((r) => r.state === 'up').length;
    if (values.json) io.stdout.write(`${JSON.stringify({ up, total: results.length, targets: results }, null, 2)}\n`);
    else {
      io.stdout.write(
        renderTable(
          ['TARGET', 'TRANSPORT', 'STATE', 'CONNECT', 'PROBE', 'HOST KEY', 'ERROR'],
          results.map((r) => [
            r.target,
            r.transport,
            r.state,
            r.connectMs === null ? '-' : `${r.connectMs} ms`,
            r.probeLatencyMs === null ? '-' : `${r.probeLatencyMs} ms`,
            r.hostKey ?? r.labels['host_key_verification'] ?? '-',
            r.error ? `${r.error.reason}: ${r.error.message}` : '-',
          ]),
          120,
        ),
      );
      io.stdout.write(`${up}/${results.length} ${results.length === 1 ? 'target' : 'targets'} up\n`);
      for (const r of results) {
        if (r.inputs.length === 0) continue;
        io.stdout.write(`\n${r.target}: telemetry inputs\n`);
        for (const i of r.inputs) {
          const what = i.outcome === 'ok' ? `${i.samples.length} samples${i.bytesRead === null ? '' : `, ${i.bytesRead} bytes`}` : `${i.error!.reason}: ${i.error!.message}`;
          io.stdout.write(`  ${i.input} ${i.outcome} (${i.durationMs} ms): ${what}\n`);
          for (const s of i.samples) io.stdout.write(`${sampleLine(s)}\n`);
          for (const rej of i.rejected) io.stdout.write(`    refused ${rej.count} value(s): ${rej.reason}\n`);
        }
      }
    }
    const failedInputs = results.flatMap((r) => r.inputs.filter((i) => i.outcome === 'failed').map((i) => `${r.target}/${i.input}`));
    if (failedInputs.length > 0) io.stderr.write(`rds-agent: telemetry input(s) failed: ${failedInputs.join(', ')}\n`);
    return up === results.length && failedInputs.length === 0 ? 0 : 1;
  },
});
