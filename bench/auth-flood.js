// Basic auth under attack: an authenticated scraper (one keep-alive connection, cached
// credentials, like Prometheus) while 50 concurrent clients send wrong passwords for a bcrypt
// user (cost 10). Measured in the same run: the scraper's p50/p99 without the flood, with it under
// the shipped defaults (failureDelay 1 s, 1 verification thread, 8 pending checks), and with it
// when wrong passwords are answered at once (failureDelay 0: clients retry as fast as they can).
// Then the time a refusal takes for each kind of user (timing must not tell them apart).
// The exporter runs in this process; the scraper and the attackers each in their own process.
//
//   npm run build && node bench/auth-flood.js [--quick]
//
// Prints markdown tables with the machine and date.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus, loadavg, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MetricsHub, StatusStore, SystemClock, silentLogger } from '@rds-agent/core/host';
import { PrometheusExporter, hashPassword } from '@rds-agent/exporter-prometheus';

const args = process.argv.slice(2);
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const PROM_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function get(url, headers, agent) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(url, { headers, agent: agent ?? false }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
      res.on('error', () => resolve({ status: 'error', ms: performance.now() - t0 }));
    });
    req.on('error', () => resolve({ status: 'error', ms: performance.now() - t0 }));
    req.end();
  });
}

// --- child roles --------------------------------------------------------------------------------
if (args[0] === '--scraper') {
  const [, url, authorization, ms] = args;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization, accept: PROM_ACCEPT, 'accept-encoding': 'gzip' };
  for (let i = 0; i < 5; i++) await get(url, headers, agent); // warm-up; the first one verifies
  process.send({ ready: true }); // the flood starts now: this scraper is already authenticated
  const times = [];
  const statuses = {};
  const end = performance.now() + Number(ms);
  while (performance.now() < end) {
    const r = await get(url, headers, agent);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status === 200) times.push(r.ms);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a scrape every ~20 ms: many samples, no self-inflicted queue
  }
  agent.destroy();
  process.send({ times, statuses });
  process.exit(0);
}

if (args[0] === '--flood') {
  const [, url, clients, ms] = args;
  const statuses = {};
  const end = performance.now() + Number(ms);
  let n = 0;
  await Promise.all(
    Array.from({ length: Number(clients) }, async (_, c) => {
      while (performance.now() < end) {
        const r = await get(url, { authorization: basic('prom', `guess-${c}-${n++}`) });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }),
  );
  process.send({ statuses });
  process.exit(0);
}

/** Runs a child role; `ready` resolves on its `{ ready: true }` message, `result` on its last message. */
function child(role, childArgs) {
  const proc = fork(fileURLToPath(import.meta.url), [role, ...childArgs], { stdio: 'inherit' });
  let onReady;
  const ready = new Promise((resolve) => (onReady = resolve));
  const result = new Promise((resolve, reject) => {
    proc.on('message', (m) => (m.ready ? onReady() : resolve(m)));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`${role} exited ${code}`)));
  });
  return { ready, result };
}

// --- the run -------------------------------------------------------------------------------------
const QUICK = args.includes('--quick');
const PHASE_MS = QUICK ? 4_000 : 6_000;
const CLIENTS = 50;
const TARGETS = 100;

const bcryptHash = await hashPassword('s3cret', 10);
const users = { prom: bcryptHash, long: await hashPassword('a'.repeat(72), 10), grafana: `sha256:${createHash('sha256').update('s3cret').digest('hex')}` };

async function exporterWith(basicAuth) {
  const hub = new MetricsHub(silentLogger(), '0.0.0');
  const status = new StatusStore();
  hub.onEvent((e) => status.apply(e));
  const config = {
    host: '127.0.0.1',
    port: 0,
    path: '/metrics',
    tls: { certFile: null, keyFile: null, clientCaFile: null },
    basicAuth: { users, ...basicAuth },
    defaultMetrics: true,
    prefix: '',
    readiness: 'any',
  };
  const exporter = new PrometheusExporter(config, { name: 'prometheus', logger: silentLogger(), clock: new SystemClock(), metrics: hub, status, version: '0.0.0', shutdownTimeoutMs: 5000, catalog: hub.catalog });
  await exporter.start(AbortSignal.timeout(10_000));
  const at = Date.now();
  for (let i = 0; i < TARGETS; i++) {
    const target = `rds-${i}`;
    hub.emit({ type: 'state-changed', target, at, from: 'idle', to: 'connected', reason: 'connected' });
    for (let p = 0; p < 5; p++) hub.emit({ type: 'probe', target, at, outcome: 'ok', latencyMs: 1 + p, mode: 'command' });
  }
  // Probes keep arriving, as in a running agent, so the page is rendered again now and then.
  const churn = setInterval(() => hub.emit({ type: 'probe', target: `rds-${Math.floor(Math.random() * TARGETS)}`, at: Date.now(), outcome: 'ok', latencyMs: 2, mode: 'command' }), 25);
  return { exporter, url: `${exporter.url}/metrics`, stop: async () => (clearInterval(churn), exporter.shutdown()) };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (x) => (x === undefined || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

const scenarios = [
  { name: 'no flood', flood: false, basicAuth: {} },
  { name: `${CLIENTS} clients with wrong passwords, defaults (failureDelay 1 s, 1 thread, 8 pending)`, flood: true, basicAuth: {} },
  { name: `${CLIENTS} clients with wrong passwords, failureDelay 0 (refusals answered at once)`, flood: true, basicAuth: { failureDelay: 0 } },
];
const rows = [];
for (const s of scenarios) {
  const e = await exporterWith(s.basicAuth);
  const scraper = child('--scraper', [e.url, basic('prom', 's3cret'), String(PHASE_MS)]);
  await scraper.ready;
  const flood = s.flood ? child('--flood', [e.url, String(CLIENTS), String(PHASE_MS)]).result : Promise.resolve({ statuses: {} });
  const [scraped, flooded] = await Promise.all([scraper.result, flood]);
  const verifications = e.exporter.basicAuth.verifications;
  await e.stop();
  const times = scraped.times.sort((a, b) => a - b);
  rows.push({ name: s.name, n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times[times.length - 1], scraperStatuses: scraped.statuses, flood: flooded.statuses, verifications });
}

// Refusal time per kind of user, defaults (failureDelay 1 s), no flood.
const timing = [];
{
  const e = await exporterWith({});
  for (const [kind, authorization] of [
    ['sha256 user, wrong password', basic('grafana', 'wrong')],
    ['bcrypt user, wrong password', basic('prom', 'wrong')],
    ['unknown user', basic('nobody', 's3cret')],
    ['bcrypt user, its 72-byte password + more bytes', basic('long', `${'a'.repeat(72)}-wrong`)],
  ]) {
    const ms = [];
    const statuses = new Set();
    for (let i = 0; i < (QUICK ? 3 : 8); i++) {
      const r = await get(e.url, { authorization });
      ms.push(r.ms);
      statuses.add(r.status);
    }
    ms.sort((a, b) => a - b);
    timing.push({ kind, p50: quantile(ms, 0.5), min: ms[0], max: ms[ms.length - 1], statuses: [...statuses].join(',') });
  }
  await e.stop();
}

const cpu = cpus();
console.log(`## Basic auth under a flood of wrong passwords\n`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}, load average ${loadAtStart} at start (other jobs share the machine)`);
console.log(`- method: an already authenticated scraper (its own process, one keep-alive connection, credentials verified before the flood starts, a scrape every ~20 ms, ${TARGETS} targets + process metrics, OpenMetrics + gzip) for ${PHASE_MS / 1000} s per scenario; attackers: ${CLIENTS} concurrent clients in another process, each sending a wrong password for the bcrypt user (cost 10) as soon as its previous answer arrives; ${QUICK ? 'quick run (--quick)' : 'full run'}\n`);
console.log('| scenario | scrapes | scraper p50 ms | scraper p99 ms | scraper max ms | scraper non-200 | attacker 200 | attacker 401 | attacker 429 | bcrypt runs |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const non200 = Object.entries(r.scraperStatuses).filter(([k]) => k !== '200').map(([k, v]) => `${v} × ${k}`).join(', ') || '0';
  console.log(`| ${r.name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${non200} | ${r.flood['200'] ?? 0} | ${r.flood['401'] ?? 0} | ${r.flood['429'] ?? 0} | ${r.verifications} |`);
}
console.log('\nTime to a refusal by kind of user (defaults, no flood; every refusal is answered 1 s after it arrived):\n');
console.log('| credentials | status | p50 ms | min ms | max ms |');
console.log('|---|---|---:|---:|---:|');
for (const t of timing) console.log(`| ${t.kind} | ${t.statuses} | ${fmt(t.p50)} | ${fmt(t.min)} | ${fmt(t.max)} |`);
process.exit(0);
