import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Metrics, type MetricUpdate } from '@rds-agent/core';
import { metricsOf, OtlpReceiver, pointWith, valueOf, type OtlpTransport } from '../support/otlp-receiver.js';
import { agentCore, otelFromRaw } from '../support/otlp-scenario.js';

// A real, short export interval: this test is about what happens over several real periods.
const INTERVAL_MS = 200;
const FAILED_INTERVALS = 8;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Polls `cond` every 20 ms; rejects after `timeoutMs` of real time. */
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('otel exporter while the collector is down, slow or refusing', () => {
  const escaped: unknown[] = [];
  const onRejection = (err: unknown): void => void escaped.push(err);
  let receiver: OtlpReceiver;
  before(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onRejection);
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onRejection);
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: keeps running, holds no queue, counts failures, resumes after a restart`, async () => {
      if (!receiver.running) await receiver.restart();
      receiver.clear();
      const { hub, status, context } = agentCore();
      const errorCounts: number[] = [];
      hub.subscribe('watcher', {
        record: (u: MetricUpdate) => {
          if (u.op === 'add' && u.metric === Metrics.exporterErrors && u.labels['exporter'] === 'otel' && u.value > 0) errorCounts.push(u.value);
        },
      });
      const exporter = otelFromRaw(
        { endpoint: receiver.urlFor(protocol), protocol, exportInterval: INTERVAL_MS, exportTimeout: INTERVAL_MS - 50 },
        context,
      );
      await exporter.start(new AbortController().signal);
      hub.emit({ type: 'state-changed', target: 'rds1', at: Date.now(), from: 'idle', to: 'connected', reason: 'connected' });
      await receiver.waitFor((e) => e.transport === protocol, 5_000);

      await receiver.stop();
      // The monitor keeps emitting during the outage; values change but series do not multiply.
      let flips = 0;
      const series = exporter.gaugeSeries;
      await until(() => exporter.failedExports >= 2, 5_000, 'the first failed exports');
      const heapStart = heapAfterGc();
      while (exporter.failedExports < FAILED_INTERVALS + 2) {
        hub.emit({ type: 'state-changed', target: 'rds1', at: Date.now(), from: 'connected', to: 'disconnected', reason: 'network' });
        hub.emit({ type: 'attempt', target: 'rds1', at: Date.now(), attempt: ++flips, outcome: 'failure', durationMs: 1 });
        hub.emit({ type: 'backoff', target: 'rds1', at: Date.now(), delayMs: 1000 + flips });
        await new Promise((r) => setTimeout(r, INTERVAL_MS / 2));
        assert.ok(flips < 200, 'exports kept failing for far too long');
      }
      const heapEnd = heapAfterGc();
      assert.equal(exporter.gaugeSeries, series + 1, 'one more gauge series (backoff delay), not one per interval');
      // Nothing accumulates per failed interval: the reader exports the current aggregate and the
      // SDK drops a failed batch. 4 MiB is far above noise and far below any real queue.
      assert.ok(heapEnd - heapStart < 4 * 1024 * 1024, `heap grew by ${heapEnd - heapStart} bytes over ${FAILED_INTERVALS} failed intervals`);
      assert.equal(status.get('rds1')?.state, 'disconnected', 'monitoring state still tracked during the outage');
      const failed = exporter.failedExports;
      assert.equal(errorCounts.length, failed, 'every failure counted in rds_exporter_errors_total{exporter="otel"}');

      await receiver.restart();
      const lastDelay = (1000 + flips) / 1000;
      const resumed = await receiver.waitFor((e) => {
        const m = metricsOf(e);
        const delay = pointWith(m.get('rds.backoff.delay')?.gauge?.dataPoints, { target: 'rds1' });
        return e.transport === protocol && delay !== undefined && valueOf(delay) === lastDelay;
      }, 5_000);
      const m = metricsOf(resumed);
      assert.equal(valueOf(pointWith(m.get('rds.connection.state')!.gauge?.dataPoints, { target: 'rds1' })!), 0);
      assert.equal(valueOf(pointWith(m.get('rds.reconnect')!.sum?.dataPoints, { target: 'rds1', status: 'failure' })!), flips, 'cumulative count of the outage');
      const selfErrors = valueOf(pointWith(m.get('rds.exporter.errors')!.sum?.dataPoints, { exporter: 'otel' })!)!;
      assert.ok(selfErrors >= failed, `exported error count ${selfErrors} covers the ${failed} failures`);
      await exporter.shutdown();
      assert.deepEqual(escaped, [], 'no exception or rejection escaped');
    });
  }

  it('http/protobuf: a collector answering 503 or too slowly is counted, then export resumes', async () => {
    if (!receiver.running) await receiver.restart();
    receiver.clear();
    const { hub, context } = agentCore();
    const exporter = otelFromRaw({ endpoint: receiver.httpUrl, exportInterval: INTERVAL_MS, exportTimeout: INTERVAL_MS - 50 }, context);
    await exporter.start(new AbortController().signal);
    hub.emit({ type: 'state-changed', target: 'rds1', at: Date.now(), from: 'idle', to: 'connected', reason: 'connected' });
    receiver.behaviour = { refuse: true };
    await until(() => exporter.failedExports >= 2, 5_000, 'refused exports');
    receiver.behaviour = { delayMs: 2 * INTERVAL_MS };
    const before = exporter.failedExports;
    await until(() => exporter.failedExports >= before + 2, 5_000, 'timed-out exports');
    receiver.behaviour = {};
    receiver.clear();
    hub.emit({ type: 'backoff', target: 'rds1', at: Date.now(), delayMs: 7_000 });
    await receiver.waitFor((e) => valueOf(pointWith(metricsOf(e).get('rds.backoff.delay')?.gauge?.dataPoints, { target: 'rds1' }) ?? {}) === 7, 5_000);
    await exporter.shutdown();
    assert.deepEqual(escaped, []);
  });
});
