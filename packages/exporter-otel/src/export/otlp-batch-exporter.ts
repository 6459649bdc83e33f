import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporterBase, type OTLPMetricExporterOptions } from '@opentelemetry/exporter-metrics-otlp-http';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { MetricsExporterMetricsHelper, type IExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { SUCCESS, type BatchMetricExporter, type ExportResult } from './batch-metric-exporter.js';

/** Data points in a batch, for the SDK's (unused by default) exporter self-metrics. */
export const BATCH_ITEMS: IExporterMetricsHelper<readonly ResourceMetrics[]> = {
  name: MetricsExporterMetricsHelper.name,
  countItems: (batch) => batch.reduce((n, rm) => n + MetricsExporterMetricsHelper.countItems(rm), 0),
};

/**
 * An OTLP metric exporter that sends a batch of resources as one request. It is the SDK's own
 * exporter assembled from its public parts: `OTLPMetricExporterBase` (temporality and aggregation
 * from `temporalityPreference` or `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`) over an
 * export delegate (transport, retries, timeout, concurrency limit, env configuration) whose
 * serializer takes a batch (see `batch-serializers.ts`). Only the serializer is ours.
 */
export class OtlpBatchExporter extends OTLPMetricExporterBase implements BatchMetricExporter {
  constructor(
    private readonly batches: IOtlpExportDelegate<readonly ResourceMetrics[]>,
    options: OTLPMetricExporterOptions,
  ) {
    // The base class hands its delegate only forceFlush/shutdown (export is overridden below),
    // neither of which depends on the item type.
    super(batches as unknown as IOtlpExportDelegate<ResourceMetrics>, options);
  }

  override export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.exportBatch([metrics], resultCallback);
  }

  exportBatch(batch: readonly ResourceMetrics[], resultCallback: (result: ExportResult) => void): void {
    if (batch.length === 0) {
      resultCallback({ code: SUCCESS });
      return;
    }
    this.batches.export(batch, resultCallback);
  }
}
