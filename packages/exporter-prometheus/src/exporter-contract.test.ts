import 'reflect-metadata';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exporterContract, pluginManifestProblems } from '@rds-agent/core/testing';
import { exporterConfig } from './harness.test.support.js';
import plugin from './index.js';
import { PrometheusExporter } from './prometheus-exporter.js';

exporterContract('prometheus', (context) => ({ exporter: new PrometheusExporter(exporterConfig(), context) }));

it('declares one version contract: apiVersion is its @rds-agent/core peer range', () => {
  assert.deepEqual(pluginManifestProblems(plugin, new URL('../package.json', import.meta.url)), []);
});
