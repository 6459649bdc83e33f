import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { FAILED, SUCCESS, type BatchMetricExporter, type ExportResult } from './batch-metric-exporter.js';

/**
 * A {@link BatchMetricExporter} that keeps every batch in memory, for tests (like the SDK's
 * `InMemoryMetricExporter`, which keeps one resource per export). Pass it to `OtelExporter` with
 * `createExporter: async () => () => memory` and read what each export held: one batch per
 * request, the agent's resource first, then one per target.
 */
export class InMemoryBatchExporter implements BatchMetricExporter {
  /** Every batch exported, oldest first. */
  readonly batches: ResourceMetrics[][] = [];
  shutdowns = 0;
  private stopped = false;

  constructor(private readonly temporality: AggregationTemporality = AggregationTemporality.CUMULATIVE) {}

  exportBatch(batch: readonly ResourceMetrics[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: FAILED, error: new Error('InMemoryBatchExporter is shut down') });
      return;
    }
    this.batches.push([...batch]);
    resultCallback({ code: SUCCESS });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.exportBatch([metrics], resultCallback);
  }

  /** The latest batch, or an empty one. */
  last(): ResourceMetrics[] {
    return this.batches.at(-1) ?? [];
  }

  reset(): void {
    this.batches.length = 0;
  }

  selectAggregationTemporality(): AggregationTemporality {
    return this.temporality;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    this.shutdowns++;
    return Promise.resolve();
  }
}
