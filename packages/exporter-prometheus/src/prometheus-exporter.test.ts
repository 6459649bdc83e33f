import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { AgentError, ConfigError, ErrorCode, Metrics } from '@rds-agent/core';
import { T0, harness, request, sample, type Harness } from './harness.test.support.js';

/** What npm installed, read straight from its manifest. */
const PROM_CLIENT_VERSION = (createRequire(import.meta.url)('prom-client/package.json') as { version: string }).version;
const SHA_S3CRET = 'sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0';
const BCRYPT_S3CRET = '$2y$04$vNUGgjKZG419My/fhwGndOSw0VTfafOwWkI9Zbodh735Sfj/nMSee';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('PrometheusExporter endpoints', () => {
  let h: Harness;
  let url: string;
  before(async () => {
    h = harness();
    // The agent sets it in start(), before its exporters start.
    h.hub.publish({ op: 'set', metric: Metrics.startTime, labels: {}, value: T0 / 1000 - 60 });
    // The agent starts exporters before monitors: counters are only seen by a started exporter.
    await h.exporter.start(AbortSignal.timeout(5000));
    h.connect('rds-1');
    h.connect('rds-2');
    h.emit({ type: 'probe', target: 'rds-1', at: T0, outcome: 'ok', latencyMs: 4.25, mode: 'command' });
    h.lose('rds-2', 'timeout');
    h.fail('rds-2', 1, 'timeout');
    url = h.exporter.url!;
  });
  after(() => h.exporter.shutdown());

  it('serves the classic text format by default', async () => {
    const res = await request(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(sample(res.text, 'rds_connection_state{target="rds-1"}'), 1);
    assert.equal(sample(res.text, 'rds_connection_state{target="rds-2"}'), 0);
    assert.equal(sample(res.text, 'rds_disconnects_total{target="rds-2",reason="timeout"}'), 1);
    assert.equal(sample(res.text, 'rds_connect_errors_total{target="rds-2",reason="timeout"}'), 1);
    assert.equal(sample(res.text, 'rds_backoff_delay_seconds{target="rds-2"}'), 2);
    assert.equal(sample(res.text, `rds_agent_build_info{version="1.2.3",revision="abc1234",nodejs_version="${process.versions.node}",prom_client_version="${PROM_CLIENT_VERSION}"}`), 1);
    assert.equal(sample(res.text, 'rds_agent_start_time_seconds'), T0 / 1000 - 60);
    assert.equal(sample(res.text, 'rds_exporter_errors_total{exporter="prometheus"}'), 0);
    assert.equal(sample(res.text, 'rds_connection_last_change_timestamp_seconds{target="rds-1"}'), T0 / 1000);
  });

  it('negotiates OpenMetrics from the Accept header Prometheus sends', async () => {
    const res = await request(`${url}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.match(res.text, /^# TYPE rds_reconnect counter$/m);
    assert.equal(sample(res.text, 'rds_reconnect_total{target="rds-1",status="success"}'), 1);
    assert.ok(res.text.endsWith('# EOF\n'));
    const plain = await request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text;q=0.2,text/plain;q=0.9' } });
    assert.equal(plain.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('compresses with gzip when asked', async () => {
    const res = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(String(res.headers['vary']), /Accept-Encoding/);
    const text = gunzipSync(res.body).toString('utf8');
    assert.equal(sample(text, 'rds_connection_state{target="rds-1"}'), 1);
    assert.equal(Number(res.headers['content-length']), res.body.length);
    const refused = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  it('answers HEAD with headers only', async () => {
    const res = await request(`${url}/metrics`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.ok(Number(res.headers['content-length']) > 0);
    assert.equal((await request(`${url}/healthz`, { method: 'HEAD' })).status, 200);
  });

  it('serves /healthz, /status, 404 and 405', async () => {
    const health = await request(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok\n');
    assert.equal((await request(`${url}/nope`)).status, 404);
    assert.equal((await request(`${url}/metrics/extra`)).status, 404);
    const post = await request(`${url}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers['allow'], 'GET, HEAD');
    assert.equal((await request(`${url}/healthz?x=1`)).status, 200, 'query strings are ignored');
  });

  it('reports per-target status as JSON', async () => {
    h.clock.offset = 90_000;
    const res = await request(`${url}/status`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const doc = JSON.parse(res.text);
    assert.deepEqual(doc.agent, { version: '1.2.3', startedAt: new Date(T0).toISOString(), uptimeSeconds: 90 });
    assert.deepEqual(doc.ready, { rule: 'any', ready: true, connected: 1, total: 2 });
    const [one, two] = doc.targets;
    assert.equal(one.target, 'rds-1');
    assert.equal(one.state, 'connected');
    assert.equal(one.since, new Date(T0).toISOString());
    assert.equal(one.lastProbeLatencyMs, 4.25);
    assert.equal(one.nextAttemptAt, null);
    assert.equal(two.target, 'rds-2');
    assert.equal(two.state, 'disconnected');
    assert.equal(two.reason, 'timeout');
    assert.equal(two.attempts, 1);
    assert.equal(two.nextAttemptAt, new Date(T0 + 2000).toISOString());
    assert.deepEqual(two.lastError, { code: 'RDS_AGENT_ERR_TIMEOUT', reason: 'timeout', message: 'timeout failed', at: new Date(T0).toISOString() });
  });

  it('renders the landing page with the targets table and links', async () => {
    const res = await request(`${url}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(res.text, /<tr class="target" data-target="rds-1" data-state="connected">\s*<td class="target"><span class="name">rds-1<\/span>/);
    assert.match(res.text, /<tr class="target" data-target="rds-2" data-state="disconnected">\s*<td class="target"><span class="name">rds-2<\/span>/);
    assert.match(res.text, /href="\/metrics"/);
    assert.match(res.text, /href="\/status"/);
    assert.match(res.text, /4\.3&nbsp;ms|4\.2&nbsp;ms/);
  });
});

describe('PrometheusExporter behaviour', () => {
  it('escapes HTML in target names and messages on the landing page', async () => {
    const h = harness();
    const evil = '<script>alert("x")</script>&';
    h.connect(evil);
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      const res = await request(`${h.exporter.url}/`);
      assert.ok(!res.text.includes('<script>'), 'no raw markup from data');
      assert.ok(res.text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    } finally {
      await h.exporter.shutdown();
    }
  });

  for (const [rule, states, expected] of [
    ['any', ['connected', 'disconnected'], 200],
    ['any', ['disconnected', 'disconnected'], 503],
    ['all', ['connected', 'disconnected'], 503],
    ['all', ['connected', 'connected'], 200],
  ] as const) {
    it(`/readyz with rule "${rule}" and targets ${states.join('+')} answers ${expected}`, async () => {
      const h = harness({ readiness: rule });
      states.forEach((s, i) => {
        h.connect(`t${i}`);
        if (s === 'disconnected') h.lose(`t${i}`);
      });
      await h.exporter.start(AbortSignal.timeout(5000));
      try {
        const res = await request(`${h.exporter.url}/readyz`);
        assert.equal(res.status, expected);
        if (expected === 503) assert.match(res.text, new RegExp(`not ready: \\d of 2 targets connected \\(rule: ${rule}\\)`));
      } finally {
        await h.exporter.shutdown();
      }
    });
  }

  it('follows state changes live (loss, recovery, target removal) and keeps counters across reconnects', async () => {
    const h = harness();
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      const scrape = async (): Promise<string> => (await request(`${h.exporter.url}/metrics`)).text;
      h.connect('a');
      assert.equal(sample(await scrape(), 'rds_connection_state{target="a"}'), 1);
      h.lose('a');
      assert.equal(sample(await scrape(), 'rds_connection_state{target="a"}'), 0);
      h.connect('a');
      h.lose('a');
      h.connect('a');
      const text = await scrape();
      assert.equal(sample(text, 'rds_connection_state{target="a"}'), 1);
      assert.equal(sample(text, 'rds_reconnect_total{target="a",status="success"}'), 3);
      assert.equal(sample(text, 'rds_disconnects_total{target="a",reason="network"}'), 2);
      assert.equal((await request(`${h.exporter.url}/readyz`)).status, 200);
      h.emit({ type: 'target-removed', target: 'a', at: T0 });
      assert.doesNotMatch(await scrape(), /target="a"/);
    } finally {
      await h.exporter.shutdown();
    }
  });

  it('serves a custom path and prefix', async () => {
    const h = harness({ path: '/prom', prefix: 'rds_csi_' });
    h.connect('a');
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      assert.equal((await request(`${h.exporter.url}/metrics`)).status, 404);
      const res = await request(`${h.exporter.url}/prom`);
      assert.equal(sample(res.text, 'rds_csi_rds_connection_state{target="a"}'), 1);
    } finally {
      await h.exporter.shutdown();
    }
  });

  it('requires basic auth on every endpoint when users are configured', async () => {
    const h = harness({ basicAuth: { users: { prom: BCRYPT_S3CRET, other: SHA_S3CRET } } });
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      for (const path of ['/metrics', '/healthz', '/readyz', '/status', '/']) {
        const res = await request(`${h.exporter.url}${path}`);
        assert.equal(res.status, 401, path);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="rds-agent", charset="UTF-8"');
      }
      assert.equal((await request(`${h.exporter.url}/metrics`, { headers: { authorization: basic('prom', 'nope') } })).status, 401);
      assert.equal((await request(`${h.exporter.url}/metrics`, { headers: { authorization: basic('ghost', 's3cret') } })).status, 401);
      for (let i = 0; i < 3; i++) {
        assert.equal((await request(`${h.exporter.url}/metrics`, { headers: { authorization: basic('prom', 's3cret') } })).status, 200);
      }
      assert.equal((await request(`${h.exporter.url}/healthz`, { headers: { authorization: basic('other', 's3cret') } })).status, 200);
      assert.equal(h.exporter.basicAuth!.verifications, 4, '2 failures + 1 bcrypt + 1 sha256: repeated scrapes hit the cache');
    } finally {
      await h.exporter.shutdown();
    }
  });
});

describe('PrometheusExporter lifecycle', () => {
  it('shutdown is safe before start and idempotent', async () => {
    const h = harness();
    await h.exporter.shutdown();
    await h.exporter.shutdown();
    const started = harness();
    await started.exporter.start(AbortSignal.timeout(5000));
    const url = started.exporter.url!;
    await Promise.all([started.exporter.shutdown(), started.exporter.shutdown()]);
    await started.exporter.shutdown();
    await assert.rejects(request(`${url}/healthz`), /ECONNREFUSED/);
    await started.exporter.forceFlush();
  });

  it('closes keep-alive connections on shutdown', async () => {
    const { Agent, request: httpRequest } = await import('node:http');
    const h = harness();
    await h.exporter.start(AbortSignal.timeout(5000));
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest(`${h.exporter.url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 200);
    await h.exporter.shutdown(); // would hang on the idle keep-alive socket without closeAllConnections
    agent.destroy();
  });

  it('stops feeding its registry after shutdown', async () => {
    const h = harness();
    await h.exporter.start(AbortSignal.timeout(5000));
    const store = h.exporter.metricStore!;
    await h.exporter.shutdown();
    h.connect('late');
    assert.doesNotMatch(await store.renderText(), /late/);
  });

  it('fails to start with EXPORTER_START naming exporters.prometheus.port when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const h = harness({ port });
    try {
      await assert.rejects(h.exporter.start(AbortSignal.timeout(5000)), (err: unknown) => {
        assert.ok(err instanceof AgentError);
        assert.equal(err.code, ErrorCode.EXPORTER_START);
        assert.match(err.message, /^exporters\.prometheus\.port: 127\.0\.0\.1:\d+ is already in use/);
        return true;
      });
      await h.exporter.shutdown();
    } finally {
      blocker.close();
    }
  });

  it('fails to start with a ConfigError naming the user when a hash is plain text', async () => {
    const h = harness({ basicAuth: { users: { alice: 'plain-password' } } });
    await assert.rejects(h.exporter.start(AbortSignal.timeout(5000)), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, ErrorCode.CONFIG);
      assert.deepEqual(err.issues.map((i) => i.key), ['exporters.prometheus.basicAuth.users.alice']);
      assert.doesNotMatch(err.message, /plain-password/);
      return true;
    });
  });

  it('fails to start naming tls.certFile when it cannot be read, and tls.keyFile when it is not a key', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'rds-prom-tls-'));
    try {
      const missing = harness({ tls: { certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'missing.key'), clientCaFile: null } });
      await assert.rejects(missing.exporter.start(AbortSignal.timeout(5000)), (err: unknown) => {
        assert.ok(err instanceof AgentError);
        assert.equal(err.code, ErrorCode.EXPORTER_START);
        assert.match(err.message, /^exporters\.prometheus\.tls\.certFile: cannot read ".*missing\.crt" \(ENOENT\)/);
        return true;
      });
      await writeFile(join(dir, 'junk.crt'), 'not a certificate');
      const junk = harness({ tls: { certFile: join(dir, 'junk.crt'), keyFile: join(dir, 'junk.crt'), clientCaFile: null } });
      await assert.rejects(junk.exporter.start(AbortSignal.timeout(5000)), /^AgentError: exporters\.prometheus\.tls\.certFile: ".*junk\.crt" is not a PEM certificate/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects with the abort reason when the start signal is already aborted', async () => {
    const h = harness();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(h.exporter.start(controller.signal), { name: 'AbortError' });
    await h.exporter.shutdown();
  });

  it('shutdown during start leaves nothing bound or subscribed', async () => {
    const h = harness();
    const starting = h.exporter.start(AbortSignal.timeout(5000));
    await h.exporter.shutdown();
    await assert.rejects(starting, { code: ErrorCode.EXPORTER_START });
    assert.equal(h.exporter.address, undefined);
    const store = h.exporter.metricStore;
    h.connect('after');
    if (store) assert.doesNotMatch(await store.renderText(), /after/);
    await assert.rejects(h.exporter.start(AbortSignal.timeout(5000)), /was shut down/);
  });

  it('aborting the start signal mid-start rejects with its reason and leaves nothing bound', async () => {
    const h = harness();
    const controller = new AbortController();
    const starting = h.exporter.start(controller.signal);
    controller.abort();
    await assert.rejects(starting, { name: 'AbortError' });
    assert.equal(h.exporter.address, undefined);
    await h.exporter.shutdown();
  });

  it('refuses a second start', async () => {
    const h = harness();
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      await assert.rejects(h.exporter.start(AbortSignal.timeout(5000)), { code: ErrorCode.EXPORTER_START });
    } finally {
      await h.exporter.shutdown();
    }
  });
});
