import { AggregationTemporality, AggregationType, InstrumentType, type AggregationOption, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Clock, Logger } from '@rds-agent/core';
import { FAILED, SUCCESS, type ExportResult } from './batch-metric-exporter.js';

/** A collector outage is logged once, then at most this often (ms of Clock time), then "recovered". */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

/** What the accounting exporter reports besides logging. */
export interface ExportAccounting {
  /** Called once per failed export (after the SDK's own retries), e.g. to count `rds_exporter_errors_total`. */
  onFailure(): void;
}

/**
 * Wraps the SDK's OTLP exporter to see every export result: counts failures, logs an outage
 * rate-limited (first failure, then at most once per {@link FAILURE_LOG_INTERVAL_MS} with the number
 * of failures since, then one "recovered" line), and never lets an error escape.
 *
 * It holds no data: the periodic reader hands it the current aggregate, the SDK exporter sends it
 * (retrying within `exportTimeout`) or drops it. A collector that is down therefore costs no memory.
 *
 * Observable gauges are always collected with DELTA temporality: under CUMULATIVE the SDK keeps
 * reporting a series after its callback stops observing it, which would resurrect the gauges of
 * removed targets. A gauge's exported value is its last value under either temporality.
 *
 * After {@link close} exports succeed at once without sending (the final flush already ran). When
 * the shutdown budget runs out, {@link abandon} fails every export still in flight at once (counted
 * like any failure; the late answer of the SDK exporter is ignored).
 */
export class AccountingExporter implements PushMetricExporter {
  private failuresSinceLog = 0;
  private outageFailures = 0;
  private failing = false;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private abandoned = false;
  private logging = true;
  private totalFailures = 0;
  /** Completions of the exports in flight, so {@link abandon} can end them. */
  private readonly inFlight = new Set<(result: ExportResult) => void>();

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly accounting: ExportAccounting,
  ) {}

  /** Failed exports since creation. */
  get failures(): number {
    return this.totalFailures;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.abandoned) {
      resultCallback({ code: FAILED, error: new Error('OTLP exporter is shut down') });
      return;
    }
    if (this.closed) {
      resultCallback({ code: SUCCESS });
      return;
    }
    let done = false;
    const finish = (result: ExportResult): void => {
      if (done) return;
      done = true;
      this.inFlight.delete(finish);
      try {
        this.account(result);
      } finally {
        resultCallback(result);
      }
    };
    this.inFlight.add(finish);
    try {
      this.inner.export(metrics, finish);
    } catch (err) {
      finish({ code: FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  /** Makes further exports no-ops (the final flush has run); the SDK's shutdown then sends nothing twice. */
  close(): void {
    this.closed = true;
  }

  /**
   * Ends every export still in flight now, as failed with `error` (each counted and logged once),
   * and fails later exports at once without counting them. Returns how many were ended.
   */
  abandon(error: Error): number {
    this.closed = true;
    this.abandoned = true;
    const pending = [...this.inFlight];
    for (const finish of pending) finish({ code: FAILED, error });
    return pending.length;
  }

  /**
   * Stops logging export outcomes (failures are still counted): at shutdown the exporter logs the
   * final flush's outcome itself, and "will keep trying" would no longer be true.
   */
  stopLogging(): void {
    this.logging = false;
  }

  /** Counts and logs a failed export that never reached the SDK exporter. */
  recordFailure(error: Error): void {
    this.account({ code: FAILED, error });
  }

  shutdown(): Promise<void> {
    this.closed = true;
    return this.inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    if (instrumentType === InstrumentType.OBSERVABLE_GAUGE) return AggregationTemporality.DELTA;
    return this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }

  private account(result: ExportResult): void {
    const now = this.clock.now();
    if (result.code === SUCCESS) {
      if (this.failing && this.logging) {
        this.failing = false;
        this.logger.info({ failedExports: this.outageFailures }, 'OTLP export recovered');
        this.failuresSinceLog = 0;
        this.outageFailures = 0;
      }
      return;
    }
    this.totalFailures++;
    this.outageFailures++;
    this.failuresSinceLog++;
    try {
      this.accounting.onFailure();
    } catch {
      // Counting must never break exporting.
    }
    if (!this.logging) return;
    // Only the error's message: never the request, whose headers may carry credentials.
    const error = result.error?.message ?? 'export failed';
    if (!this.failing) {
      this.failing = true;
      this.lastLogAt = now;
      this.failuresSinceLog = 0;
      this.logger.warn({ err: error }, 'OTLP export failed; will keep trying every export interval (data is not queued)');
    } else if (now - this.lastLogAt >= FAILURE_LOG_INTERVAL_MS) {
      this.lastLogAt = now;
      this.logger.warn({ err: error, failedExports: this.failuresSinceLog }, 'OTLP export still failing');
      this.failuresSinceLog = 0;
    }
  }
}
