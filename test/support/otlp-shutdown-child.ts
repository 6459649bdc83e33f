import 'reflect-metadata';
import { Metrics } from '@rds-agent/core';
import { createLogger } from '@rds-agent/core/host';
import { parseJsonLogLine } from '@rds-agent/core/testing';
import { agentCore, otelFromRaw } from './otlp-scenario.js';

/**
 * A tiny agent for the shutdown tests, run as a child process:
 * `node otlp-shutdown-child.js <protocol> <endpoint> <value> [exportTimeout] [shutdownTimeoutMs]`.
 * It starts the otel exporter with a 1 h export interval (so only the final flush can deliver),
 * records `value` as target `last`'s backoff delay, shuts down the way the agent does
 * (exporter.shutdown(), with the exporter's share of the shutdown budget) and then simply returns:
 * the process must exit on its own, with no timer or socket keeping it alive.
 *
 * Its last stdout line is a JSON report: how long shutdown() took, the failed exports, what was
 * counted in `rds_exporter_errors_total{exporter="otel"}`, and the warnings logged.
 */
const [protocol, endpoint, value, exportTimeout = '5s', shutdownTimeoutMs = '5000'] = process.argv.slice(2);
const warnings: string[] = [];
// A line with a key twice fails the run (exit 1, the line on stderr): the tests assert exit code 0.
const badLines: string[] = [];
const logger = createLogger('warn', {}, {
  write: (line: string) => {
    try {
      warnings.push(String(parseJsonLogLine(line.trimEnd())['msg']));
    } catch (err) {
      badLines.push((err as Error).message);
    }
  },
});
const { hub, context } = agentCore(logger, { shutdownTimeoutMs: Number(shutdownTimeoutMs) });
let errorsCounted = 0;
hub.subscribe('watcher', {
  record: (u) => {
    if (u.op === 'add' && u.metric === Metrics.exporterErrors && u.labels['exporter'] === 'otel') errorsCounted += u.value;
  },
});
const exporter = otelFromRaw({ protocol, endpoint, exportInterval: '1h', exportTimeout }, context);
await exporter.start(new AbortController().signal);
hub.emit({ type: 'state-changed', target: 'last', at: Date.now(), from: 'idle', to: 'connected', reason: 'connected' });
hub.emit({ type: 'backoff', target: 'last', at: Date.now(), delayMs: Number(value) });
const started = Date.now();
await exporter.shutdown();
const elapsedMs = Date.now() - started;
process.stdout.write('shutdown complete\n');
process.stdout.write(`${JSON.stringify({ elapsedMs, failedExports: exporter.failedExports, errorsCounted, warnings })}\n`);
if (badLines.length > 0) {
  process.stderr.write(`${badLines.join('\n')}\n`);
  process.exitCode = 1;
}
