// Scrape cost of the Prometheus exporter in a running agent: 1,000 targets holding the series a
// real agent holds (connection health plus device telemetry for every `source: 'device'` catalog
// metric, so new catalog entries are covered without touching this file), with churn at the rate
// a running agent produces it (a probe every 5 s per target, a telemetry collection every 60 s per
// target). Baseline, measured in the same run from the same hub events: a bare prom-client server
// holding the same series that renders `registry.metrics()` and gzips it (level 1) per request.
//
// Scenarios:
//  1. back-to-back scrapes over one keep-alive connection (OpenMetrics + gzip, as Prometheus asks)
//     while churn runs in real time: p50/p99, requests/s, ratio to the baseline;
//  2. one scrape after each 15 s scrape interval's worth of churn (3,000 probes, 250 telemetry
//     collections): what a Prometheus with the default 15 s interval makes the exporter do;
//  3. the longest time the event loop was blocked while a render was in flight (setImmediate gaps
//     in the same process), and the longest timer delay (monitorEventLoopDelay) during 1 and 2;
//  4. unless --no-loaded: the host loaded by a CPU hog on both cores (two busy child processes);
//     a scraper in its own process scrapes every 1 s with a 1 s timeout; failures are counted.
//
//   npm run build && node bench/prometheus-scrape.js [--quick] [--no-loaded] [--targets N]
//
// Prints markdown tables with the machine and date.
import 'reflect-metadata';
import { fork, spawn } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg, platform, release } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { gzip, constants as zlibConstants } from 'node:zlib';
import { promisify } from 'node:util';
import { Metrics } from '@rds-agent/core';
import { MetricsHub, StatusStore, SystemClock, silentLogger } from '@rds-agent/core/host';
import { PrometheusExporter } from '@rds-agent/exporter-prometheus';
import client from 'prom-client';

const gzipAsync = promisify(gzip);
const args = process.argv.slice(2);
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');

// --- child role: the loaded-host scraper (its own process, like a real Prometheus) ---------------
if (args[0] === '--scraper') {
  const [, url, everyMs, count, timeoutMs] = args;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const results = [];
  const started = performance.now();
  for (let i = 0; i < Number(count); i++) {
    const due = started + i * Number(everyMs);
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    const outcome = await new Promise((resolve) => {
      const req = request(url, { agent, headers: { accept: PROM_ACCEPT(), 'accept-encoding': 'gzip' }, timeout: Number(timeoutMs) }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : `http-${res.statusCode}`));
        res.on('error', () => resolve('error'));
      });
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    results.push({ outcome, ms: performance.now() - t0 });
  }
  agent.destroy();
  process.send(results);
  process.exit(0);
}

function PROM_ACCEPT() {
  // What Prometheus 2.x sends.
  return 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
}

const QUICK = args.includes('--quick');
const LOADED = !args.includes('--no-loaded');
const TARGETS = Number(args[args.indexOf('--targets') + 1] ?? 0) || 1000;
const PROBE_EVERY_MS = 5_000;
const TELEMETRY_EVERY_MS = 60_000;
const SCRAPE_INTERVAL_MS = 15_000;
// Sized so that the whole of `npm run bench` fits 15 minutes on 2 cores (this one: ~4 min).
const BACK_TO_BACK_MS = QUICK ? 3_000 : 6_000;
const INTERVAL_SCRAPES = QUICK ? 10 : 12;
const LOADED_SCRAPES = QUICK ? 15 : 30;
const targetName = (i) => `rds-${String(i).padStart(4, '0')}`;

// --- the series a running agent holds ------------------------------------------------------------
const DEVICE_METRICS = Object.entries(Metrics).filter(([, def]) => def.source === 'device');
const SLOTS = ['nvme1', 'nvme2', 'nvme3', 'nvme4', 'nvme5', 'nvme6'];

/** Label values for one device metric's non-target labels: info metrics one series, a slot per disk, else two. */
function labelSets(def) {
  let sets = [{}];
  for (const label of def.labels) {
    if (label === 'target') continue;
    const values = def.unit === '{info}' ? [infoValue(label)] : label === 'slot' ? SLOTS : [`${label}-a`, `${label}-b`];
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [label]: v })));
  }
  return sets;
}

function infoValue(label) {
  return { version: '7.16.2', board: 'RDS2216', architecture: 'arm64' }[label] ?? `${label}-value`;
}

/** Per target: device counter totals (they only grow) and a step counter for gauge values. */
const deviceState = new Map();

function telemetrySamples(target, step) {
  let totals = deviceState.get(target);
  if (!totals) deviceState.set(target, (totals = new Map()));
  const samples = [];
  for (const [id, def] of DEVICE_METRICS) {
    for (const labels of labelSets(def)) {
      let value;
      if (def.kind === 'counter') {
        const key = `${id}${JSON.stringify(labels)}`;
        value = (totals.get(key) ?? 0) + 4096 * (1 + ((step * 7 + key.length) % 13));
        totals.set(key, value);
      } else if (def.unit === '{info}') value = 1;
      else if (def.unit === '1') value = ((step * 37) % 100) / 100;
      else if (def.unit === 's') value = 86_400 + step * 60;
      else value = 2 ** 30 + ((step * 7919) % 1000) * 4096;
      samples.push({ metric: id, labels, value });
    }
  }
  return samples;
}

function populate(hub, at) {
  for (let i = 0; i < TARGETS; i++) {
    const target = targetName(i);
    hub.emit({ type: 'target-info', target, at, transport: 'rds-ssh', labels: { host_key_verification: 'pinned', probe_mode: 'command' } });
    hub.emit({ type: 'state-changed', target, at, from: 'idle', to: 'connecting', reason: 'started' });
    hub.emit({ type: 'attempt', target, at, attempt: 1, outcome: 'success', durationMs: 12 });
    hub.emit({ type: 'state-changed', target, at, from: 'connecting', to: 'connected', reason: 'connected' });
    hub.emit({ type: 'recovered', target, at, outageMs: 800, attempts: 1 });
    // One past outage, so loss and error series exist as they do after a few days of running.
    hub.emit({ type: 'disconnected', target, at, reason: 'network', detectedBy: 'transport' });
    hub.emit({ type: 'attempt', target, at, attempt: 1, outcome: 'failure', durationMs: 5, error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'refused', retryable: true } });
    hub.emit({ type: 'backoff', target, at, delayMs: 1000, nextAttemptAt: at + 1000 });
    hub.emit({ type: 'attempt', target, at, attempt: 2, outcome: 'success', durationMs: 12 });
    hub.emit({ type: 'recovered', target, at, outageMs: 1300, attempts: 2 });
    for (let p = 0; p < 5; p++) hub.emit({ type: 'probe', target, at, outcome: 'ok', latencyMs: 1 + p, mode: 'command' });
    hub.emit({ type: 'telemetry', target, at, outcome: 'ok', durationMs: 40, samples: telemetrySamples(target, 0) });
  }
}

/** Emits the events a running agent produces over `ms` of its time, spread over the targets. */
class Churn {
  probeCredit = 0;
  telemetryCredit = 0;
  probeCursor = 0;
  telemetryCursor = 0;
  step = 1;
  constructor(hub) {
    this.hub = hub;
  }
  advance(ms, at = Date.now()) {
    this.probeCredit += (TARGETS * ms) / PROBE_EVERY_MS;
    this.telemetryCredit += (TARGETS * ms) / TELEMETRY_EVERY_MS;
    for (; this.probeCredit >= 1; this.probeCredit--) {
      const target = targetName(this.probeCursor);
      this.probeCursor = (this.probeCursor + 1) % TARGETS;
      this.hub.emit({ type: 'probe', target, at, outcome: 'ok', latencyMs: 1 + ((this.step++ * 13) % 40) / 10, mode: 'command' });
    }
    for (; this.telemetryCredit >= 1; this.telemetryCredit--) {
      const target = targetName(this.telemetryCursor);
      this.telemetryCursor = (this.telemetryCursor + 1) % TARGETS;
      this.hub.emit({ type: 'telemetry', target, at, outcome: 'ok', durationMs: 40, samples: telemetrySamples(target, this.step++) });
    }
  }
  /** Real-time churn until stopped. */
  run() {
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      this.advance(now - last);
      last = now;
    }, 10);
    return () => clearInterval(timer);
  }
}

// --- the baseline: a bare prom-client server holding the same series ---------------------------
function bareSink(registry, catalog) {
  const metrics = new Map();
  const metricFor = (def) => {
    let m = metrics.get(def.name);
    if (!m) {
      const cfg = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] };
      m = def.kind === 'counter' ? new client.Counter(cfg) : def.kind === 'gauge' ? new client.Gauge(cfg) : new client.Histogram({ ...cfg, buckets: [...def.buckets] });
      metrics.set(def.name, m);
    }
    return m;
  };
  for (const def of catalog) metricFor(def);
  const byTarget = new Map();
  return {
    record(u) {
      if (u.op === 'forget') {
        for (const { m, labels } of byTarget.get(u.target) ?? []) m.remove(labels);
        byTarget.delete(u.target);
        return;
      }
      const m = metricFor(u.metric);
      if (u.op === 'set') m.set(u.labels, u.value);
      else if (u.op === 'add') m.inc(u.labels, u.value);
      else if (u.op === 'observe') m.observe(u.labels, u.value);
      else if (u.op === 'delete') m.remove(u.labels);
    },
  };
}

async function bareServer(registry) {
  const server = createServer(async (req, res) => {
    const gz = await gzipAsync(await registry.metrics(), { level: zlibConstants.Z_BEST_SPEED });
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Encoding': 'gzip', 'Content-Length': gz.length });
    res.end(gz);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// --- measuring ---------------------------------------------------------------------------------
function get(agent, port) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent, headers: { accept: PROM_ACCEPT(), 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * The longest gap between event-loop turns while `fn` runs (a synchronous slice holds the loop that
 * long), in wall time and in the process's CPU time: on a shared machine the wall time also counts
 * the time the OS ran other processes in the middle of a slice.
 */
async function withLoopWatch(fn) {
  let longest = 0;
  let longestCpu = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let on = true;
  const spin = () => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
    last = now;
    lastCpu = cpu;
    if (on) setImmediate(spin);
  };
  setImmediate(spin);
  const value = await fn();
  on = false;
  return { value, longestBlockMs: longest, longestBlockCpuMs: longestCpu };
}

/** Sequential scrapes for `ms` while churn runs in real time. */
async function backToBack(port, hub, ms) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 10; i++) await get(agent, port);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const stop = new Churn(hub).run();
  delay.enable();
  const times = [];
  let longestBlockMs = 0;
  let longestBlockCpuMs = 0;
  let bytes = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) {
    const s = performance.now();
    const r = await withLoopWatch(() => get(agent, port));
    times.push(performance.now() - s);
    longestBlockMs = Math.max(longestBlockMs, r.longestBlockMs);
    longestBlockCpuMs = Math.max(longestBlockCpuMs, r.longestBlockCpuMs);
    bytes = r.value;
  }
  const elapsed = performance.now() - t0;
  stop();
  delay.disable();
  agent.destroy();
  times.sort((a, b) => a - b);
  return { n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), perSecond: (times.length / elapsed) * 1000, longestBlockMs, longestBlockCpuMs, maxDelayMs: delay.max / 1e6, bytes };
}

/** One scrape after each scrape interval's worth of churn. */
async function afterInterval(port, hub, n) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const churn = new Churn(hub);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const times = [];
  let longestBlockMs = 0;
  let longestBlockCpuMs = 0;
  for (let i = 0; i < n + 3; i++) {
    // 15 s of agent events at once: a simulation artefact the timer-delay figure leaves out.
    churn.advance(SCRAPE_INTERVAL_MS);
    await new Promise((r) => setImmediate(r));
    const measured = i >= 3; // after warm-up
    if (measured) delay.enable();
    const s = performance.now();
    const r = await withLoopWatch(() => get(agent, port));
    if (measured) {
      delay.disable();
      times.push(performance.now() - s);
      longestBlockMs = Math.max(longestBlockMs, r.longestBlockMs);
      longestBlockCpuMs = Math.max(longestBlockCpuMs, r.longestBlockCpuMs);
    }
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), perSecond: 1000 / (times.reduce((a, b) => a + b, 0) / times.length), longestBlockMs, longestBlockCpuMs, maxDelayMs: delay.max / 1e6 };
}

/**
 * The render alone (no HTTP): after each 15 s of churn, garbage collected first, so the longest
 * slice between event-loop turns is the render's own synchronous work.
 */
async function renderAlone(store, hub, n) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const churn = new Churn(hub);
  const times = [];
  let longestBlockMs = 0;
  let longestBlockCpuMs = 0;
  for (let i = 0; i < n + 3; i++) {
    churn.advance(SCRAPE_INTERVAL_MS);
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the collector's sweeping finish
    const s = performance.now();
    const r = await withLoopWatch(() => store.renderGzip('openmetrics'));
    if (i < 3) continue;
    times.push(performance.now() - s);
    longestBlockMs = Math.max(longestBlockMs, r.longestBlockMs);
    longestBlockCpuMs = Math.max(longestBlockCpuMs, r.longestBlockCpuMs);
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), longestBlockMs, longestBlockCpuMs };
}

/** A CPU hog on every core, a scraper in its own process every 1 s with a 1 s timeout. */
async function loaded(port, hub, n) {
  const hogs = cpus().map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const stop = new Churn(hub).run();
  try {
    const child = fork(fileURLToPath(import.meta.url), ['--scraper', `http://127.0.0.1:${port}/metrics`, '1000', String(n), '1000'], { stdio: 'inherit' });
    const results = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => code !== 0 && reject(new Error(`scraper exited ${code}`)));
    });
    const ok = results.filter((r) => r.outcome === 'ok').map((r) => r.ms).sort((a, b) => a - b);
    const failures = results.filter((r) => r.outcome !== 'ok');
    return { n: results.length, failed: failures.length, kinds: [...new Set(failures.map((f) => f.outcome))].join(', '), p50: quantile(ok, 0.5) ?? NaN, p99: quantile(ok, 0.99) ?? NaN };
  } finally {
    stop();
    for (const hog of hogs) hog.kill('SIGKILL');
  }
}

// --- the run -------------------------------------------------------------------------------------
const hub = new MetricsHub(silentLogger(), '0.0.0', new SystemClock(), { targetInfoLabels: ['host_key_verification', 'probe_mode'] });
const status = new StatusStore();
hub.onEvent((e) => status.apply(e));
const config = {
  host: '127.0.0.1',
  port: 0,
  path: '/metrics',
  tls: { certFile: null, keyFile: null, clientCaFile: null },
  basicAuth: { users: {} },
  defaultMetrics: true,
  prefix: '',
  readiness: 'any',
};
const exporter = new PrometheusExporter(config, { name: 'prometheus', logger: silentLogger(), clock: new SystemClock(), metrics: hub, status, version: '0.0.0', shutdownTimeoutMs: 5000, catalog: hub.catalog });
await exporter.start(AbortSignal.timeout(10_000));
const bareRegistry = new client.Registry();
client.collectDefaultMetrics({ register: bareRegistry });
hub.subscribe('bare', bareSink(bareRegistry, hub.catalog));
populate(hub, Date.now());
const bare = await bareServer(bareRegistry);
const ports = { exporter: exporter.address.port, bare: bare.address().port };

const page = await exporter.metricStore.renderText();
const rdsSamples = page.split('\n').filter((l) => l.startsWith('rds_')).length;
const allSamples = page.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
const gzBytes = (await exporter.metricStore.renderGzip('openmetrics')).length;

const rows = [];
for (const [who, port] of [['exporter', ports.exporter], ['bare prom-client', ports.bare]]) {
  rows.push({ who, scenario: 'back-to-back, real-time churn', ...(await backToBack(port, hub, BACK_TO_BACK_MS)) });
}
for (const [who, port] of [['exporter', ports.exporter], ['bare prom-client', ports.bare]]) {
  rows.push({ who, scenario: `after each ${SCRAPE_INTERVAL_MS / 1000} s of churn`, ...(await afterInterval(port, hub, INTERVAL_SCRAPES)) });
}
const alone = await renderAlone(exporter.metricStore, hub, INTERVAL_SCRAPES);
const loadedRows = [];
if (LOADED) {
  for (const [who, port] of [['exporter', ports.exporter], ['bare prom-client', ports.bare]]) loadedRows.push({ who, ...(await loaded(port, hub, LOADED_SCRAPES)) });
}
await exporter.shutdown();
await new Promise((resolve) => bare.close(resolve));

const fmt = (x) => (!Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cpu = cpus();
console.log(`## Prometheus exporter scrape benchmark (running agent)\n`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}, load average ${loadAtStart} at start (other jobs share the machine)`);
console.log(`- page: ${TARGETS} targets, ${rdsSamples} rds_* samples (${(rdsSamples / TARGETS).toFixed(1)} per target, ${DEVICE_METRICS.length} device metrics), ${allSamples} samples with process metrics, ${(page.length / 1e6).toFixed(2)} MB text, ${(gzBytes / 1e3).toFixed(0)} KB gzip`);
console.log(`- churn: a probe per target every ${PROBE_EVERY_MS / 1000} s, a telemetry collection per target every ${TELEMETRY_EVERY_MS / 1000} s; requests ask for OpenMetrics + gzip over one keep-alive connection; ${QUICK ? 'quick run (--quick)' : 'full run'}`);
console.log(`- baseline: a bare prom-client server with the same series (same hub events), registry.metrics() + gzip level 1 per request\n`);
console.log('| server | scenario | scrapes | p50 ms | p99 ms | per s | per s vs baseline | longest loop block during a render: wall ms / CPU ms | max timer delay during scrapes, ms |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const base = rows.find((r) => r.who === 'bare prom-client' && r.scenario === row.scenario);
  console.log(`| ${row.who} | ${row.scenario} | ${row.n} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.perSecond)} | ${(row.perSecond / base.perSecond).toFixed(1)}x | ${fmt(row.longestBlockMs)} / ${fmt(row.longestBlockCpuMs)} | ${fmt(row.maxDelayMs)} |`);
}
console.log(`\nThe render alone (store.renderGzip('openmetrics'), no HTTP), after each ${SCRAPE_INTERVAL_MS / 1000} s of churn, garbage collected first so that the longest slice is the render's own work: ${alone.n} renders, p50 ${fmt(alone.p50)} ms, p99 ${fmt(alone.p99)} ms, longest synchronous slice ${fmt(alone.longestBlockMs)} ms wall / ${fmt(alone.longestBlockCpuMs)} ms CPU.`);
if (loadedRows.length > 0) {
  console.log(`\nLoaded host: ${cpu.length} busy child processes (one per core), real-time churn, a scraper in its own process every 1 s with a 1 s timeout.\n`);
  console.log('| server | scrapes | failed | failure kinds | p50 ms (ok) | p99 ms (ok) |');
  console.log('|---|---:|---:|---|---:|---:|');
  for (const r of loadedRows) console.log(`| ${r.who} | ${r.n} | ${r.failed} | ${r.kinds || '-'} | ${fmt(r.p50)} | ${fmt(r.p99)} |`);
}
process.exit(0);
