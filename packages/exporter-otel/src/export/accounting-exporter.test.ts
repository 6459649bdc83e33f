import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, InstrumentType, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Logger } from '@rds-agent/core';
import { AccountingExporter, FAILURE_LOG_INTERVAL_MS } from './accounting-exporter.js';

type Line = { level: string; obj: Record<string, unknown>; msg: string | undefined };

function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj: obj as Record<string, unknown>, msg });
    };
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger };
  return logger;
}

/** An SDK exporter stand-in whose next results the test scripts. */
class ScriptedExporter implements PushMetricExporter {
  fail = false;
  throws = false;
  /** Keep the callback instead of answering (a collector that never answers). */
  hang = false;
  exports = 0;
  readonly pending: Array<(r: { code: number; error?: Error }) => void> = [];
  export(_m: ResourceMetrics, cb: (r: { code: number; error?: Error }) => void): void {
    this.exports++;
    if (this.throws) throw new Error('boom');
    if (this.hang) {
      this.pending.push(cb);
      return;
    }
    cb(this.fail ? { code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') } : { code: 0 });
  }
  forceFlush = (): Promise<void> => Promise.resolve();
  shutdown = (): Promise<void> => Promise.resolve();
  selectAggregationTemporality = (): AggregationTemporality => AggregationTemporality.CUMULATIVE;
}

const metrics = {} as ResourceMetrics;

function setup() {
  const lines: Line[] = [];
  let now = 1_000_000;
  let counted = 0;
  const inner = new ScriptedExporter();
  const clock = { now: () => now, sleep: () => Promise.resolve() };
  const exporter = new AccountingExporter(inner, recordingLogger(lines), clock, { onFailure: () => counted++ });
  const results: number[] = [];
  const run = (): void => exporter.export(metrics, (r) => results.push(r.code));
  return { lines, inner, exporter, run, results, counted: () => counted, advance: (ms: number) => (now += ms) };
}

describe('AccountingExporter', () => {
  it('counts every failed export and logs the first, then at most once a minute, then "recovered"', () => {
    const s = setup();
    s.run();
    assert.equal(s.lines.length, 0, 'success is silent');
    s.inner.fail = true;
    s.run(); // t=0 of the outage: logged
    s.advance(10_000);
    s.run();
    s.advance(FAILURE_LOG_INTERVAL_MS - 10_001);
    s.run(); // 59.999 s after the first log: still quiet
    assert.equal(s.counted(), 3);
    assert.deepEqual(s.lines.map((l) => l.level), ['warn']);
    s.advance(1);
    s.run(); // 60 s: second line, with the number of failures since the first
    assert.deepEqual(s.lines.map((l) => l.level), ['warn', 'warn']);
    assert.equal(s.lines[1]!.obj['failedExports'], 3);
    s.inner.fail = false;
    s.run();
    s.run();
    assert.deepEqual(s.lines.map((l) => l.level), ['warn', 'warn', 'info']);
    assert.match(s.lines[2]!.msg!, /recovered/);
    assert.equal(s.lines[2]!.obj['failedExports'], 4);
    assert.equal(s.exporter.failures, 4);
    assert.deepEqual(s.results, [0, 1, 1, 1, 1, 0, 0]);
    // A new outage is logged at once again.
    s.inner.fail = true;
    s.run();
    assert.equal(s.lines.length, 4);
  });

  it('turns a throwing export into a failed result (nothing escapes)', () => {
    const s = setup();
    s.inner.throws = true;
    assert.doesNotThrow(() => s.run());
    assert.deepEqual(s.results, [1]);
    assert.equal(s.counted(), 1);
  });

  it('after close(), exports succeed without reaching the SDK exporter', () => {
    const s = setup();
    s.exporter.close();
    s.run();
    assert.equal(s.inner.exports, 0);
    assert.deepEqual(s.results, [0]);
  });

  it('observable gauges are always DELTA (no stale series); other instruments follow the exporter', () => {
    const s = setup();
    assert.equal(s.exporter.selectAggregationTemporality(InstrumentType.OBSERVABLE_GAUGE), AggregationTemporality.DELTA);
    assert.equal(s.exporter.selectAggregationTemporality(InstrumentType.COUNTER), AggregationTemporality.CUMULATIVE);
    assert.equal(s.exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM), AggregationTemporality.CUMULATIVE);
  });

  it('abandon() fails the exports in flight at once, counted once each; their late answers and later exports are not counted', () => {
    const s = setup();
    s.inner.hang = true;
    s.run();
    s.run();
    assert.deepEqual(s.results, []);
    assert.equal(s.exporter.abandon(new Error('shutdown budget ran out')), 2);
    assert.deepEqual(s.results, [1, 1]);
    assert.equal(s.counted(), 2);
    assert.equal(s.lines[0]!.obj['err'], 'shutdown budget ran out');
    for (const late of s.inner.pending) late({ code: 0 });
    s.run();
    assert.deepEqual(s.results, [1, 1, 1], 'a later export fails at once');
    assert.equal(s.counted(), 2, 'neither the late answers nor the later export are counted');
    assert.equal(s.exporter.failures, 2);
    assert.equal(s.exporter.abandon(new Error('again')), 0);
  });

  it('recordFailure() counts and logs an export that never reached the SDK exporter', () => {
    const s = setup();
    s.exporter.recordFailure(new Error('collect failed'));
    assert.equal(s.counted(), 1);
    assert.equal(s.exporter.failures, 1);
    assert.equal(s.lines[0]!.obj['err'], 'collect failed');
  });
});
