// Fleet simulation: N agents watch the same RDS (or N RDS behind one switch) and all lose their
// connection at the same instant. How many connection attempts hit the network in the first
// 100 ms after the outage, and how soon is everyone back? Compared, in the same run, with
//   (a) event-driven detection and no first-attempt jitter (the baseline: everyone at once),
//   (b) the reference driver's model: a 5 s poll, so detection is spread over the poll phase,
//   (c) event-driven detection with firstAttemptJitter 1 s (the default).
// Driven by the FakeClock (simulated time, exact), real ConnectionMonitors and FakeTransports.
//
//   npm run build && node bench/fleet-reconnect.js [--agents 10000]
import 'reflect-metadata';
import { cpus, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { createConnectionMonitor, ExponentialBackoff } from '@rds-agent/core/host';
import { FakeClock, FakeTransport } from '@rds-agent/core/testing';

const { values } = parseArgs({ options: { agents: { type: 'string', default: '10000' } } });
const AGENTS = Number(values.agents);
const WINDOW_MS = 100;
const OUTAGE_AT = 60_000;

/** A deterministic uniform generator (mulberry32) so runs are repeatable. */
function seeded(seed) {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

async function scenario(name, { firstAttemptJitterMs, detection }) {
  const clock = new FakeClock(0);
  const random = seeded(42);
  const attempts = [];
  const recoveredAt = [];
  const monitors = [];
  const transports = [];
  const sink = {
    emit(event) {
      if (event.type === 'attempt' && event.at >= OUTAGE_AT) attempts.push(event.at - OUTAGE_AT);
      if (event.type === 'recovered' && event.at >= OUTAGE_AT) recoveredAt.push(event.at - OUTAGE_AT);
    },
  };
  for (let i = 0; i < AGENTS; i++) {
    const transport = new FakeTransport();
    transports.push(transport);
    const monitor = createConnectionMonitor({
      target: `rds-${i}`,
      transport,
      backoff: new ExponentialBackoff({}, { clock, random }),
      clock,
      random,
      events: sink,
      // Event-driven agents probe every 5 s too; only the reference relies on the poll alone.
      options: { probeIntervalMs: 5000, probeTimeoutMs: 3000, firstAttemptJitterMs },
    });
    monitors.push(monitor);
  }
  // Spread the agents' start over one probe period so their poll phases differ, as in a real fleet.
  const step = 5000 / AGENTS;
  for (const m of monitors) {
    m.start();
    await clock.tickAsync(step);
  }
  await clock.tickToAsync(OUTAGE_AT - 1000);
  await clock.tickToAsync(OUTAGE_AT);
  // The RDS goes away for 2 s: new connections are refused until then.
  for (const t of transports) t.failAllConnects();
  if (detection === 'event') for (const t of transports) t.reportLoss();
  else for (const t of transports) t.setConnected(false); // silent: only the next probe notices
  await clock.tickAsync(2000);
  for (const t of transports) t.clearFailures();
  await clock.tickAsync(60_000);
  await Promise.all(monitors.map((m) => m.stop()));
  const inWindow = attempts.filter((t) => t < WINDOW_MS).length;
  attempts.sort((a, b) => a - b);
  let peak = 0;
  for (let lo = 0, hi = 0; hi < attempts.length; hi++) {
    while (attempts[hi] - attempts[lo] >= WINDOW_MS) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  recoveredAt.sort((a, b) => a - b);
  const p50 = recoveredAt[Math.floor(recoveredAt.length / 2)];
  const all = recoveredAt[recoveredAt.length - 1];
  return { name, inWindow, peak, total: attempts.length, recovered: recoveredAt.length, p50, all };
}

// Reference model: start times spread uniformly over the 5 s poll period, no event-driven loss.
async function referenceScenario() {
  return scenario('reference model: 5 s poll, no first-attempt jitter', { firstAttemptJitterMs: 0, detection: 'poll' });
}

const cpu = cpus();
console.log('## Fleet reconnect simulation\n');
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}`);
console.log(`- ${AGENTS} agents, shared outage at t0 lasting 2 s, exponential backoff (defaults), simulated time (FakeClock)\n`);
const started = performance.now();
const baseline = await scenario('event-driven, firstAttemptJitter 0 (baseline)', { firstAttemptJitterMs: 0, detection: 'event' });
const reference = await referenceScenario();
const jittered = await scenario('event-driven, firstAttemptJitter 1 s (default)', { firstAttemptJitterMs: 1000, detection: 'event' });
console.log(`| scenario | attempts in first ${WINDOW_MS} ms | busiest ${WINDOW_MS} ms | busiest vs baseline | attempts in total | all recovered | median recovery ms | last recovery ms |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of [baseline, reference, jittered]) {
  console.log(`| ${r.name} | ${r.inWindow} | ${r.peak} | ${(r.peak / baseline.peak).toFixed(3)} | ${r.total} | ${r.recovered === AGENTS ? 'yes' : `${r.recovered}/${AGENTS}`} | ${r.p50} | ${r.all} |`);
}
console.log(`\n(simulation took ${((performance.now() - started) / 1000).toFixed(1)} s of real time)`);
