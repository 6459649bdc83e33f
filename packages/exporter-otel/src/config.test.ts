import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConfigIssue } from '@rds-agent/core';
import { validateFragment } from '@rds-agent/core/testing';
import { flattenResourceAttributes, otelConfigSchema, validateOtelConfig, type OtelExporterConfig } from './config.js';

/** Runs the fragment through core's convict validation, then the cross-field checks, like the agent. */
function check(raw: Record<string, unknown>): { value?: OtelExporterConfig; issues: ConfigIssue[] } {
  const { value, issues } = validateFragment(otelConfigSchema, raw, 'exporters.otel');
  if (issues.length > 0) return { issues };
  const config = value as unknown as OtelExporterConfig;
  return { value: config, issues: validateOtelConfig(config).map((i) => ({ key: `exporters.otel.${i.key}`, message: i.message })) };
}

function keys(raw: Record<string, unknown>): string[] {
  return check(raw).issues.map((i) => i.key);
}

describe('otel exporter config', () => {
  it('every key has a doc and a default', () => {
    const walk = (node: Record<string, unknown>, path: string): void => {
      for (const [k, v] of Object.entries(node)) {
        const leaf = v as Record<string, unknown>;
        if ('default' in leaf) assert.ok(typeof leaf['doc'] === 'string' && leaf['doc'] !== '', `${path}${k} has a doc`);
        else walk(leaf, `${path}${k}.`);
      }
    };
    walk(otelConfigSchema as unknown as Record<string, unknown>, '');
  });

  it('accepts an empty section and fills the documented defaults', () => {
    const { value, issues } = check({});
    assert.deepEqual(issues, []);
    assert.equal(value!.endpoint, null);
    assert.equal(value!.protocol, 'http/protobuf');
    assert.equal(value!.exportInterval, 60_000);
    assert.equal(value!.exportTimeout, 10_000);
    assert.equal(value!.temporality, null);
    assert.deepEqual(value!.headers, {});
    assert.deepEqual(value!.tls, { caFile: null, certFile: null, keyFile: null, insecure: false });
  });

  it('accepts a full http and a full grpc config, durations as strings', () => {
    const http = check({
      endpoint: 'https://collector.example:4318/v1/metrics',
      protocol: 'http/json',
      headers: { authorization: 'Bearer abc' },
      exportInterval: '15s',
      exportTimeout: '5s',
      temporality: 'delta',
      compression: 'gzip',
      tls: { caFile: '/etc/ssl/ca.pem', certFile: '/etc/ssl/c.pem', keyFile: '/etc/ssl/k.pem' },
      resourceAttributes: { deployment: { environment: 'prod' }, team: 'csi' },
    });
    assert.deepEqual(http.issues, []);
    assert.equal(http.value!.exportInterval, 15_000);
    assert.deepEqual(flattenResourceAttributes(http.value!.resourceAttributes), { 'deployment.environment': 'prod', team: 'csi' });
    assert.deepEqual(flattenResourceAttributes('deployment.environment=prod,service.namespace=a%20b,broken'), { 'deployment.environment': 'prod', 'service.namespace': 'a b' });
    const grpc = check({ endpoint: 'http://127.0.0.1:4317', protocol: 'grpc', tls: { insecure: true } });
    assert.deepEqual(grpc.issues, []);
  });

  it('names the key of every invalid value', () => {
    assert.deepEqual(keys({ protocol: 'http' }), ['exporters.otel.protocol']);
    assert.deepEqual(keys({ endpoint: 'not a url' }), ['exporters.otel.endpoint']);
    assert.deepEqual(keys({ exportInterval: 'soon' }), ['exporters.otel.exportInterval']);
    assert.deepEqual(keys({ temporality: 'lowmemory' }), ['exporters.otel.temporality']);
    assert.deepEqual(keys({ tls: { insecure: 'yes' }, protocol: 'grpc' }), ['exporters.otel.tls.insecure']);
    assert.deepEqual(keys({ resourceAttributes: { a: 1 } }), ['exporters.otel.resourceAttributes']);
    assert.deepEqual(keys({ resourceAttributes: ['a=b'] }), ['exporters.otel.resourceAttributes']);
    assert.deepEqual(keys({ resourceAttributes: { deployment: { environment: 3 } } }), ['exporters.otel.resourceAttributes']);
    assert.deepEqual(keys({ endpint: 'http://x/v1/metrics' }), ['exporters.otel.endpint']);
  });

  it('rejects cross-field mistakes, naming the key', () => {
    assert.deepEqual(keys({ protocol: 'grpc', endpoint: 'http://127.0.0.1:4317/v1/metrics' }), ['exporters.otel.endpoint']);
    assert.deepEqual(keys({ endpoint: 'http://127.0.0.1:4318' }), ['exporters.otel.endpoint']);
    assert.deepEqual(keys({ endpoint: 'ftp://127.0.0.1/v1/metrics' }), ['exporters.otel.endpoint']);
    assert.deepEqual(keys({ endpoint: 'https://127.0.0.1/v1/metrics', tls: { certFile: '/c.pem' } }), ['exporters.otel.tls.keyFile']);
    assert.deepEqual(keys({ endpoint: 'https://127.0.0.1/v1/metrics', tls: { keyFile: '/k.pem' } }), ['exporters.otel.tls.certFile']);
    assert.deepEqual(keys({ tls: { insecure: true } }), ['exporters.otel.tls.insecure']);
    assert.deepEqual(keys({ endpoint: 'http://127.0.0.1:4318/v1/metrics', tls: { caFile: '/ca.pem' } }), ['exporters.otel.endpoint']);
    assert.deepEqual(keys({ exportInterval: '5s', exportTimeout: '10s' }), ['exporters.otel.exportTimeout']);
    assert.deepEqual(keys({ exportInterval: 0, exportTimeout: 0 }), ['exporters.otel.exportTimeout', 'exporters.otel.exportInterval']);
    assert.deepEqual(keys({ headers: { 'bad header': 'x' } }), ['exporters.otel.headers.bad header']);
  });

  it('never quotes header values or endpoint credentials in messages', () => {
    const secret = 'Bearer s3cr3t-t0ken';
    const bad = [
      check({ headers: { authorization: secret, 'x y': secret } }),
      check({ headers: { authorization: 42 } }),
      check({ headers: secret }),
      check({ endpoint: 'http://user:s3cr3t-t0ken@127.0.0.1:4318/v1/metrics' }),
    ];
    for (const { issues } of bad) {
      assert.ok(issues.length > 0);
      for (const i of issues) assert.ok(!i.message.includes('s3cr3t'), `message leaks a secret: ${i.key}: ${i.message}`);
    }
  });
});
