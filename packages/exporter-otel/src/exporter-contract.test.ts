import 'reflect-metadata';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exporterContract, pluginManifestProblems } from '@rds-agent/core/testing';
import type { OtelExporterConfig } from './config.js';
import plugin from './index.js';
import { OtelExporter } from './otel-exporter.js';

// Pointed at a port nothing listens on: the final flush fails at once and shutdown still keeps its budget.
const config: OtelExporterConfig = {
  endpoint: 'http://127.0.0.1:9/v1/metrics',
  protocol: 'http/protobuf',
  headers: {},
  exportInterval: 3_600_000,
  exportTimeout: 1_000,
  temporality: null,
  compression: null,
  tls: { caFile: null, certFile: null, keyFile: null, insecure: false },
  resourceAttributes: {},
};

exporterContract('otel', (context) => ({ exporter: new OtelExporter(config, context, { env: {} }) }));

it('declares one version contract: apiVersion is its @rds-agent/core peer range', () => {
  assert.deepEqual(pluginManifestProblems(plugin, new URL('../package.json', import.meta.url)), []);
});
