/**
 * @rds-agent/exporter-otel: the hub's metrics pushed over OTLP (http/protobuf, http/json, grpc)
 * with the OpenTelemetry JS SDK. The default export is the plugin; it registers exporter type `otel`.
 */
import { definePlugin } from '@rds-agent/core';
import { otelExporterDefinition } from './otel-exporter-definition.js';

export { otelExporterDefinition } from './otel-exporter-definition.js';
export { OtelExporter, METER_NAME, FINAL_FLUSH_SHARE, type OtelExporterOptions } from './otel-exporter.js';
export {
  otelConfigSchema,
  validateOtelConfig,
  DEFAULT_HTTP_ENDPOINT,
  DEFAULT_GRPC_ENDPOINT,
  type OtelExporterConfig,
  type OtlpProtocol,
} from './config.js';
export { CatalogInstruments } from './instruments/catalog-instruments.js';
export { agentResourceAttributes, buildResource, sharedResourceAttributes, MACHINE_NAMESPACES, SERVICE_NAME } from './resource/build-resource.js';
export { deviceAttributes, DEVICE_OS_NAME, type DeviceFacts } from './resource/device-attributes.js';
export { serviceInstanceId, SERVICE_INSTANCE_NAMESPACE } from './resource/service-instance-id.js';
export { createOtlpExporterFactory, resolveEndpoint } from './export/create-otlp-exporter.js';
export type { BatchExporterFactory, BatchMetricExporter, ExportResult } from './export/batch-metric-exporter.js';
export { InMemoryBatchExporter } from './export/in-memory-batch-exporter.js';

const plugin = definePlugin({
  name: '@rds-agent/exporter-otel',
  apiVersion: '^0.2.0',
  register(host) {
    host.addExporter('otel', otelExporterDefinition);
  },
});

export default plugin;
