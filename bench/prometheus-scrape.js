// Scrape cost of the Prometheus exporter for 1, 100 and 1,000 targets, against baselines measured
// in the same run: (a) a bare prom-client registry holding the same series, rendered directly
// (no HTTP, no hub), and (b) a static node:http server answering with the same body, pre-gzipped
// (the HTTP floor). Sequential requests over one keep-alive connection, as Prometheus scrapes.
//
//   npm run build && node bench/prometheus-scrape.js [--quick]
//
// Prints a markdown table (p50/p99 latency, requests/s, ratios) with the machine and date.
import 'reflect-metadata';
import { Agent, createServer, request } from 'node:http';
import { cpus, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { gzipSync, constants as zlibConstants } from 'node:zlib';
import { METRIC_CATALOG, Metrics } from '@rds-agent/core';
import { MetricsHub, StatusStore, SystemClock, silentLogger } from '@rds-agent/core/host';
import { PrometheusExporter } from '@rds-agent/exporter-prometheus';
import client from 'prom-client';

const QUICK = process.argv.includes('--quick');
const SIZES = [1, 100, 1000];
/** What Prometheus 2.x sends. */
const PROM_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function iterationsFor(targets) {
  const base = targets >= 1000 ? 150 : targets >= 100 ? 600 : 2000;
  return QUICK ? Math.ceil(base / 5) : base;
}

/** Drives one target through info, connect, probes, a loss and a recovery: every metric kind gets series. */
function populate(hub, targets, at) {
  for (let i = 0; i < targets; i++) {
    const target = `rds-${String(i).padStart(4, '0')}`;
    hub.emit({ type: 'target-info', target, at, transport: 'rds-ssh', labels: { host_key_verification: 'pinned', probe_mode: 'command' } });
    hub.emit({ type: 'state-changed', target, at, from: 'idle', to: 'connecting', reason: 'started' });
    hub.emit({ type: 'attempt', target, at, attempt: 1, outcome: 'success', durationMs: 12 });
    hub.emit({ type: 'state-changed', target, at, from: 'connecting', to: 'connected', reason: 'connected' });
    hub.emit({ type: 'recovered', target, at, outageMs: 800, attempts: 1 });
    for (let p = 0; p < 5; p++) hub.emit({ type: 'probe', target, at, outcome: 'ok', latencyMs: 1 + p, mode: 'command' });
    hub.emit({ type: 'disconnected', target, at, reason: 'network', detectedBy: 'transport' });
    hub.emit({ type: 'attempt', target, at, attempt: 1, outcome: 'failure', durationMs: 5, error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'refused', retryable: true } });
    hub.emit({ type: 'backoff', target, at, delayMs: 1000, nextAttemptAt: at + 1000 });
    hub.emit({ type: 'attempt', target, at, attempt: 2, outcome: 'success', durationMs: 12 });
    hub.emit({ type: 'recovered', target, at, outageMs: 1300, attempts: 2 });
  }
}

/** A bare prom-client registry with the same families and series, fed directly (no hub, no cache). */
function bareRegistry(targets) {
  const registry = new client.Registry();
  const m = {};
  for (const def of METRIC_CATALOG) {
    const cfg = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] };
    m[def.name] = def.kind === 'counter' ? new client.Counter(cfg) : def.kind === 'gauge' ? new client.Gauge(cfg) : new client.Histogram({ ...cfg, buckets: [...def.buckets] });
  }
  m[Metrics.buildInfo.name].set({ version: '0.0.0' }, 1);
  for (let i = 0; i < targets; i++) {
    const target = `rds-${String(i).padStart(4, '0')}`;
    m[Metrics.targetInfo.name].set({ target, transport: 'rds-ssh', host_key_verification: 'pinned', probe_mode: 'command' }, 1);
    m[Metrics.connectionState.name].set({ target }, 1);
    m[Metrics.lastChange.name].set({ target }, 1_700_000_000);
    m[Metrics.backoffDelay.name].set({ target }, 0);
    m[Metrics.reconnects.name].inc({ target, status: 'success' }, 2);
    m[Metrics.reconnects.name].inc({ target, status: 'failure' }, 1);
    m[Metrics.hookErrors.name].inc({ target }, 0);
    m[Metrics.connectErrors.name].inc({ target, reason: 'refused' }, 1);
    m[Metrics.disconnects.name].inc({ target, reason: 'network' }, 1);
    m[Metrics.reconnectDuration.name].observe({ target }, 0.8);
    m[Metrics.reconnectDuration.name].observe({ target }, 1.3);
    for (let p = 0; p < 5; p++) m[Metrics.probeDuration.name].observe({ target }, (1 + p) / 1000);
  }
  return registry;
}

function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs `fn` `n` times after a warm-up; returns p50/p99 (ms) and operations per second. */
async function measure(n, fn, before) {
  for (let i = 0; i < Math.min(50, n); i++) {
    before?.(i);
    await fn();
  }
  const times = new Array(n);
  let total = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    before?.(i);
    const t0 = performance.now();
    bytes = (await fn()) ?? bytes;
    const dt = performance.now() - t0;
    times[i] = dt;
    total += dt;
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), perSecond: (n / total) * 1000, bytes };
}

async function benchSize(targets) {
  const n = iterationsFor(targets);
  const hub = new MetricsHub(silentLogger(), '0.0.0');
  const status = new StatusStore();
  hub.onEvent((e) => status.apply(e));
  const config = { host: '127.0.0.1', port: 0, path: '/metrics', tls: { certFile: null, keyFile: null, clientCaFile: null }, basicAuth: { users: {} }, defaultMetrics: false, prefix: '', readiness: 'any' };
  const exporter = new PrometheusExporter(config, { name: 'prometheus', logger: silentLogger(), clock: new SystemClock(), metrics: hub, status, version: '0.0.0' });
  await exporter.start(AbortSignal.timeout(10_000));
  const at = Date.now();
  populate(hub, targets, at);
  const port = exporter.address.port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  const textBody = await exporter.metricStore.renderText();
  const series = textBody.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  const staticGz = gzipSync(textBody, { level: zlibConstants.Z_BEST_SPEED });
  const staticServer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': staticGz.length });
    res.end(staticGz);
  });
  await new Promise((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
  const staticPort = staticServer.address().port;
  const registry = bareRegistry(targets);

  const prom = { accept: PROM_ACCEPT, 'accept-encoding': 'gzip' };
  const rows = [];
  const bare = await measure(n, async () => (await registry.metrics()).length);
  const floor = await measure(n, () => get(agent, staticPort, '/metrics', { 'accept-encoding': 'gzip' }));
  const steady = await measure(n, () => get(agent, port, '/metrics', prom));
  // Every target gets a probe observation and a state flip between scrapes: nothing cached survives.
  const churn = await measure(
    n,
    () => get(agent, port, '/metrics', prom),
    (i) => {
      for (let t = 0; t < targets; t++) {
        const target = `rds-${String(t).padStart(4, '0')}`;
        hub.emit({ type: 'probe', target, at, outcome: 'ok', latencyMs: 1 + (i % 7), mode: 'command' });
        hub.emit({ type: 'backoff', target, at, delayMs: i % 2 ? 1000 : 0 });
      }
    },
  );
  const textPlain = await measure(n, () => get(agent, port, '/metrics', {}));
  rows.push({ scenario: 'bare prom-client `registry.metrics()` (baseline a)', ...bare });
  rows.push({ scenario: 'static pre-gzipped body over HTTP (baseline b)', ...floor });
  rows.push({ scenario: 'exporter, Prometheus request (OpenMetrics+gzip), no change between scrapes', ...steady });
  rows.push({ scenario: 'exporter, Prometheus request, every target updated between scrapes', ...churn });
  rows.push({ scenario: 'exporter, text format, no gzip, no change', ...textPlain });

  agent.destroy();
  await exporter.shutdown();
  await new Promise((resolve) => staticServer.close(resolve));
  return { targets, series, n, rows, bare, floor };
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));

const results = [];
for (const size of SIZES) results.push(await benchSize(size));

const cpu = cpus();
console.log(`## Prometheus exporter scrape benchmark\n`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}`);
console.log(`- method: sequential GETs over one keep-alive connection; ${QUICK ? 'quick run (--quick)' : 'full run'}; warm-up 50 requests\n`);
console.log('| targets | series | iterations | scenario | p50 ms | p99 ms | per s | p50 / baseline a | p50 / baseline b |');
console.log('|---:|---:|---:|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  for (const row of r.rows) {
    console.log(`| ${r.targets} | ${r.series} | ${r.n} | ${row.scenario} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.perSecond)} | ${(row.p50 / r.bare.p50).toFixed(2)} | ${(row.p50 / r.floor.p50).toFixed(2)} |`);
  }
}
