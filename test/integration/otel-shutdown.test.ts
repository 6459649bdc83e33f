import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { metricsOf, OtlpReceiver, pointWith, valueOf, type OtlpTransport } from '../support/otlp-receiver.js';
import { SilentCollector } from '../support/otlp-silent-collector.js';

const CHILD = fileURLToPath(new URL('../support/otlp-shutdown-child.js', import.meta.url));

/** What the child reports on its last line (see otlp-shutdown-child.ts). */
interface ChildReport {
  elapsedMs: number;
  failedExports: number;
  errorsCounted: number;
  warnings: string[];
}

/** Runs the child agent; resolves with its exit code and output, or rejects if it does not exit by itself. */
function runChild(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; report: () => ChildReport }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs} ms (something keeps it alive): ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, report: () => JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport });
    });
  });
}

describe('otel exporter shutdown in a real process', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: the last value arrives before the process exits on its own`, async () => {
      const value = 4321 + protocol.length;
      const { code, out } = await runChild([protocol, receiver.urlFor(protocol), String(value)], 15_000);
      assert.equal(code, 0, out);
      assert.match(out, /shutdown complete/);
      const got = receiver.received.filter((e) => e.transport === protocol);
      assert.equal(got.length, 1, 'exactly one export: the final flush');
      const delay = pointWith(metricsOf(got[0]!).get('rds.backoff.delay')?.gauge?.dataPoints, { target: 'last' });
      assert.ok(delay, 'the value recorded just before shutdown was exported');
      assert.equal(valueOf(delay), value / 1000);
    });
  }

  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    it(`${protocol}: a hung or dead collector does not keep the process alive past the export timeout`, async () => {
      receiver.behaviour = { delayMs: 60_000 };
      try {
        const hung = await runChild([protocol, receiver.urlFor(protocol), '1', '1s'], 15_000);
        assert.equal(hung.code, 0, hung.out);
      } finally {
        receiver.behaviour = {};
      }
      await receiver.stop();
      try {
        const dead = await runChild([protocol, receiver.urlFor(protocol), '1', '1s'], 15_000);
        assert.equal(dead.code, 0, dead.out);
      } finally {
        await receiver.restart();
      }
    });
  }

  // The default exportTimeout (10 s) against a 1.5 s share of the shutdown budget: before the budget
  // existed, shutdown() waited the full export timeout (then the SDK's shutdown waited again).
  const BUDGET_MS = 1500;
  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: a collector that accepts TCP and never answers: shutdown() keeps to its budget; the failed final flush is logged and counted`, async () => {
      const silent = await SilentCollector.start();
      try {
        const run = await runChild([protocol, silent.urlFor(protocol), '1', '10s', String(BUDGET_MS)], 20_000);
        assert.equal(run.code, 0, run.out);
        const report = run.report();
        assert.ok(silent.accepted >= 1, 'the exporter connected to the collector');
        // The bound is kept by the exporter's clock; the slack covers event-loop latency on a busy machine.
        assert.ok(report.elapsedMs <= BUDGET_MS + 1000, `shutdown() took ${report.elapsedMs} ms against a budget of ${BUDGET_MS} ms`);
        assert.equal(report.failedExports, 1, 'the final flush counts as one failed export');
        assert.equal(report.errorsCounted, 1, 'counted once in rds_exporter_errors_total{exporter="otel"}');
        assert.deepEqual(report.warnings, ['final OTLP flush failed; the last values were not delivered'], 'the failed final flush is logged, once');
      } finally {
        await silent.stop();
      }
    });
  }
});
