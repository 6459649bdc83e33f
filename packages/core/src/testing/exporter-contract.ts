import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { ExporterContext, MetricsExporter } from '../metrics/exporter.js';
import { createMetricsPipeline } from './metrics-pipeline.js';
import { withinRealTime } from './wait-for.js';

/** What an {@link exporterContract} factory returns: a fresh exporter and a way to release what it needs. @public */
export interface ExporterContractSubject {
  /** A new exporter, not started, built with `context`. */
  readonly exporter: MetricsExporter;
  /** Optional: releases what the test set up for it (a receiver, temp files). Called after each check. */
  cleanup?(): Promise<void> | void;
}

/** Tuning of {@link exporterContract}; times are real milliseconds. @public */
export interface ExporterContractOptions {
  /** The `shutdownTimeoutMs` the context grants; `shutdown()` must resolve within it. @default 2000 */
  readonly shutdownTimeoutMs?: number;
}

/**
 * Registers a `node:test` suite every {@link MetricsExporter} must pass: the lifecycle checks the
 * OpenTelemetry Collector generates for every component, in rds-agent's terms.
 *
 * - `shutdown()` before `start()` resolves, and `shutdown()` twice resolves (the same promise or not);
 * - `forceFlush()` before `start()`, when idle after `start()`, and after `shutdown()` resolves;
 * - `start()` then `shutdown()` leaves nothing subscribed to the metric stream;
 * - `start()` after `shutdown()`, and a second `start()`, reject with an AgentError coded
 *   `RDS_AGENT_ERR_EXPORTER_START` (an exporter is single-use; the agent makes a new one);
 * - `shutdown()` resolves within the context's `shutdownTimeoutMs`.
 *
 * ```ts
 * exporterContract('my-exporter', (context) => ({ exporter: new MyExporter(config, context) }));
 * ```
 *
 * @public
 */
export function exporterContract(
  name: string,
  factory: (context: ExporterContext) => ExporterContractSubject | Promise<ExporterContractSubject>,
  options: ExporterContractOptions = {},
): void {
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 2000;

  /** A fresh exporter on a pipeline whose subscriptions are counted. */
  async function subject(): Promise<ExporterContractSubject & { subscribers: () => number; context: ExporterContext }> {
    const pipeline = createMetricsPipeline({ shutdownTimeoutMs });
    const base = pipeline.context(name);
    let live = 0;
    const context: ExporterContext = {
      ...base,
      metrics: {
        subscribe: (sinkName, sink) => {
          live++;
          const off = base.metrics.subscribe(sinkName, sink);
          let done = false;
          return () => {
            if (!done) live--;
            done = true;
            off();
          };
        },
        publish: (update) => base.metrics.publish(update),
      },
    };
    return { ...(await factory(context)), subscribers: () => live, context };
  }

  async function check(run: (s: Awaited<ReturnType<typeof subject>>) => Promise<void>): Promise<void> {
    const s = await subject();
    try {
      await run(s);
    } finally {
      await s.exporter.shutdown().catch(() => undefined);
      await s.cleanup?.();
    }
  }

  const startRefused = (err: unknown): boolean => {
    assert.ok(err instanceof AgentError, `expected an AgentError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.EXPORTER_START);
    return true;
  };

  describe(`exporter contract: ${name}`, () => {
    it('shutdown before start, and twice, resolves', () =>
      check(async ({ exporter }) => {
        await exporter.shutdown();
        await exporter.shutdown();
      }));

    it('forceFlush resolves before start, when idle, and after shutdown', () =>
      check(async ({ exporter }) => {
        await exporter.forceFlush();
        await exporter.start(new AbortController().signal);
        await exporter.forceFlush();
        await exporter.shutdown();
        await exporter.forceFlush();
      }));

    it('start subscribes to the metric stream; shutdown unsubscribes', () =>
      check(async ({ exporter, subscribers }) => {
        await exporter.start(new AbortController().signal);
        assert.ok(subscribers() >= 1, 'subscribed once started');
        await exporter.shutdown();
        assert.equal(subscribers(), 0, 'nothing left subscribed');
      }));

    it('start after shutdown, and a second start, are refused with RDS_AGENT_ERR_EXPORTER_START', () =>
      check(async ({ exporter }) => {
        await exporter.start(new AbortController().signal);
        await assert.rejects(exporter.start(new AbortController().signal), startRefused);
        await exporter.shutdown();
        await assert.rejects(exporter.start(new AbortController().signal), startRefused);
      }));

    it(`shutdown resolves within the context's shutdownTimeoutMs (${shutdownTimeoutMs} ms)`, () =>
      check(async ({ exporter }) => {
        await exporter.start(new AbortController().signal);
        await withinRealTime(exporter.shutdown(), shutdownTimeoutMs + 250, 'shutdown');
      }));
  });
}
