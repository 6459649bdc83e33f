import type { ExporterDefinition } from '@rds-agent/core';
import { otelConfigSchema, validateOtelConfig, type OtelExporterConfig } from './config.js';
import { OtelExporter } from './otel-exporter.js';

/**
 * The `otel` exporter type: schema under `exporters.otel`, cross-field validation, and a factory.
 * Off unless `exporters.otel.enabled: true` (pushing somewhere must be asked for).
 */
export const otelExporterDefinition: ExporterDefinition<OtelExporterConfig> = {
  schema: otelConfigSchema,
  enabledByDefault: false,
  validate: (config) => validateOtelConfig(config),
  create: (config, context) => new OtelExporter(config, context),
};
