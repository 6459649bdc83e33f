// The real agent (`rds-agent run`, default monitor settings: probe every 5 s under a 3 s deadline,
// telemetry every 60 s) watching 1,000 RDS simulators over real SSH. The simulators run in child
// processes apart from the agent; one host key is shared so the config pins it. Every row has a
// baseline measured in the same run:
//
// 1. quiet host: start-up to all connected, then (once every target has reported telemetry) steady RSS/CPU/event-loop delay, then /metrics
//    under real churn (probes and telemetry updating) over one keep-alive connection with gzip.
//    Baselines: a bare ssh2 client process opening the same 1,000 connections at once and running
//    the same `:put 1` probe every 5 s under 3 s; a plain prom-client server holding the same series.
// 2. loaded host: a CPU hog per core for the whole scenario, a real Prometheus scraping the agent
//    every 1 s, the agent started under load; `--saturated` s with every target stable, then a
//    third of the simulators (index % 3 == 2) drop their connections every 10 s for `--flapping` s.
//    False losses = disconnects of targets whose simulator was never faulted (from /metrics).
//    Baselines: the bare ssh2 client (same probes, same deadline) running through the same
//    windows on the same simulators, and Prometheus scraping a static server with the same body.
//
//   npm run build && node bench/fleet-1000.js [--quick] [--targets 1000] [--only quiet|loaded]
//       [--saturated 60] [--flapping 60]   seconds; the scenario is --saturated 120 --flapping 180
//   node bench/fleet-1000.js --long [--long-minutes 30]   RSS over 30 min (does not fit npm run bench)
//   --cpu-prof DIR: a V8 CPU profile of the agent in the loaded scenario; --connect-concurrency N: its handshake bound
//
// Durations (full): about 2 min quiet + 3 min loaded on a quiet 2-core host, longer when start-up
// is slow (every wait is bounded). Prints markdown.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentProcess, fleetConfig, PROM_ACCEPT, targetName } from './support/agent-process.js';
import { BareSshClient } from './support/bare-ssh-client.js';
import { startCpuHogs } from './support/cpu-hogs.js';
import { timeScrapes } from './support/http-timing.js';
import { IpcChild } from './support/ipc-child.js';
import { machineTicks } from './support/proc-stats.js';
import { parseExposition, sumBy, total } from './support/prom-text.js';
import { header, progress, table } from './support/report.js';
import { SimFleet } from './support/sim-fleet.js';
import { fmt, max, median, mib, ratio, sleep, until } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    'long-minutes': { type: 'string', default: '30' },
    targets: { type: 'string', default: '1000' },
    only: { type: 'string' },
    saturated: { type: 'string' },
    flapping: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'connect-concurrency': { type: 'string' },
  },
});
const QUICK = args.quick;
const N = Number(args.targets);
const D = {
  settleMs: QUICK ? 5_000 : 5_000,
  steadyMs: QUICK ? 8_000 : 10_000,
  scrapeMs: QUICK ? 4_000 : 5_000,
  bareSteadyMs: QUICK ? 6_000 : 8_000,
  saturatedMs: (Number(args.saturated ?? (QUICK ? 20 : 30)) || 0) * 1000,
  flappingMs: (Number(args.flapping ?? (QUICK ? 20 : 30)) || 0) * 1000,
  flapPeriodMs: 10_000,
  bareLoadedStartMs: QUICK ? 20_000 : 20_000,
  minWindowMs: QUICK ? 10_000 : 10_000,
};
const all = [...Array(N).keys()];
const flappingSet = all.filter((i) => i % 3 === 2);
const stableSet = all.filter((i) => i % 3 !== 2);
const bench = join(new URL('.', import.meta.url).pathname);

/** Counts `connected` log lines (first connection of each target) and when the last one came. */
function startupTracker(n) {
  const t = { connected: 0, notFirstAttempt: 0, maxAttempts: 0, allAt: undefined };
  t.keep = (line) => {
    if (line.msg === 'connected') {
      t.connected++;
      const attempts = Number(line.attempts ?? 1);
      if (attempts > 1) t.notFirstAttempt++;
      t.maxAttempts = Math.max(t.maxAttempts, attempts);
      if (t.connected === n) t.allAt = typeof line.time === 'number' ? line.time : Date.now();
    }
    return false;
  };
  return t;
}

async function agentStartup(fleet, { label, timeoutMs }) {
  const tracker = startupTracker(N);
  const agent = await AgentProcess.start(fleetConfig({ fleet, indices: all }), { keep: tracker.keep });
  try {
    await until(`${label}: all ${N} targets connected`, () => tracker.allAt !== undefined || undefined, { timeoutMs, intervalMs: 100 });
  } catch (err) {
    progress(`${err.message}; ${tracker.connected} connected`);
  }
  const samples = parseExposition(await agent.metricsText()).samples;
  return {
    agent,
    row: {
      label,
      allMs: tracker.allAt !== undefined ? tracker.allAt - agent.startedAt : undefined,
      connected: tracker.connected,
      notFirst: tracker.notFirstAttempt,
      failures: total(samples, 'rds_reconnect_total', (l) => l.status === 'failure'),
      reasons: [...sumBy(samples, 'rds_connect_errors_total', 'reason')].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none',
    },
  };
}

async function bareStartup(fleet, { label, indices = all, timeoutMs, mode = 'exec' }) {
  const bare = await BareSshClient.start({
    ports: indices.map((i) => fleet.ports[i]),
    username: fleet.username,
    keyFile: fleet.keyFile,
    fingerprint: fleet.fingerprint,
    mode,
    intervalMs: 5000,
    deadlineMs: 3000,
    connectTimeoutMs: 10_000,
  });
  let stats;
  try {
    stats = await until(`${label}: bare client connected`, async () => {
      const s = await bare.stats();
      return s.allConnectedMs !== undefined ? s : undefined;
    }, { timeoutMs, intervalMs: 100 });
  } catch (err) {
    progress(err.message);
    stats = await bare.stats();
  }
  return {
    bare,
    row: {
      label,
      allMs: stats.allConnectedMs !== undefined ? stats.allConnectedMs - bare.startedAt : undefined,
      connected: stats.connects,
      notFirst: stats.connectFailures,
      failures: stats.connectFailures,
      reasons: stats.connectTimeouts > 0 ? `timeout ${stats.connectTimeouts}` : stats.connectFailures > 0 ? `other ${stats.connectFailures}` : 'none',
    },
  };
}

/** Samples RSS of `pid`-owning handle every `everyMs` for `ms`; CPU over the window; machine busy share. */
async function window(handle, ms, { everyMs = 1000, extra } = {}) {
  const rss = [];
  const cpu0 = handle.cpuMs();
  const m0 = machineTicks();
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const m = handle.memory();
    if (m) rss.push(m.rss);
    await sleep(everyMs);
  }
  const elapsed = Date.now() - t0;
  const m1 = machineTicks();
  return {
    rssMedian: median(rss),
    rssMax: max(rss),
    rssEnd: rss.at(-1),
    peak: handle.memory()?.peak,
    cpuPerSecond: ((handle.cpuMs() - cpu0) / elapsed) * 1000,
    cpuMs: handle.cpuMs() - cpu0,
    elapsed,
    hostBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
    ...(extra ? await extra() : {}),
  };
}

const probes = (text) => total(parseExposition(text).samples, 'rds_probe_duration_seconds_count');
const disconnectsPerTarget = (text) => sumBy(parseExposition(text).samples, 'rds_disconnects_total', 'target');

async function quiet(fleet) {
  const out = {};
  progress(`quiet: agent start-up with ${N} targets`);
  const { agent, row } = await agentStartup(fleet, { label: 'agent, quiet host', timeoutMs: 90_000 });
  const connectedAt = Date.now();
  out.startAgent = row;
  try {
    // A running agent has read every device: after a start-up whose handshakes queued, first runs
    // are spread over up to 60 s (HERD_SPREAD_MS), so the steady window starts after that.
    await until(`${N} targets with telemetry`, async () => total(parseExposition(await agent.metricsText()).samples, 'rds_system_uptime_seconds') >= N || undefined, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    await sleep(Math.max(D.settleMs, 60_000 + D.settleMs - (Date.now() - connectedAt)));
    progress('quiet: steady window');
    const before = await agent.metricsText();
    await agent.ask('loop-delay', { reset: true });
    const w = await window(agent, D.steadyMs);
    const after = await agent.metricsText();
    const loop = await agent.ask('loop-delay', { reset: true });
    const lostBefore = disconnectsPerTarget(before);
    const lost = [...disconnectsPerTarget(after)].reduce((a, [t, v]) => a + v - (lostBefore.get(t) ?? 0), 0);
    const p = probes(after) - probes(before);
    const mem = await agent.ask('memory');
    out.steadyAgent = { ...w, probes: p, lost, loop, mem, states: await agent.states(), series: parseExposition(after).samples.length };

    progress('quiet: /metrics under churn, agent then prom-client');
    const port = Number(new URL(agent.url).port);
    out.scrapeAgent = await timeScrapes(port, { headers: { accept: PROM_ACCEPT, 'accept-encoding': 'gzip' }, durationMs: D.scrapeMs });
    const dir = mkdtempSync(join(tmpdir(), 'rds-bench-expo-'));
    const file = join(dir, 'metrics.txt');
    writeFileSync(file, after);
    const baseline = new IpcChild(join(bench, 'support', 'prom-client-server-child.js'));
    try {
      const info = await baseline.request('start', { file });
      out.scrapeBaseline = { ...(await timeScrapes(info.port, { headers: { 'accept-encoding': 'gzip' }, durationMs: D.scrapeMs })), series: info.samples };
    } finally {
      await baseline.kill();
      rmSync(dir, { recursive: true, force: true });
    }
    out.scrapeAgent.series = out.steadyAgent.series;
  } finally {
    await agent.stop();
  }

  progress('quiet: bare ssh2 client start-up and steady window');
  const { bare, row: bareRow } = await bareStartup(fleet, { label: 'bare ssh2 client, all at once (baseline)', timeoutMs: 90_000 });
  out.startBare = bareRow;
  try {
    await sleep(Math.min(D.settleMs, 8000));
    const s0 = await bare.stats();
    const w = await window(bare, D.bareSteadyMs);
    const s1 = await bare.stats();
    out.steadyBare = { ...w, probes: s1.probes - s0.probes, lost: s1.losses - s0.losses };
  } finally {
    await bare.stop();
  }
  return out;
}

async function promQuery(prom, expr, at) {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${at / 1000}`);
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
  return body.data.result;
}

async function scrapeOutcome(prom, job, fromMs, toMs) {
  const range = `${Math.max(1, Math.round((toMs - fromMs) / 1000))}s`;
  const one = async (expr) => Number((await promQuery(prom, expr, toMs))[0]?.value[1] ?? NaN);
  const count = await one(`count_over_time(up{job="${job}"}[${range}])`);
  const up = await one(`sum_over_time(up{job="${job}"}[${range}])`);
  return {
    scrapes: count,
    failed: count - up,
    p50: (await one(`quantile_over_time(0.5, scrape_duration_seconds{job="${job}"}[${range}])`)) * 1000,
    max: (await one(`max_over_time(scrape_duration_seconds{job="${job}"}[${range}])`)) * 1000,
  };
}

async function loaded(fleet, bare) {
  const { PrometheusServer } = await import('../test/dist/support/prometheus-server.js');
  const out = {};
  progress('loaded: CPU hogs on both cores');
  const bareLost = [];
  bare?.onEvent((e) => e.type === 'lost' && bareLost.push(e));
  const hogs = startCpuHogs(2);
  let agent;
  let prom;
  let staticChild;
  const dir = mkdtempSync(join(tmpdir(), 'rds-bench-loaded-'));
  const stableNames = new Set(stableSet.map(targetName));
  try {
    await sleep(2000);
    progress('loaded: bare ssh2 client start-up under load (baseline)');
    const b = await bareStartup(fleet, { label: 'bare ssh2 client, all at once, loaded (baseline)', timeoutMs: D.bareLoadedStartMs });
    out.startBare = b.row;
    await b.bare.stop();
    const scenarioStart = Date.now();
    const bareBefore = bareLost.length;
    progress('loaded: agent start-up under load');
    const tracker = startupTracker(N);
    // Why stable targets were lost, from the agent's own `connection lost` log lines.
    const lossLines = new Map();
    const keep = (line) => {
      if (line.msg === 'connection lost' && stableNames.has(line.target)) {
        const key = `${line.detectedBy} ${line.reason}: ${String(line.err ?? '').slice(0, 90)}`;
        lossLines.set(key, (lossLines.get(key) ?? 0) + 1);
      }
      return tracker.keep(line);
    };
    const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
    // --connect-concurrency N: the agent's handshake bound for this scenario (default: the agent's own).
    const extra = args['connect-concurrency'] ? `connectConcurrency: ${Number(args['connect-concurrency'])}\n` : '';
    agent = await AgentProcess.start(fleetConfig({ fleet, indices: all, extra }), { keep, nodeArgs });
    out.lossLines = lossLines;
    // Prometheus starts as soon as the exporter listens: every scrape of the run counts.
    writeFileSync(join(dir, 'metrics.txt'), await agent.metricsText().catch(() => ''));
    staticChild = new IpcChild(join(bench, 'support', 'static-server-child.js'));
    const info = await staticChild.request('start', { file: join(dir, 'metrics.txt') });
    prom = await PrometheusServer.start(
      [
        { job: 'agent', target: new URL(agent.url).host },
        { job: 'static', target: `127.0.0.1:${info.port}` },
      ],
      '1s',
    );
    const promStart = Date.now();
    try {
      await until('loaded: agent all connected', () => tracker.allAt !== undefined || undefined, { timeoutMs: Math.max(60_000, D.saturatedMs), intervalMs: 200 });
    } catch (err) {
      progress(`${err.message}; ${tracker.connected} connected`);
    }
    const startText = await agent.metricsText();
    const startSamples = parseExposition(startText).samples;
    out.startAgent = {
      label: 'agent, loaded host',
      allMs: tracker.allAt !== undefined ? tracker.allAt - agent.startedAt : undefined,
      connected: tracker.connected,
      notFirst: tracker.notFirstAttempt,
      failures: total(startSamples, 'rds_reconnect_total', (l) => l.status === 'failure'),
      reasons: [...sumBy(startSamples, 'rds_connect_errors_total', 'reason')].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none',
    };
    await agent.ask('loop-delay', { reset: true });

    // The saturated phase lasts D.saturatedMs from the hogs' start, but at least minWindowMs after
    // the start-up: a start-up that ate the whole phase still leaves a window to measure.
    const saturatedLeft = Math.max(D.minWindowMs, D.saturatedMs - (Date.now() - scenarioStart));
    progress(`loaded: saturated, all stable (${Math.round(saturatedLeft / 1000)} s left)`);
    const wA = await window(agent, saturatedLeft, { everyMs: 2000 });
    const textA = await agent.metricsText();
    const stableConnected = () => agent.status().then((s) => s.targets.filter((t) => t.state === 'connected' && stableNames.has(t.target)).length, () => NaN);
    const connectedA = await stableConnected();
    const bareConnectedA = (await bare?.stats())?.connectedNow;
    const bareA = bareLost.length - bareBefore;
    const loopA = await agent.ask('loop-delay', { reset: true }, 60_000);

    progress(`loaded: a third of the simulators flapping every ${D.flapPeriodMs / 1000} s for ${D.flappingMs / 1000} s`);
    await fleet.flap(flappingSet, D.flapPeriodMs);
    const wB = await window(agent, D.flappingMs, { everyMs: 2000 });
    await fleet.stopFlapping();
    const end = Date.now();
    const textB = await agent.metricsText();
    const connectedB = await stableConnected();
    const bareConnectedB = (await bare?.stats())?.connectedNow;
    const loopB = await agent.ask('loop-delay', { reset: true }, 60_000);
    const bareB = bareLost.length - bareBefore - bareA;

    const flapNames = new Set(flappingSet.map(targetName));
    const lossesOf = (text, names) => {
      const per = disconnectsPerTarget(text);
      let lostTargets = 0;
      let losses = 0;
      for (const [t, v] of per) {
        if (!names.has(t) || v === 0) continue;
        lostTargets++;
        losses += v;
      }
      const reasons = new Map();
      for (const x of parseExposition(text).samples) {
        if (x.name !== 'rds_disconnects_total' || !names.has(x.labels.target) || x.value === 0) continue;
        reasons.set(x.labels.reason, (reasons.get(x.labels.reason) ?? 0) + x.value);
      }
      return { lostTargets, losses, reasons: [...reasons].map(([k, v]) => `${k} ${v}`).join(', ') || 'none' };
    };
    const startLoss = lossesOf(startText, stableNames);
    const a = lossesOf(textA, stableNames);
    const bEnd = lossesOf(textB, stableNames);
    const bareStableTargets = new Set(bareLost.slice(bareBefore).map((e) => e.index)).size;
    out.losses = {
      agent: { atStart: startLoss, saturated: a, end: bEnd, flapping: lossesOf(textB, flapNames), connectedA, connectedB },
      bare: { saturated: bareA, flapping: bareB, targets: bareStableTargets, connectedA: bareConnectedA, connectedB: bareConnectedB },
    };
    out.windows = { saturated: { ...wA, loop: loopA }, flapping: { ...wB, loop: loopB } };
    out.scrapes = { agent: await scrapeOutcome(prom, 'agent', promStart, end), static: await scrapeOutcome(prom, 'static', promStart, end) };
    out.states = await agent.states();
    out.extensions = { probe: 0, connect: 0 };
    for (const [msg, n] of agent.counts) {
      if (msg.startsWith('probe deadline extended')) out.extensions.probe += n;
      if (msg.startsWith('connect deadline extended')) out.extensions.connect += n;
    }
  } finally {
    await fleet.stopFlapping().catch(() => undefined);
    await hogs.stop();
    await Promise.all([agent?.stop(), prom?.stop(), staticChild?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function long(fleet) {
  const minutes = Number(args['long-minutes']);
  const { agent, row } = await agentStartup(fleet, { label: 'agent', timeoutMs: 120_000 });
  const marks = [];
  const { PrometheusServer } = await import('../test/dist/support/prometheus-server.js');
  const prom = await PrometheusServer.start([{ job: 'agent', target: new URL(agent.url).host }], '1s');
  try {
    const t0 = Date.now();
    const rss = [];
    let next = 1;
    while (Date.now() - t0 < minutes * 60_000) {
      await sleep(10_000);
      const m = agent.memory();
      rss.push(m.rss);
      const min = (Date.now() - t0) / 60_000;
      if (min >= next || Date.now() - t0 >= minutes * 60_000) {
        // A starved agent may not answer in time: the mark keeps the RSS (from /proc) anyway.
        const mem = await agent.ask('memory', {}, 60_000).catch(() => ({}));
        const states = await agent.states().catch((err) => ({ unreadable: err.message }));
        marks.push({ min: Math.round(min), rss: m.rss, peak: m.peak, heapUsed: mem.heapUsed, external: mem.external, states });
        progress(`long: ${Math.round(min)} min, RSS ${mib(m.rss)} MiB`);
        next = next < 5 ? next + 1 : next + 5;
      }
    }
    return { row, marks, rssMedian: median(rss), rssMax: max(rss), scrapes: await scrapeOutcome(prom, 'agent', t0, Date.now()) };
  } finally {
    await Promise.all([agent.stop(), prom.stop()]);
  }
}

const ms = (v) => (v === undefined ? 'not within the bound' : fmt(v / 1000) + ' s');

function printStartup(rows) {
  return table(
    ['scenario', 'to all connected', 'connected', 'not on the first attempt', 'failed attempts', 'failures by reason'],
    rows.filter(Boolean).map((r) => [r.label, ms(r.allMs), r.connected, r.notFirst, r.failures, r.reasons]),
  );
}

async function main() {
  const started = Date.now();
  progress(`starting ${N} simulators`);
  const fleet = await SimFleet.start({ count: N });
  const sections = [
    header(`Fleet of ${N} simulated RDS, real agent over real SSH`, [
      `${N} simulators (RDS2216 device model) in ${fleet.children.length} processes apart from the agent, one shared host key (pinned)`,
      'agent: `rds-agent run` with default monitor settings (probe every 5 s, deadline 3 s, connect timeout 10 s, telemetry every 60 s), Prometheus exporter on 127.0.0.1',
      'bare ssh2 client (baseline): one process, the same connections all at once, `:put 1` every 5 s under a 3 s deadline, host key pinned the same way',
      QUICK ? 'QUICK run: short windows, numbers are indicative only' : `windows: settle ${D.settleMs / 1000} s, steady ${D.steadyMs / 1000} s, scrapes ${D.scrapeMs / 1000} s each; loaded: ${D.saturatedMs / 1000} s saturated + ${D.flappingMs / 1000} s flapping`,
    ]),
  ];
  try {
    if (args.long) {
      const l = await long(fleet);
      sections.push(
        `### RSS over ${args['long-minutes']} min, ${N} connected targets, Prometheus scraping every 1 s (\`--long\`)`,
        '',
        table(
          ['minute', 'RSS MiB', 'peak RSS MiB', 'heap used MiB', 'external MiB', 'states'],
          l.marks.map((m) => [m.min, mib(m.rss), mib(m.peak), mib(m.heapUsed), mib(m.external), JSON.stringify(m.states)]),
        ),
        '',
        `RSS median ${mib(l.rssMedian)} MiB, max ${mib(l.rssMax)} MiB (sampled every 10 s); start-up to all connected ${ms(l.row.allMs)}. ` +
          `A real Prometheus scraped the agent every 1 s throughout: ${l.scrapes.failed} of ${l.scrapes.scrapes} scrapes failed, duration p50 ${fmt(l.scrapes.p50)} ms, max ${fmt(l.scrapes.max)} ms.`,
      );
      return;
    }
    let q;
    let l;
    const failures = [];
    if (args.only !== 'loaded') {
      try {
        q = await quiet(fleet);
      } catch (err) {
        failures.push(`quiet scenario failed: ${err.message}`);
        progress(err.stack);
      }
    }
    if (args.only !== 'quiet') {
      // The false-loss baseline: a bare ssh2 client on the stable simulators only, connected while the
      // host is quiet, probing through the loaded windows alongside the agent.
      progress('bare ssh2 client on the stable targets, for the loaded windows');
      const { bare } = await bareStartup(fleet, { label: 'stable', indices: stableSet, timeoutMs: 60_000 });
      try {
        l = await loaded(fleet, bare);
      } catch (err) {
        failures.push(`loaded scenario failed: ${err.message}`);
        progress(err.stack);
      } finally {
        await bare.stop();
      }
    }
    if (failures.length > 0) sections.push(...failures.map((f) => `**${f}**`), '');

    sections.push(`### Start-up, ${N} targets`, '', printStartup([q?.startAgent, q?.startBare, l?.startAgent, l?.startBare]), '');
    if (q) {
      const s = q.steadyAgent;
      const b = q.steadyBare;
      const perProbe = (w) => (w.probes > 0 ? w.cpuMs / w.probes : NaN);
      sections.push(
        `### Steady, ${N} connected targets, quiet host`,
        '',
        table(
          ['process', 'RSS median MiB', 'RSS max MiB', 'peak RSS (VmHWM) MiB', 'CPU ms/s', 'probes/s', 'CPU ms per probe (all work / probes)', 'losses', 'host busy'],
          [
            ['agent (probes + telemetry + exporter)', mib(s.rssMedian), mib(s.rssMax), mib(s.peak), fmt(s.cpuPerSecond), fmt((s.probes / s.elapsed) * 1000), fmt(perProbe(s)), s.lost, `${fmt(s.hostBusy * 100)} %`],
            ['bare ssh2 client, exec probes only (baseline)', mib(b.rssMedian), mib(b.rssMax), mib(b.peak), fmt(b.cpuPerSecond), fmt((b.probes / b.elapsed) * 1000), fmt(perProbe(b)), b.lost, `${fmt(b.hostBusy * 100)} %`],
            ['agent / baseline', ratio(s.rssMedian, b.rssMedian), ratio(s.rssMax, b.rssMax), ratio(s.peak, b.peak), ratio(s.cpuPerSecond, b.cpuPerSecond), '', ratio(perProbe(s), perProbe(b)), '', ''],
          ],
        ),
        '',
        `Agent event-loop delay over the window: p50 ${fmt(s.loop.p50)} ms, p99 ${fmt(s.loop.p99)} ms, max ${fmt(s.loop.max)} ms. ` +
          `process.memoryUsage() at the end: heapUsed ${mib(s.mem.heapUsed)} MiB, heapTotal ${mib(s.mem.heapTotal)} MiB, external ${mib(s.mem.external)} MiB (arrayBuffers ${mib(s.mem.arrayBuffers)} MiB), rss ${mib(s.mem.rss)} MiB. ` +
          `States: ${JSON.stringify(s.states)}. The agent's CPU includes telemetry (every 60 s per target) and the exporter; bench/probe-cost.js isolates the probe.`,
        '',
        `### /metrics at ${N} targets under churn (probes and telemetry updating), one keep-alive connection, gzip`,
        '',
        table(
          ['server', 'samples', 'requests', 'p50 ms', 'p99 ms', 'req/s', 'gzip bytes'],
          [
            ['agent (Prometheus Accept header: OpenMetrics)', q.scrapeAgent.series, q.scrapeAgent.n, fmt(q.scrapeAgent.p50), fmt(q.scrapeAgent.p99), fmt(q.scrapeAgent.perSecond), q.scrapeAgent.bytes],
            ['plain prom-client registry, same series, text format (baseline)', q.scrapeBaseline.series, q.scrapeBaseline.n, fmt(q.scrapeBaseline.p50), fmt(q.scrapeBaseline.p99), fmt(q.scrapeBaseline.perSecond), q.scrapeBaseline.bytes],
            ['agent / baseline', '', '', ratio(q.scrapeAgent.p50, q.scrapeBaseline.p50), ratio(q.scrapeAgent.p99, q.scrapeBaseline.p99), ratio(q.scrapeAgent.perSecond, q.scrapeBaseline.perSecond), ''],
          ],
        ),
        '',
      );
    }
    if (l) {
      const { agent: a, bare: b } = l.losses;
      const S = stableSet.length;
      sections.push(
        `### Loaded host: a CPU hog on each core for ${(D.saturatedMs + D.flappingMs) / 1000} s, Prometheus scraping every 1 s`,
        '',
        `${D.saturatedMs / 1000} s with all targets stable (agent started under load at its beginning), then ${flappingSet.length} simulators (index % 3 == 2) drop their connections every ${D.flapPeriodMs / 1000} s (random phase) for ${D.flappingMs / 1000} s. ` +
          `${S} targets are stable throughout: any loss of one of them is a false loss. Host busy: ${fmt(l.windows.saturated.hostBusy * 100)} % saturated, ${fmt(l.windows.flapping.hostBusy * 100)} % flapping.`,
        '',
        table(
          ['measure', 'agent', 'baseline', 'baseline is'],
          [
            ['stable targets lost during start-up', `${a.atStart.lostTargets} of ${S}`, '', ''],
            ['stable targets connected at the end of the saturated / flapping window', `${a.connectedA} / ${a.connectedB} of ${S}`, `${b.connectedA} / ${b.connectedB} of ${S}`, 'bare ssh2 client'],
            ['stable targets lost, saturated window (losses)', `${a.saturated.lostTargets} of ${S} (${a.saturated.losses})`, `${b.saturated} losses`, 'bare ssh2 client, same probe and deadline, same simulators'],
            ['stable targets lost, whole run (losses)', `${a.end.lostTargets} of ${S} (${a.end.losses})`, `${b.targets} of ${S} (${b.saturated + b.flapping})`, 'bare ssh2 client'],
            ['stable-target losses by reason, whole run', a.end.reasons, '', ''],
            ['stable-target losses as logged (detectedBy reason: message)', [...l.lossLines].map(([k, v]) => `${v}x ${k}`).join('; ') || 'none', '', ''],
            ['deadline extensions logged (probe / connect)', `${l.extensions.probe} / ${l.extensions.connect}`, '', ''],
            ['losses of flapping targets (expected)', `${a.flapping.losses} on ${a.flapping.lostTargets} targets`, '', ''],
            ['Prometheus scrapes failed / total', `${l.scrapes.agent.failed} of ${l.scrapes.agent.scrapes}`, `${l.scrapes.static.failed} of ${l.scrapes.static.scrapes}`, 'static server, same body pre-gzipped, same Prometheus'],
            ['scrape duration p50 / max (ms)', `${fmt(l.scrapes.agent.p50)} / ${fmt(l.scrapes.agent.max)}`, `${fmt(l.scrapes.static.p50)} / ${fmt(l.scrapes.static.max)}`, 'static server'],
            ['agent RSS median / max MiB (saturated)', `${mib(l.windows.saturated.rssMedian)} / ${mib(l.windows.saturated.rssMax)}`, '', ''],
            ['agent RSS median / max / end MiB (flapping)', `${mib(l.windows.flapping.rssMedian)} / ${mib(l.windows.flapping.rssMax)} / ${mib(l.windows.flapping.rssEnd)}`, '', ''],
            ['agent CPU ms/s saturated / flapping', `${fmt(l.windows.saturated.cpuPerSecond)} / ${fmt(l.windows.flapping.cpuPerSecond)}`, '', ''],
            ['agent event-loop delay p99 / max ms (saturated)', `${fmt(l.windows.saturated.loop.p99)} / ${fmt(l.windows.saturated.loop.max)}`, '', ''],
            ['agent event-loop delay p99 / max ms (flapping)', `${fmt(l.windows.flapping.loop.p99)} / ${fmt(l.windows.flapping.loop.max)}`, '', ''],
            ['states at the end', JSON.stringify(l.states), '', ''],
          ],
          'lrrl',
        ),
        '',
      );
    }
  } finally {
    await fleet.stop();
    sections.push(`(fleet-1000 took ${fmt((Date.now() - started) / 1000)} s of real time)`);
    process.stdout.write(sections.join('\n') + '\n');
  }
}

await main();
