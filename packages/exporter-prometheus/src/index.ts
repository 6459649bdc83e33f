/**
 * @rds-agent/exporter-prometheus: the `prometheus` exporter type (pull endpoint with /metrics,
 * /healthz, /readyz, /status and a landing page; optional TLS and basic auth).
 */
import { definePlugin } from '@rds-agent/core';
import { prometheusExporterDefinition } from './definition.js';

export { prometheusExporterDefinition } from './definition.js';
export { PrometheusExporter } from './prometheus-exporter.js';
export {
  PROMETHEUS_EXPORTER_DEFAULTS,
  prometheusConfigSchema,
  validatePrometheusConfig,
  type CompletePrometheusExporterConfig,
  type PrometheusExporterConfig,
} from './config.js';
export { PromMetricStore, type ExpositionFormat, type PromMetricStoreOptions, type RenderStats } from './registry/prom-metric-store.js';
export { OPENMETRICS_CONTENT_TYPE } from './registry/openmetrics.js';
export { BCRYPT_MAX_PASSWORD_BYTES, DEFAULT_BCRYPT_COST, checkPasswordHash, exceedsBcryptLimit, hashPassword } from './auth/password-hash.js';
export type { AuthOutcome } from './auth/basic-auth.js';
export type { RefusalReason } from './prometheus-exporter.js';
export type { InputStatusJson, StatusDocument, TargetStatusJson } from './http/status-document.js';

export default definePlugin({
  name: '@rds-agent/exporter-prometheus',
  apiVersion: '^0.2.0',
  register(host) {
    host.addExporter('prometheus', prometheusExporterDefinition);
  },
});
