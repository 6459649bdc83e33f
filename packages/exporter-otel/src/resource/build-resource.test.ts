import 'reflect-metadata';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { buildResource } from './build-resource.js';

describe('buildResource', () => {
  it('sets service.name, service.version and host.name by default', () => {
    const r = buildResource('1.2.3', {}, {});
    assert.deepEqual(r.attributes, { 'service.name': 'rds-agent', 'service.version': '1.2.3', 'host.name': hostname() });
  });

  it('layers OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, then config; service.version is always the agent version', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,site=a%2Cb,service.version=9', OTEL_SERVICE_NAME: 'from-env' };
    const r = buildResource('1.2.3', { site: 'lab', 'host.name': 'rds-host-1', 'service.version': '0.0.0' }, env, 'real-host');
    assert.deepEqual(r.attributes, {
      'service.name': 'from-env',
      'service.version': '1.2.3',
      'host.name': 'rds-host-1',
      'deployment.environment': 'staging',
      site: 'lab',
    });
    const named = buildResource('1.2.3', { 'service.name': 'csi-agent' }, env, 'h');
    assert.equal(named.attributes['service.name'], 'csi-agent');
  });
});
