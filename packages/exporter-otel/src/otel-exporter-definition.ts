import { installedPackageVersion, type ExporterDefinition } from '@rds-agent/core';
import { otelConfigSchema, validateOtelConfig, type OtelExporterConfig } from './config.js';
import { OtelExporter } from './otel-exporter.js';

/**
 * The `otel` exporter type: schema under `exporters.otel`, cross-field validation, and a factory.
 * Off unless `exporters.otel.enabled: true` (pushing somewhere must be asked for).
 */
export const otelExporterDefinition: ExporterDefinition<OtelExporterConfig> = {
  schema: otelConfigSchema,
  enabledByDefault: false,
  // The SDK that aggregates and exports: `opentelemetry_sdk_metrics_version` on rds_agent_build_info.
  componentVersions: { '@opentelemetry/sdk-metrics': installedPackageVersion('@opentelemetry/sdk-metrics', import.meta.url) },
  validate: (config) => validateOtelConfig(config),
  create: (config, context) => new OtelExporter(config, context),
};
