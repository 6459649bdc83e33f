import { installedPackageVersion, type ExporterContext, type ExporterDefinition } from '@rds-agent/core';
import { prometheusConfigSchema, validatePrometheusConfig, type PrometheusExporterConfig } from './config.js';
import { PrometheusExporter } from './prometheus-exporter.js';

/** The `prometheus` exporter type: schema under `exporters.prometheus`, cross-field checks, factory. */
export const prometheusExporterDefinition: ExporterDefinition<PrometheusExporterConfig> = Object.freeze({
  schema: prometheusConfigSchema,
  // A pull endpoint on 127.0.0.1 is harmless and is what the reference driver offered: on by default.
  enabledByDefault: true,
  // What formats /metrics: `prom_client_version` on rds_agent_build_info.
  componentVersions: Object.freeze({ 'prom-client': installedPackageVersion('prom-client', import.meta.url) }),
  validate: (config: Readonly<PrometheusExporterConfig>) => validatePrometheusConfig(config),
  create: (config: Readonly<PrometheusExporterConfig>, context: ExporterContext) => new PrometheusExporter(config, context),
});
