import 'reflect-metadata';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { agentResourceAttributes, buildResource, sharedResourceAttributes } from './build-resource.js';
import { serviceInstanceId } from './service-instance-id.js';

describe('agent resource', () => {
  it('sets service.name, service.version, host.name and a stable service.instance.id by default', () => {
    const r = buildResource('1.2.3', {}, {});
    const id = serviceInstanceId(`\nrds-agent\n${hostname()}`);
    assert.deepEqual(r.attributes, { 'service.name': 'rds-agent', 'service.version': '1.2.3', 'host.name': hostname(), 'service.instance.id': id });
    assert.equal(buildResource('1.2.4', {}, {}).attributes['service.instance.id'], id, 'the same agent on the same host keeps its id (across versions and restarts)');
    assert.notEqual(agentResourceAttributes('1.2.3', {}, {}, 'other-host')['service.instance.id'], id, 'another host: another id');
    assert.notEqual(agentResourceAttributes('1.2.3', {}, { OTEL_SERVICE_NAME: 'rds-agent-2' })['service.instance.id'], id, 'a second agent named apart: another id');
  });

  it('layers OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, then config; service.version is always the agent version', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,site=a%2Cb,service.version=9', OTEL_SERVICE_NAME: 'from-env' };
    const r = buildResource('1.2.3', { site: 'lab', 'host.name': 'rds-host-1', 'service.version': '0.0.0' }, env, 'real-host');
    assert.deepEqual(r.attributes, {
      'service.name': 'from-env',
      'service.version': '1.2.3',
      'service.instance.id': serviceInstanceId('\nfrom-env\nrds-host-1'),
      'host.name': 'rds-host-1',
      'deployment.environment': 'staging',
      site: 'lab',
    });
    const named = buildResource('1.2.3', { 'service.name': 'csi-agent' }, env, 'h');
    assert.equal(named.attributes['service.name'], 'csi-agent');
  });

  it('an explicit service.instance.id (config or OTEL_RESOURCE_ATTRIBUTES) wins over the derived one', () => {
    assert.equal(agentResourceAttributes('1', {}, { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=from-env' })['service.instance.id'], 'from-env');
    assert.equal(agentResourceAttributes('1', { 'service.instance.id': 'from-config' }, { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=from-env' })['service.instance.id'], 'from-config');
  });

  it('targets share everything but what describes the agent\'s machine (host.*, os.*, device.*, server.*)', () => {
    const agent = agentResourceAttributes('1.2.3', { 'deployment.environment': 'prod', 'host.id': 'abc', 'os.type': 'linux', 'device.id': 'd', 'server.address': 'x', 'service.namespace': 'storage' }, {}, 'agent-host');
    assert.deepEqual(sharedResourceAttributes(agent), {
      'service.name': 'rds-agent',
      'service.namespace': 'storage',
      'service.version': '1.2.3',
      'service.instance.id': agent['service.instance.id'],
      'deployment.environment': 'prod',
    });
  });
});

describe('serviceInstanceId', () => {
  it('is the RFC 9562 version 5 UUID of the name in the given namespace', () => {
    // Published example (DNS namespace), and one computed independently with Python's uuid.uuid5.
    assert.equal(serviceInstanceId('www.opentofu.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), 'df1e675d-b743-5f6c-9952-6311d0f141df');
    assert.equal(serviceInstanceId('rds-agent\nhost-a'), '22455113-d0c0-5a16-a6d3-5967d04067af');
  });
});
