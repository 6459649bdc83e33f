import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { MetricsHub, StatusStore } from '@rds-agent/core/testing';
import { FakeClock, silentLogger, waitForCondition } from '@rds-agent/core/testing';
import { T0, exporterConfig, request, sample, type RawResponse } from './harness.test.support.js';
import type { PrometheusExporterConfig } from './config.js';
import { PrometheusExporter } from './prometheus-exporter.js';

/** bcrypt cost 10 (~75 ms of CPU per check here) of "s3cret". */
const BCRYPT10_S3CRET = '$2b$10$ERhWwO0lXcOStVzxzaMSiOGMUWknAGAAU.O3e28mdohotyFRlshEG';
/** bcrypt cost 4 of "s3cret". */
const BCRYPT4_S3CRET = '$2b$04$T5RBQxz71l8eEJzvi93Fa.LRCsPumNYoBkjMQOhPD74nrYYPBeeAe';
/** bcrypt cost 4 of 72 times "a": the longest password bcrypt reads whole. */
const BCRYPT4_72A = '$2b$04$qBZ0rtYMeIKRoDfqhhXD5e7LK5fvJMUh19g/mi6CrzINlqZRK2CHS';
const SHA_S3CRET = 'sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Started {
  readonly exporter: PrometheusExporter;
  readonly hub: MetricsHub;
  readonly url: string;
  readonly port: number;
}

/** An exporter on port 0 with the given clock (a FakeClock where timing matters). */
async function started(overrides: Partial<PrometheusExporterConfig>, clock = new FakeClock(T0)): Promise<Started> {
  const hub = new MetricsHub(silentLogger(), '1.0.0');
  const status = new StatusStore();
  const exporter = new PrometheusExporter(exporterConfig(overrides), {
    name: 'prometheus',
    logger: silentLogger(),
    clock,
    metrics: hub,
    status,
    version: '1.0.0',
    shutdownTimeoutMs: 5000,
    catalog: hub.catalog,
  });
  await exporter.start(AbortSignal.timeout(5000));
  return { exporter, hub, url: exporter.url!, port: exporter.address!.port };
}

/** Prometheus-style client: one keep-alive connection reused for every request. */
function keepAliveGet(agent: Agent, url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    })
      .on('error', reject)
      .end();
  });
}

describe('basic auth under a flood of wrong passwords', () => {
  it('runs bcrypt off the event loop: the loop stays idle while 4 checks run', async () => {
    // No failure delay here: the test is about where the hashing runs.
    const s = await started({ basicAuth: { users: { prom: BCRYPT10_S3CRET }, failureDelay: 0, verifyThreads: 1, maxPendingVerifications: 8 } });
    try {
      const before = performance.eventLoopUtilization();
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => request(`${s.url}/metrics`, { headers: { authorization: basic('prom', `guess-${i}`) } })));
      const busy = performance.eventLoopUtilization(before);
      assert.deepEqual(answers.map((a) => a.status), [401, 401, 401, 401]);
      // Four cost-10 checks are ~300 ms of CPU; on the main thread the loop would be busy all along.
      assert.ok(busy.utilization < 0.5, `event loop utilization ${busy.utilization.toFixed(2)} while hashing`);
    } finally {
      await s.exporter.shutdown();
    }
  });

  it('answers 429 with Retry-After beyond maxPendingVerifications, closes refused connections and counts both', async () => {
    const s = await started({ basicAuth: { users: { prom: BCRYPT10_S3CRET }, failureDelay: 0, verifyThreads: 1, maxPendingVerifications: 2 } });
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => request(`${s.url}/metrics`, { headers: { authorization: basic('prom', `guess-${i}`) } })));
      const statuses = answers.map((a) => a.status);
      assert.ok(statuses.every((x) => x === 401 || x === 429), statuses.join(','));
      const tooMany = answers.filter((a) => a.status === 429);
      assert.ok(tooMany.length >= 1, `some requests refused without hashing: ${statuses.join(',')}`);
      assert.ok(s.exporter.basicAuth!.verifications <= 8 - tooMany.length);
      for (const a of tooMany) {
        assert.equal(a.headers['retry-after'], '1');
        assert.equal(a.headers['connection'], 'close');
      }
      assert.equal(answers.find((a) => a.status === 401)!.headers['connection'], 'close');
      const text = (await s.exporter.metricStore!.renderText());
      assert.equal(sample(text, 'rds_exporter_refused_requests_total{exporter="prometheus",reason="too-many-requests"}'), tooMany.length);
      assert.equal(sample(text, 'rds_exporter_refused_requests_total{exporter="prometheus",reason="unauthorized"}'), 8 - tooMany.length);
    } finally {
      await s.exporter.shutdown();
    }
  });
});

describe('basic auth failure timing', () => {
  for (const [what, authorization] of [
    ['a wrong password for a sha256 user', basic('grafana', 'wrong')],
    ['a wrong password for a bcrypt user', basic('prom', 'wrong')],
    ['an unknown user', basic('nobody', 's3cret')],
    ['a malformed header', 'Basic !!!'],
  ] as const) {
    it(`answers ${what} exactly failureDelay after it arrived`, async () => {
      const clock = new FakeClock(T0);
      const s = await started({ basicAuth: { users: { prom: BCRYPT4_S3CRET, grafana: SHA_S3CRET }, failureDelay: 1000, verifyThreads: 1, maxPendingVerifications: 8 } }, clock);
      try {
        let answered: RawResponse | undefined;
        const pending = request(`${s.url}/metrics`, { headers: { authorization } }).then((r) => (answered = r));
        // The check itself runs in real time on a worker thread; then the answer waits on the clock.
        await waitForCondition(() => answered !== undefined || clock.pendingTimers() > 0, { description: 'the refusal to wait on the clock' });
        assert.equal(answered, undefined, 'not answered before the failure delay');
        await clock.tickAsync(999);
        assert.equal(answered, undefined, 'still not answered at 999 ms');
        await clock.tickAsync(1);
        await pending;
        assert.equal(answered!.status, 401);
      } finally {
        await s.exporter.shutdown();
      }
    });
  }
});

describe('basic auth failure timing within the scraper\'s timeout', () => {
  for (const [timeout, expectedMs] of [['1', 500], ['0.2', 250], ['30', 1000]] as const) {
    it(`answers a refused scrape with X-Prometheus-Scrape-Timeout-Seconds: ${timeout} after ${expectedMs} ms`, async () => {
      const clock = new FakeClock(T0);
      const s = await started({ basicAuth: { users: { prom: BCRYPT4_S3CRET, grafana: SHA_S3CRET }, failureDelay: 1000, verifyThreads: 1, maxPendingVerifications: 8 } }, clock);
      try {
        let answered: RawResponse | undefined;
        const headers = { authorization: basic('prom', 'wrong'), 'x-prometheus-scrape-timeout-seconds': timeout };
        const pending = request(`${s.url}/metrics`, { headers }).then((r) => (answered = r));
        await waitForCondition(() => answered !== undefined || clock.pendingTimers() > 0, { description: 'the refusal to wait on the clock' });
        await clock.tickAsync(expectedMs - 1);
        assert.equal(answered, undefined);
        await clock.tickAsync(1);
        await pending;
        assert.equal(answered!.status, 401, 'a Prometheus with a short timeout sees the 401, not a timeout');
      } finally {
        await s.exporter.shutdown();
      }
    });
  }
});

describe('bcrypt passwords past 72 bytes', () => {
  it('refuses a wrong password that shares the first 72 bytes of the right one', async () => {
    const s = await started({ basicAuth: { users: { prom: BCRYPT4_72A }, failureDelay: 0, verifyThreads: 1, maxPendingVerifications: 8 } });
    try {
      const get = (password: string): Promise<number> => request(`${s.url}/metrics`, { headers: { authorization: basic('prom', password) } }).then((r) => r.status);
      assert.equal(await get('a'.repeat(72)), 200);
      assert.equal(await get(`${'a'.repeat(72)}-not-the-password`), 401);
      assert.equal(await get(`${'a'.repeat(71)}é`), 401, '73 bytes in UTF-8');
    } finally {
      await s.exporter.shutdown();
    }
  });
});

describe('slow and excess connections', () => {
  it('cuts a slow client after headersTimeout and refuses connections beyond maxConnections, while a good client is served', async () => {
    const s = await started({ http: { headersTimeout: 400, requestTimeout: 800, keepAliveTimeout: 30_000, maxConnections: 3 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const slow: Socket[] = [];
    try {
      assert.equal((await keepAliveGet(agent, `${s.url}/healthz`)).status, 200, 'the good client holds one connection');
      const received = new Map<Socket, string>();
      const closed = new Set<Socket>();
      for (let i = 0; i < 3; i++) {
        const socket = connect(s.port, '127.0.0.1');
        slow.push(socket);
        received.set(socket, '');
        socket.on('data', (d: Buffer) => received.set(socket, received.get(socket)! + d.toString('latin1')));
        socket.on('close', () => closed.add(socket));
        socket.on('error', () => undefined);
        // Slow-loris: a header line every 100 ms, never the blank line that ends them.
        socket.on('connect', () => {
          socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
          let n = 0;
          const trickle = setInterval(() => socket.writable && socket.write(`X-Slow-${n++}: 1\r\n`), 100);
          socket.on('close', () => clearInterval(trickle));
        });
      }
      // The third slow socket is one too many (the good client holds the first slot).
      await waitForCondition(() => closed.size >= 1, { timeoutMs: 3000, description: 'the connection beyond maxConnections to be closed' });
      assert.equal((await keepAliveGet(agent, `${s.url}/metrics`)).status, 200, 'the good client is served while the slow ones hang');
      await waitForCondition(() => closed.size === 3, { timeoutMs: 3000, description: 'the slow clients to be cut after headersTimeout' });
      const answers = [...received.values()].sort();
      assert.equal(answers[0], '', 'the connection beyond the cap got no answer');
      assert.match(answers[1]!, /^HTTP\/1\.1 408 /);
      assert.match(answers[2]!, /^HTTP\/1\.1 408 /);
      assert.equal((await keepAliveGet(agent, `${s.url}/metrics`)).status, 200, 'still served after');
      const text = await s.exporter.metricStore!.renderText();
      assert.equal(sample(text, 'rds_exporter_refused_requests_total{exporter="prometheus",reason="timeout"}'), 2);
      assert.equal(sample(text, 'rds_exporter_refused_requests_total{exporter="prometheus",reason="connection-limit"}'), 1);
    } finally {
      for (const socket of slow) socket.destroy();
      agent.destroy();
      await s.exporter.shutdown();
    }
  });
});
