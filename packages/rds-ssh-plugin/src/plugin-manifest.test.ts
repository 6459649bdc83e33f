import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pluginManifestProblems } from '@rds-agent/core/testing';
import plugin from './index.js';

it('declares one version contract: apiVersion is its @rds-agent/core peer range', () => {
  assert.deepEqual(pluginManifestProblems(plugin, new URL('../package.json', import.meta.url)), []);
});
