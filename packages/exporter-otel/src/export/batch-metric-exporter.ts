import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** The result an SDK exporter reports (`ExportResult` of @opentelemetry/core, not a direct dependency). */
export type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];

/** `ExportResultCode.SUCCESS` / `FAILED` of @opentelemetry/core. */
export const SUCCESS = 0;
export const FAILED = 1;

/**
 * Sends the metrics of one collection, every resource of it (the agent's and one per target), as
 * ONE OTLP request: one `ExportMetricsServiceRequest` holding one `ResourceMetrics` per resource.
 * The SDK's own OTLP exporters send one resource per request; this is what lets all targets leave
 * together each interval.
 *
 * It is a `PushMetricExporter` too: `export(rm)` is a batch of one.
 */
export interface BatchMetricExporter extends PushMetricExporter {
  /** MUST call back exactly once; an empty batch succeeds without sending. */
  exportBatch(batch: readonly ResourceMetrics[], resultCallback: (result: ExportResult) => void): void;
}

/**
 * Builds a {@link BatchMetricExporter} whose every export, the SDK's retries included, ends within
 * `timeoutMillis` (the periodic exports get `exportTimeout`; the final flush its share of the
 * shutdown budget).
 */
export type BatchExporterFactory = (timeoutMillis: number) => BatchMetricExporter;
