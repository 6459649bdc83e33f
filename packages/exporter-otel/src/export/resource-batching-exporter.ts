import { AggregationTemporality, AggregationType, type AggregationOption, type InstrumentType, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { FAILED, type BatchMetricExporter, type ExportResult } from './batch-metric-exporter.js';

/** What the batching exporter collects besides the agent's own resource: one ResourceMetrics per target. */
export interface ResourceSource {
  collect(): Promise<ResourceMetrics[]>;
}

/**
 * The SDK's periodic reader hands this exporter the agent's own ResourceMetrics; it collects every
 * target's (see `devices/device-meters.ts`) and sends them all, the agent's first, through one
 * {@link BatchMetricExporter} call: one OTLP request per interval however many targets there are.
 *
 * The sender can be replaced ({@link useSender}): the final flush at shutdown goes out through a
 * sender whose deadline is the flush's share of the shutdown budget. `shutdown` shuts every sender
 * it ever used down.
 */
export class ResourceBatchingExporter implements PushMetricExporter {
  private readonly senders: BatchMetricExporter[];

  constructor(
    private sender: BatchMetricExporter,
    private readonly targets: ResourceSource,
  ) {
    this.senders = [sender];
  }

  export(agent: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const sender = this.sender;
    this.targets.collect().then(
      (targets) => sender.exportBatch([agent, ...targets], resultCallback),
      (err: unknown) => resultCallback({ code: FAILED, error: err instanceof Error ? err : new Error(String(err)) }),
    );
  }

  /** Sends later exports through `next`. */
  useSender(next: BatchMetricExporter): void {
    this.sender = next;
    this.senders.push(next);
  }

  forceFlush(): Promise<void> {
    return this.sender.forceFlush();
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.senders.map((s) => s.shutdown()));
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.sender.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.sender.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}
