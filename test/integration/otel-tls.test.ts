import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { AgentError, ErrorCode } from '@rds-agent/core';
import { metricsOf, OtlpReceiver, type OtlpTransport } from '../support/otlp-receiver.js';
import { agentCore, otelFromRaw } from '../support/otlp-scenario.js';

/** Test-only PEM files (see test/support/otlp-tls/README.md), read from the source tree. */
const TLS_DIR = fileURLToPath(new URL('../../support/otlp-tls/', import.meta.url));
const file = (name: string): string => `${TLS_DIR}${name}`;

describe('otel exporter over TLS and mutual TLS', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start({
      tls: { cert: readFileSync(file('server.pem')), key: readFileSync(file('server.key')), ca: readFileSync(file('ca.pem')), requireClientCert: true },
    });
  });
  after(async () => {
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: tls.caFile + certFile/keyFile reach a receiver that requires a client certificate`, async () => {
      receiver.clear();
      const { hub, context } = agentCore();
      const tls = { caFile: file('ca.pem'), certFile: file('client.pem'), keyFile: file('client.key') };
      const exporter = otelFromRaw({ endpoint: receiver.urlFor(protocol), protocol, exportInterval: '1h', tls }, context);
      await exporter.start(new AbortController().signal);
      hub.emit({ type: 'state-changed', target: 'rds1', at: Date.now(), from: 'idle', to: 'connected', reason: 'connected' });
      await exporter.forceFlush();
      const got = await receiver.waitFor((e) => e.transport === protocol);
      assert.ok(metricsOf(got).has('rds.connection.state'));
      assert.equal(exporter.failedExports, 0);
      await exporter.shutdown();
    });

    it(`${protocol}: without the client certificate the export fails (and is counted), nothing is received`, async () => {
      receiver.clear();
      const { context } = agentCore();
      const exporter = otelFromRaw({ endpoint: receiver.urlFor(protocol), protocol, exportInterval: '1h', exportTimeout: '1s', tls: { caFile: file('ca.pem') } }, context);
      await exporter.start(new AbortController().signal);
      await exporter.forceFlush();
      assert.equal(exporter.failedExports, 1);
      assert.equal(receiver.received.length, 0);
      await exporter.shutdown();
    });
  }

  it('an unreadable TLS file fails start with RDS_AGENT_ERR_EXPORTER_START naming the key', async () => {
    const { context } = agentCore();
    const exporter = otelFromRaw({ endpoint: receiver.httpUrl, tls: { caFile: file('missing.pem') } }, context);
    await assert.rejects(exporter.start(new AbortController().signal), (err: unknown) => {
      assert.ok(err instanceof AgentError);
      assert.equal(err.code, ErrorCode.EXPORTER_START);
      assert.match(err.message, /exporters\.otel\.tls\.caFile/);
      return true;
    });
    await exporter.shutdown();
  });
});
