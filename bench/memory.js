// Where the agent's memory goes. The real agent (`rds-agent run`, default settings, telemetry on)
// watches 1, 100 and 1,000 simulators (child processes apart from it); once every target is
// connected and has delivered telemetry, the bench reads process.memoryUsage() and RSS, and takes a
// heap snapshot (v8.writeHeapSnapshot through the bench preload, which runs a full GC first). Each
// snapshot is attributed by dominator (bench/support/heap-snapshot.js) to: the ssh2 client and
// session, sockets, pino loggers, prom-client series, the exporter, the metrics hub, the status
// store, and the monitor/transport/collector objects. Per target = (1,000 - 100) / 900.
// Baseline in the same run: a bare ssh2 client process holding the same 100 and 1,000 connections
// (exec probe every 5 s), measured and attributed the same way.
//
//   npm run build && node bench/memory.js [--quick] [--keep-snapshots dir] [--experiments]
//
// --quick: 1 and 100 targets only. --experiments: also RSS at 1,000 targets under candidate
// runtime settings (V8 young generation size, glibc malloc arenas). Full run: about 2 min.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AgentProcess, fleetConfig } from './support/agent-process.js';
import { BareSshClient } from './support/bare-ssh-client.js';
import { parseExposition, total } from './support/prom-text.js';
import { header, progress, table } from './support/report.js';
import { SimFleet } from './support/sim-fleet.js';
import { fmt, max, median, mib, sleep, until } from './support/stats.js';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'keep-snapshots': { type: 'string' }, experiments: { type: 'boolean', default: false } },
});
const SIZES = args.quick ? [1, 100] : [1, 100, 1000];
const BIG = SIZES.at(-1);
const RSS_SAMPLES = args.quick ? 3 : 6;
const MID = SIZES.at(-2);
const ANALYZER = join(dirname(fileURLToPath(import.meta.url)), 'support', 'heap-snapshot.js');
const snapDir = args['keep-snapshots'] ?? mkdtempSync(join(tmpdir(), 'rds-bench-heap-'));
mkdirSync(snapDir, { recursive: true });

function analyze(file) {
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', ANALYZER, file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 10 * 60_000 });
  if (run.status !== 0) throw new Error(`heap analysis of ${file} failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  result.fileBytes = statSync(file).size;
  if (!args['keep-snapshots']) rmSync(file, { force: true });
  return result;
}

async function agentAt(fleet, n, { nodeArgs = [], env = {}, snapshot = true } = {}) {
  const indices = [...Array(n).keys()];
  let connected = 0;
  const agent = await AgentProcess.start(fleetConfig({ fleet, indices }), {
    nodeArgs,
    env,
    keep: (l) => {
      if (l.msg === 'connected') connected++;
      return false;
    },
  });
  try {
    await until(`${n} targets connected`, () => connected >= n || undefined, { timeoutMs: 120_000, intervalMs: 200 });
    const connectedAt = Date.now();
    // Telemetry runs after each connect: wait until every target has reported once.
    await until(
      `${n} targets with telemetry`,
      async () => total(parseExposition(await agent.metricsText()).samples, 'rds_system_uptime_seconds') >= n || undefined,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    // With more targets than the handshake bound (16), first runs of each input are spread over
    // up to 60 s after the queue cleared (HERD_SPREAD_MS): wait until every input has run.
    if (n > 16) await sleep(Math.max(0, 65_000 - (Date.now() - connectedAt)));
    // A probe round on every target, then RSS sampled each second (one sample lands anywhere in a GC cycle).
    const samples = [];
    for (let i = 0; i < RSS_SAMPLES; i++) {
      await sleep(1000);
      samples.push(agent.memory().rss);
    }
    const rss = agent.memory();
    const mem = await agent.ask('memory');
    const out = { n, rss: median(samples), rssMax: max(samples), peak: rss.peak, mem, states: await agent.states() };
    if (snapshot) {
      const file = join(snapDir, `agent-${n}${nodeArgs.length || Object.keys(env).length ? '-exp' : ''}.heapsnapshot`);
      const snap = await agent.ask('snapshot', { path: file }, 600_000);
      out.afterGc = agent.memory().rss;
      out.heap = analyze(snap.file);
    }
    return out;
  } finally {
    await agent.stop();
  }
}

async function bareAt(fleet, n) {
  const bare = await BareSshClient.start({
    ports: fleet.ports.slice(0, n),
    username: fleet.username,
    keyFile: fleet.keyFile,
    fingerprint: fleet.fingerprint,
    mode: 'exec',
    intervalMs: 5000,
    deadlineMs: 3000,
  });
  try {
    await until(`bare client: ${n} connected`, async () => (await bare.stats()).connectedNow >= n || undefined, { timeoutMs: 120_000, intervalMs: 200 });
    const samples = [];
    for (let i = 0; i < RSS_SAMPLES; i++) {
      await sleep(1000);
      samples.push(bare.memory().rss);
    }
    const rss = { ...bare.memory(), rss: median(samples) };
    const mem = await bare.memoryUsage();
    const file = join(snapDir, `bare-${n}.heapsnapshot`);
    await bare.snapshot(file);
    return { n, rss: rss.rss, peak: rss.peak, mem, heap: analyze(file) };
  } finally {
    await bare.stop();
  }
}

const perTarget = (a, b, key) => (key(a) - key(b)) / (a.n - b.n);
const kib = (bytes) => fmt(bytes / 1024);

async function main() {
  const started = Date.now();
  progress(`starting ${BIG} simulators`);
  const fleet = await SimFleet.start({ count: BIG });
  const agent = [];
  const bare = [];
  const experiments = [];
  try {
    for (const n of SIZES) {
      progress(`agent with ${n} targets`);
      agent.push(await agentAt(fleet, n));
    }
    for (const n of [MID, BIG]) {
      progress(`bare ssh2 client with ${n} connections`);
      bare.push(await bareAt(fleet, n));
    }
    if (args.experiments) {
      for (const [label, opts] of [
        ['defaults (again, for the noise)', {}],
        ['node --max-semi-space-size=2', { nodeArgs: ['--max-semi-space-size=2'] }],
        ['MALLOC_ARENA_MAX=2', { env: { MALLOC_ARENA_MAX: '2' } }],
        ['both', { nodeArgs: ['--max-semi-space-size=2'], env: { MALLOC_ARENA_MAX: '2' } }],
      ]) {
        progress(`experiment: ${label}`);
        experiments.push({ label, ...(await agentAt(fleet, BIG, { ...opts, snapshot: false })) });
      }
    }
  } finally {
    await fleet.stop();
    if (!args['keep-snapshots']) rmSync(snapDir, { recursive: true, force: true });
  }

  const big = agent.at(-1);
  const mid = agent.at(-2);
  const [bMid, bBig] = bare;
  const rows = agent.map((a) => [
    `agent, ${a.n} target${a.n === 1 ? '' : 's'}`,
    `${mib(a.rss)} (max ${mib(a.rssMax)})`,
    mib(a.peak),
    mib(a.mem.heapUsed),
    mib(a.mem.heapTotal),
    mib(a.mem.external),
    mib(a.mem.arrayBuffers),
    mib(a.heap.totalSelf),
    mib(a.rss - a.mem.heapTotal - a.mem.external),
  ]);
  for (const b of bare) rows.push([`bare ssh2 client, ${b.n} connections (baseline)`, mib(b.rss), mib(b.peak), mib(b.mem.heapUsed), mib(b.mem.heapTotal), mib(b.mem.external), mib(b.mem.arrayBuffers), mib(b.heap.totalSelf), mib(b.rss - b.mem.heapTotal - b.mem.external)]);
  const per = (k) => perTarget(big, mid, k);
  const perBare = (k) => perTarget(bBig, bMid, k);
  rows.push([
    `agent, per target (${BIG} - ${MID}) / ${BIG - MID}, KiB`,
    kib(per((a) => a.rss)),
    kib(per((a) => a.peak)),
    kib(per((a) => a.mem.heapUsed)),
    kib(per((a) => a.mem.heapTotal)),
    kib(per((a) => a.mem.external)),
    kib(per((a) => a.mem.arrayBuffers)),
    kib(per((a) => a.heap.totalSelf)),
    kib(per((a) => a.rss - a.mem.heapTotal - a.mem.external)),
  ]);
  rows.push([
    'bare ssh2 client, per connection, KiB (baseline)',
    kib(perBare((b) => b.rss)),
    kib(perBare((b) => b.peak)),
    kib(perBare((b) => b.mem.heapUsed)),
    kib(perBare((b) => b.mem.heapTotal)),
    kib(perBare((b) => b.mem.external)),
    kib(perBare((b) => b.mem.arrayBuffers)),
    kib(perBare((b) => b.heap.totalSelf)),
    kib(perBare((b) => b.rss - b.mem.heapTotal - b.mem.external)),
  ]);

  const cats = new Set([...Object.keys(big.heap.byCategory), ...Object.keys(mid.heap.byCategory)]);
  const catOf = (a, c) => a.heap.byCategory[c]?.self ?? 0;
  const unattributedOf = (a) => a.heap.totalSelf - Object.values(a.heap.byCategory).reduce((s, v) => s + v.self, 0);
  const perTargetHeap = per((a) => a.heap.totalSelf);
  const catRows = [...cats]
    .map((c) => ({ c, v: per((a) => catOf(a, c)), atBig: catOf(big, c), roots: big.heap.byCategory[c]?.roots ?? 0, bare: perBare((b) => catOf(b, c)) }))
    .sort((x, y) => y.v - x.v)
    .map(({ c, v, atBig, roots, bare: bv }) => [c, kib(v), `${fmt((v / perTargetHeap) * 100)} %`, mib(atBig), roots, kib(bv)]);
  const un = per(unattributedOf);
  catRows.push(['unattributed (shared code, strings, closures, arrays no categorised object dominates)', kib(un), `${fmt((un / perTargetHeap) * 100)} %`, mib(unattributedOf(big)), '', kib(perBare(unattributedOf))]);
  catRows.push(['total heap (snapshot, after GC)', kib(perTargetHeap), '100 %', mib(big.heap.totalSelf), '', kib(perBare((b) => b.heap.totalSelf))]);

  const ctorKeys = new Set([...Object.keys(big.heap.constructors)]);
  const ctor = (a, k) => a.heap.constructors[k]?.self ?? 0;
  const ctorCount = (a, k) => a.heap.constructors[k]?.objects ?? 0;
  const topCtors = [...ctorKeys]
    .map((k) => ({ k, v: per((a) => ctor(a, k)), count: per((a) => ctorCount(a, k)) }))
    .sort((x, y) => y.v - x.v)
    .slice(0, 25)
    .map(({ k, v, count }) => [k, kib(v), fmt(count), fmt(perBare((b) => ctor(b, k)) / 1024)]);

  const ownerKeys = new Set(Object.keys(big.heap.unattributedOwners));
  const owner = (a, k) => a.heap.unattributedOwners[k]?.self ?? 0;
  const topOwners = [...ownerKeys]
    .map((k) => ({ k, v: per((a) => owner(a, k)) }))
    .sort((x, y) => y.v - x.v)
    .slice(0, 15)
    .map(({ k, v }) => [k, kib(v), mib(owner(big, k))]);

  const lines = [
    header(`Agent memory at 1, 100 and ${BIG} targets: where it goes`, [
      `real agent (\`rds-agent run\`, default settings, telemetry every 60 s), simulators in ${fleet.children.length || 4} processes apart from it; measured after every target connected and reported telemetry, plus one probe round`,
      'heap: v8.writeHeapSnapshot (full GC first) through the bench preload, attributed by dominator (bench/support/heap-snapshot.js)',
      'baseline: a bare ssh2 client process holding the same connections (exec probe every 5 s), measured the same way',
    ]),
    '### Process memory',
    '',
    table(['process', `RSS median of ${RSS_SAMPLES} s MiB`, 'peak RSS MiB', 'heapUsed MiB', 'heapTotal MiB', 'external MiB', 'arrayBuffers MiB', 'heap snapshot MiB', 'RSS - heapTotal - external MiB'], rows),
    '',
    `Snapshot sizes: ${agent.map((a) => `${a.n}: ${mib(a.heap.fileBytes)} MiB file, ${a.heap.nodes} nodes`).join('; ')}. RSS right after the snapshot's GC at ${BIG}: ${mib(big.afterGc)} MiB.`,
    '',
    `### Heap per target, by what dominates it (${BIG} vs ${MID} targets)`,
    '',
    table(['category', 'KiB per target', 'share of per-target heap', `MiB at ${BIG}`, `dominating objects at ${BIG}`, 'bare ssh2 client, KiB per connection'], catRows),
    '',
    '### Unattributed heap per target, by its nearest dominator with a specific name',
    '',
    table(['nearest named dominator', 'KiB per target', `MiB at ${BIG}`], topOwners),
    '',
    '### Largest per-target growth by constructor (self size, whatever dominates it)',
    '',
    table(['constructor (or (type))', 'KiB per target', 'objects per target', 'bare ssh2 client KiB per connection'], topCtors),
    '',
  ];
  if (experiments.length > 0) {
    lines.push(
      `### Experiments: RSS at ${BIG} targets under runtime settings`,
      '',
      table(
        ['setting', 'RSS median MiB', 'RSS max MiB', 'peak RSS MiB', 'heapUsed MiB', 'heapTotal MiB', 'external MiB'],
        experiments.map((e) => [e.label, mib(e.rss), mib(e.rssMax), mib(e.peak), mib(e.mem.heapUsed), mib(e.mem.heapTotal), mib(e.mem.external)]),
      ),
      '',
    );
  }
  lines.push(`(memory took ${fmt((Date.now() - started) / 1000)} s of real time)`);
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
