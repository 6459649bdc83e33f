import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type ConfigIssue } from '@rds-agent/core';
import { configValidator, fakeTransportPlugin, validateFragment } from '@rds-agent/core/testing';
import plugin, { prometheusExporterDefinition } from './index.js';
import { PROMETHEUS_EXPORTER_DEFAULTS, type PrometheusExporterConfig } from './config.js';

const KEY = 'exporters.prometheus';
const BCRYPT = '$2y$10$M4l8bAXRHtTNkv5UAU2PUO2l1yMu/vWa3f8L1BMdDmWZ1x4B9l0NS';
const SHA = `sha256:${'ab'.repeat(32)}`;

/** Validates like the agent does: convict fragment first, then the cross-field checks; keys prefixed. */
function issuesOf(raw: unknown): ConfigIssue[] {
  const { value, issues } = validateFragment(prometheusExporterDefinition.schema, raw, KEY);
  if (issues.length > 0) return issues;
  return prometheusExporterDefinition.validate!(value as unknown as PrometheusExporterConfig).map((i) => ({ ...i, key: `${KEY}.${i.key}` }));
}

/** The keys of the errors (warnings left out). */
function keysOf(raw: unknown): string[] {
  return issuesOf(raw)
    .filter((i) => i.severity !== 'warning')
    .map((i) => i.key);
}

describe('prometheus exporter config', () => {
  it('has documented defaults that validate', () => {
    const { value, issues } = validateFragment(prometheusExporterDefinition.schema, {}, KEY);
    assert.deepEqual(issues, []);
    assert.deepEqual(value, {
      host: '127.0.0.1',
      port: 9464,
      path: '/metrics',
      tls: { certFile: null, keyFile: null, clientCaFile: null },
      basicAuth: { users: {}, failureDelay: 1000, verifyThreads: 1, maxPendingVerifications: 8 },
      http: { headersTimeout: 5000, requestTimeout: 10_000, keepAliveTimeout: 65_000, maxConnections: 64 },
      defaultMetrics: true,
      prefix: '',
      readiness: 'any',
    });
    assert.deepEqual(value, PROMETHEUS_EXPORTER_DEFAULTS, 'the exported defaults are the schema defaults');
    assert.deepEqual(prometheusExporterDefinition.validate!(value as unknown as PrometheusExporterConfig), []);
  });

  it('gives every key a doc', () => {
    const walk = (node: Record<string, unknown>, path: string): void => {
      for (const [k, v] of Object.entries(node)) {
        const child = v as Record<string, unknown>;
        if ('default' in child) assert.ok(typeof child['doc'] === 'string' && child['doc'] !== '', `${path}${k} has no doc`);
        else walk(child, `${path}${k}.`);
      }
    };
    walk(prometheusExporterDefinition.schema as Record<string, unknown>, '');
  });

  it('accepts a full valid config (a bcrypt user only earns its 72-byte warning)', () => {
    const issues = issuesOf({
      host: '0.0.0.0',
      port: 9100,
      path: '/custom/metrics',
      tls: { certFile: '/etc/rds-agent/tls.crt', keyFile: '/etc/rds-agent/tls.key', clientCaFile: '/etc/rds-agent/ca.crt' },
      basicAuth: { users: { prometheus: BCRYPT, grafana: SHA }, failureDelay: '2s', verifyThreads: 2, maxPendingVerifications: 16 },
      http: { headersTimeout: '3s', requestTimeout: '5s', keepAliveTimeout: '2m', maxConnections: 10 },
      defaultMetrics: false,
      prefix: 'rds_csi_',
      readiness: 'all',
    });
    assert.deepEqual(
      issues.map((i) => [i.key, i.severity]),
      [[`${KEY}.basicAuth.users.prometheus`, 'warning']],
    );
  });

  const invalid: [string, unknown, string][] = [
    ['port out of range', { port: 70000 }, `${KEY}.port`],
    ['port not a number', { port: 'nine' }, `${KEY}.port`],
    ['path without a slash', { path: 'metrics' }, `${KEY}.path`],
    ['path with a query', { path: '/metrics?x=1' }, `${KEY}.path`],
    ['path shadowing /status', { path: '/status' }, `${KEY}.path`],
    ['unknown readiness rule', { readiness: 'most' }, `${KEY}.readiness`],
    ['defaultMetrics "no"', { defaultMetrics: 'no' }, `${KEY}.defaultMetrics`],
    ['prefix with a dash', { prefix: 'rds-csi-' }, `${KEY}.prefix`],
    ['empty host', { host: '' }, `${KEY}.host`],
    ['unknown key', { listen: ':9464' }, `${KEY}.listen`],
    ['cert without key', { tls: { certFile: '/x.crt' } }, `${KEY}.tls.keyFile`],
    ['key without cert', { tls: { keyFile: '/x.key' } }, `${KEY}.tls.certFile`],
    ['client CA without TLS', { tls: { clientCaFile: '/ca.crt' } }, `${KEY}.tls.clientCaFile`],
    ['plain password', { basicAuth: { users: { alice: 'hunter2' } } }, `${KEY}.basicAuth.users.alice`],
    ['truncated bcrypt hash', { basicAuth: { users: { bob: BCRYPT.slice(0, 40) } } }, `${KEY}.basicAuth.users.bob`],
    ['bcrypt $2x$ variant', { basicAuth: { users: { bob: BCRYPT.replace('$2y$', '$2x$') } } }, `${KEY}.basicAuth.users.bob`],
    ['short sha256', { basicAuth: { users: { carol: 'sha256:abcd' } } }, `${KEY}.basicAuth.users.carol`],
    ['username with a colon', { basicAuth: { users: { 'a:b': SHA } } }, `${KEY}.basicAuth.users.a:b`],
    ['failureDelay not a duration', { basicAuth: { failureDelay: 'soon' } }, `${KEY}.basicAuth.failureDelay`],
    ['no verification thread', { basicAuth: { verifyThreads: 0 } }, `${KEY}.basicAuth.verifyThreads`],
    ['maxPendingVerifications 1.5', { basicAuth: { maxPendingVerifications: 1.5 } }, `${KEY}.basicAuth.maxPendingVerifications`],
    ['maxConnections 0', { http: { maxConnections: 0 } }, `${KEY}.http.maxConnections`],
    ['headersTimeout not a duration', { http: { headersTimeout: 'slow' } }, `${KEY}.http.headersTimeout`],
    ['headersTimeout above requestTimeout', { http: { headersTimeout: '20s', requestTimeout: '10s' } }, `${KEY}.http.headersTimeout`],
  ];
  for (const [what, raw, key] of invalid) {
    it(`rejects ${what}, naming ${key}`, () => {
      assert.deepEqual(keysOf(raw), [key]);
    });
  }

  describe('warnings (valid, but probably not what was meant)', () => {
    const warningsOf = (raw: unknown): string[] => issuesOf(raw).filter((i) => i.severity === 'warning').map((i) => `${i.key}: ${i.message}`);
    const TLS = { certFile: '/etc/rds-agent/tls.crt', keyFile: '/etc/rds-agent/tls.key' };

    it('warns when the endpoint listens beyond loopback without TLS or basic auth', () => {
      const [open, ...rest] = warningsOf({ host: '0.0.0.0' });
      assert.deepEqual(rest, []);
      assert.match(open!, /^exporters\.prometheus\.host: listens on 0\.0\.0\.0, beyond loopback, without TLS or basic auth: anyone who can reach port 9464 reads/);
      assert.match(warningsOf({ host: '192.0.2.5', basicAuth: { users: { grafana: SHA } } })[0]!, /^exporters\.prometheus\.host: .* without TLS: basic-auth passwords .* clear text/);
      assert.match(warningsOf({ host: '::', tls: TLS })[0]!, /^exporters\.prometheus\.host: .* with TLS but no authentication/);
    });

    it('does not warn on loopback, or beyond it with TLS and basic auth or client certificates', () => {
      for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1']) assert.deepEqual(warningsOf({ host }), [], host);
      assert.deepEqual(warningsOf({ host: '0.0.0.0', tls: TLS, basicAuth: { users: { grafana: SHA } } }), []);
      assert.deepEqual(warningsOf({ host: '0.0.0.0', tls: { ...TLS, clientCaFile: '/etc/rds-agent/ca.crt' } }), []);
    });

    it('warns for every bcrypt user that passwords past 72 bytes are refused, never for sha256 users', () => {
      const warnings = warningsOf({ basicAuth: { users: { prometheus: BCRYPT, grafana: SHA, other: BCRYPT } } });
      assert.deepEqual(warnings.map((w) => w.split(':')[0]), [`${KEY}.basicAuth.users.prometheus`, `${KEY}.basicAuth.users.other`]);
      assert.match(warnings[0]!, /first 72 bytes .* refuses longer passwords .*rds-agent hash-password/);
      assert.ok(!warnings[0]!.includes(BCRYPT), 'the hash is not echoed');
    });

    it('reaches the agent as warnings: the config stays valid', async () => {
      const validate = await configValidator([plugin, fakeTransportPlugin()]);
      const warnings: ConfigIssue[] = [];
      const raw = { targets: [{ name: 'rds-1', transport: 'fake', options: {} }], exporters: { prometheus: { host: '0.0.0.0', basicAuth: { users: { prometheus: BCRYPT } } } } };
      validate(raw, {}, warnings);
      assert.deepEqual(warnings.map((w) => w.key), [`${KEY}.basicAuth.users.prometheus`, `${KEY}.host`]);
    });
  });

  it('never echoes a rejected password', () => {
    const issues = issuesOf({ basicAuth: { users: { alice: 'hunter2-secret' } } });
    assert.equal(issues.length, 1);
    assert.doesNotMatch(issues[0]!.message, /hunter2/);
    assert.match(issues[0]!.message, /bcrypt/);
  });

  it('is named exporters.prometheus.basicAuth.users.<name> by the agent config loader', async () => {
    const validate = await configValidator([plugin, fakeTransportPlugin()]);
    const raw = { targets: [{ name: 'rds-1', transport: 'fake', options: {} }], exporters: { prometheus: { basicAuth: { users: { alice: 'plain' } } } } };
    assert.throws(
      () => validate(raw),
      (err: unknown) => err instanceof ConfigError && err.issues.some((i) => i.key === `${KEY}.basicAuth.users.alice`) && !err.message.includes('plain"'),
    );
  });
});
