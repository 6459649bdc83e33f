/**
 * The agent-side fault matrix: `rds-agent run` as a child process facing an OTLP collector that is
 * down or hung (at start, while running, at stop), plugins that throw (in register, in connect, in
 * hooks, at close) and a device that answers garbage. For each it checks that the process survives
 * (or, for a plugin that cannot register, refuses to start with a clear coded message), what
 * `/status` and `/metrics` show, and the recovery once the fault is removed.
 *
 * The peers are the RDS simulator (in this process) and local OTLP collectors; no root needed.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { PLUGIN_API_VERSION } from '@rds-agent/core';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { runCli, simTarget, tempDir, writeClientKey } from '../support/agent-cli.js';
import {
  FAULT_SETTINGS,
  PROMETHEUS_ON_ANY_PORT,
  assertSurvivesAndStops,
  nonZero,
  scrape,
  parseExposition,
  seriesBy,
  seriesValue,
  startAgent,
  targetStatus,
  waitForMetrics,
  waitForTarget,
  type RunningAgent,
} from '../support/fault-agent.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { SilentCollector } from '../support/otlp-silent-collector.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sim: RdsSimulator;
let key: string;
const agents: RunningAgent[] = [];

before(async () => {
  tmp = await tempDir('rds-fault-matrix-agent-');
  sim = await startRdsSimulator();
  key = await writeClientKey(tmp.dir, 'sim', sim);
});
afterEach(() => {
  for (const a of agents.splice(0)) a.process.kill();
  sim.device.clearAllFaults();
});
after(async () => {
  await sim.close();
  await tmp.cleanup();
});

async function agent(name: string, config: string): Promise<RunningAgent> {
  const a = await startAgent(tmp.dir, name, config);
  agents.push(a);
  return a;
}

const otelErrors = (text: string): number => seriesValue(text, 'rds_exporter_errors_total', { exporter: 'otel' }) ?? 0;

/** `exporters.otel` exporting every 300 ms with a 250 ms deadline, to `endpoint`. */
const otel = (endpoint: string): string => `  otel:
    enabled: true
    endpoint: ${endpoint}
    exportInterval: 300ms
    exportTimeout: 250ms
`;

describe('OTLP collector down or hung', () => {
  it('down at start, back, down again at stop: monitoring and /metrics carry on, failures are counted, exports resume, the stop is clean', async () => {
    const receiver = await OtlpReceiver.start();
    await receiver.stop(); // its port is now closed: connection refused
    try {
      const a = await agent('otel-down', `${FAULT_SETTINGS}targets:\n${simTarget('rds', sim, key)}${PROMETHEUS_ON_ANY_PORT}${otel(receiver.httpUrl)}`);
      await waitForTarget(a.url, 'rds', (s) => s.state === 'connected', { description: 'rds connected while the collector is down' });
      await waitForMetrics(a.url, (t) => otelErrors(t) >= 2, { description: 'failed exports counted' });

      await receiver.restart();
      const got = await receiver.waitFor((e) => JSON.stringify(e.request).includes('rds.connection.state'), 10_000);
      assert.ok(got, 'exports resume once the collector is back');
      const errorsWhileUp = otelErrors(await scrape(a.url));

      await receiver.stop();
      await waitForMetrics(a.url, (t) => otelErrors(t) > errorsWhileUp, { description: 'failures counted again' });
      assert.equal((await targetStatus(a.url, 'rds'))?.state, 'connected', 'the target was never affected');
      await assertSurvivesAndStops(a.process);
      assert.ok(a.process.logs.some((l) => l.msg === 'final OTLP flush failed; the last values were not delivered'), 'the lost final flush is logged');
    } finally {
      await receiver.stop();
    }
  });

  it('hung (accepts TCP, never answers) from start to stop: exports time out and are counted, /metrics answers, SIGTERM exits 0 in time', async () => {
    const collector = await SilentCollector.start();
    try {
      const a = await agent('otel-hung', `${FAULT_SETTINGS}targets:\n${simTarget('rds', sim, key)}${PROMETHEUS_ON_ANY_PORT}${otel(collector.urlFor('http/protobuf'))}`);
      await waitForTarget(a.url, 'rds', (s) => s.state === 'connected', { description: 'rds connected while the collector hangs' });
      await waitForMetrics(a.url, (t) => otelErrors(t) >= 3, { description: 'timed-out exports counted' });
      assert.ok(collector.accepted >= 1, 'the exporter did reach the collector');
      await assertSurvivesAndStops(a.process, 10_000);
    } finally {
      await collector.stop();
    }
  });
});

// A plugin whose register() throws.
const THROWS_IN_REGISTER = `
export default {
  name: 'throws-in-register',
  apiVersion: '^${PLUGIN_API_VERSION}',
  register() { throw new Error('register exploded'); },
};
`;

// A transport whose connect() throws (synchronously) or rejects with a plain Error while a switch
// file exists; reconnect hooks that throw and reject; a close hook that throws.
const FAULTY_PLUGIN = `
import { existsSync } from 'node:fs';
export default {
  name: 'faulty-hooks',
  apiVersion: '^${PLUGIN_API_VERSION}',
  register(host) {
    host.addTransport('faulty', {
      schema: {
        failFile: { doc: 'connect fails while this file exists', format: String, default: '' },
        how: { doc: 'how connect fails', format: ['throw', 'reject'], default: 'throw' },
      },
      create(config) {
        const lost = new Set();
        return {
          connect() {
            if (config.failFile && existsSync(config.failFile)) {
              if (config.how === 'throw') throw new TypeError('connect blew up synchronously');
              return Promise.reject(new Error('connect rejected with a plain Error'));
            }
            return Promise.resolve();
          },
          async probe() { return { latencyMs: 1, mode: 'faulty' }; },
          async close() {},
          onLost(listener) { lost.add(listener); return () => lost.delete(listener); },
        };
      },
    });
    host.addReconnectHook('throws', () => { throw new Error('hook threw'); });
    host.addReconnectHook('rejects', async () => { throw new Error('hook rejected'); });
    host.onClose(() => { throw new Error('close hook threw'); });
  },
};
`;

describe('plugins that throw', () => {
  before(async () => {
    await writeFile(join(tmp.dir, 'throws-in-register.mjs'), THROWS_IN_REGISTER);
    await writeFile(join(tmp.dir, 'faulty-hooks.mjs'), FAULTY_PLUGIN);
  });

  it('in register: run refuses to start (exit 2) with RDS_AGENT_ERR_PLUGIN_REGISTER naming the plugin, no stack, nothing contacted', async () => {
    const file = join(tmp.dir, 'register.yaml');
    await writeFile(file, `${FAULT_SETTINGS}plugins: ["./throws-in-register.mjs"]\ntargets:\n${simTarget('rds', sim, key)}${PROMETHEUS_ON_ANY_PORT}`);
    const before = sim.totalConnections;
    const r = await runCli(['run', '-c', file], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /RDS_AGENT_ERR_PLUGIN_REGISTER/);
    assert.match(r.stderr, /throws-in-register/);
    assert.match(r.stderr, /register exploded/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(sim.totalConnections, before, 'no target was contacted');
  });

  for (const how of ['throw', 'reject'] as const) {
    it(`in connect (${how === 'throw' ? 'a synchronous throw' : 'a plain rejection'}): counted as unknown, retried, the process survives; recovery when it stops`, async () => {
      const failFile = join(tmp.dir, `fail-${how}`);
      writeFileSync(failFile, '');
      const a = await agent(
        `connect-${how}`,
        `${FAULT_SETTINGS}plugins: ["./faulty-hooks.mjs"]\ntargets:\n  - name: buggy\n    transport: faulty\n    options: { failFile: ${JSON.stringify(failFile)}, how: ${how} }\n${PROMETHEUS_ON_ANY_PORT}`,
      );
      const text = await waitForMetrics(a.url, (t) => (seriesValue(t, 'rds_connect_errors_total', { target: 'buggy', reason: 'unknown' }) ?? 0) >= 2, {
        description: 'failed connects counted',
      });
      assert.deepEqual(Object.keys(nonZero(seriesBy(text, 'rds_connect_errors_total', 'reason', { target: 'buggy' }))), ['unknown']);
      const status = (await targetStatus(a.url, 'buggy'))!;
      assert.notEqual(status.state, 'connected');
      assert.equal(status.lastError?.code, 'RDS_AGENT_ERR_UNKNOWN');
      assert.match(status.lastError!.message, how === 'throw' ? /connect blew up synchronously/ : /connect rejected with a plain Error/);

      rmSync(failFile);
      await waitForTarget(a.url, 'buggy', (s) => s.state === 'connected', { description: 'recovery' });
      await assertSurvivesAndStops(a.process);
      assert.ok(a.process.logs.some((l) => l.msg === 'plugin close hook failed' && /close hook threw/.test(String(l['err']))), 'the throwing close hook is logged');
    });
  }

  it('in reconnect hooks (a throw and a rejection): each counted in rds_reconnect_hook_errors_total, the target stays connected', async () => {
    const a = await agent('hooks', `${FAULT_SETTINGS}plugins: ["./faulty-hooks.mjs"]\ntargets:\n${simTarget('rds', sim, key)}${PROMETHEUS_ON_ANY_PORT}`);
    await waitForMetrics(a.url, (t) => seriesValue(t, 'rds_reconnect_hook_errors_total', { target: 'rds' }) === 2, { description: 'both hook failures counted' });
    // A reconnect runs both hooks again.
    sim.dropAllConnections();
    const text = await waitForMetrics(a.url, (t) => seriesValue(t, 'rds_reconnect_hook_errors_total', { target: 'rds' }) === 4, { description: 'the hooks failing again after a reconnect' });
    assert.equal(seriesValue(text, 'rds_reconnect_total', { target: 'rds', status: 'success' }), 2);
    await waitForTarget(a.url, 'rds', (s) => s.state === 'connected', { description: 'still connected' });
    await assertSurvivesAndStops(a.process);
  });
});

// The two inputs the garbage reaches, every second (their defaults are a minute).
const FAST_SYSTEM_AND_TRAFFIC = `      telemetryDisks: [nvme1]
      inputs:
        system: { interval: 1s, timeout: 1s }
        traffic: { interval: 1s, timeout: 1s }
`;

describe('the device answers garbage', () => {
  for (const kind of ['random', 'huge'] as const) {
    it(`${kind} answers to every telemetry command: counted telemetry errors, the connection stays up, /metrics answers; readings return once it answers properly`, async () => {
      const settings = FAULT_SETTINGS.replace('telemetryInterval: 0', 'telemetryInterval: 1s\n  telemetryTimeout: 1s');
      const a = await agent(`garbage-${kind}`, `${settings}targets:\n${simTarget('rds', sim, key, FAST_SYSTEM_AND_TRAFFIC)}${PROMETHEUS_ON_ANY_PORT}`);
      await waitForMetrics(a.url, (t) => seriesValue(t, 'rds_system_uptime_seconds', { target: 'rds' }) !== undefined, { description: 'a first good collection' });
      const connects = seriesValue(await scrape(a.url), 'rds_reconnect_total', { target: 'rds', status: 'success' });

      // `huge` one byte past the transport's 2 MiB output cap; `random` 64 KiB of noise.
      const fault = sim.device.garbage(/(^|\[)\/(system resource print|disk monitor-traffic)/, kind, kind === 'huge' ? { bytes: 2 * 1024 * 1024 + 1 } : {});
      // Both inputs the garbage reaches fail; nothing else does.
      const failures = (t: string, input: string): number => Object.values(seriesBy(t, 'rds_telemetry_errors_total', 'reason', { target: 'rds', input })).reduce((a, b) => a + b, 0);
      const text = await waitForMetrics(a.url, (t) => failures(t, 'system') >= 2 && failures(t, 'traffic') >= 2, {
        timeoutMs: 20_000,
        description: 'failed collections of system and traffic counted',
      });
      const failed = parseExposition(text).filter((s) => s.name === 'rds_telemetry_errors_total' && s.value > 0);
      assert.deepEqual([...new Set(failed.map((s) => s.labels['reason']))], ['command'], 'garbage is a failed command, not a timeout');
      assert.deepEqual([...new Set(failed.map((s) => s.labels['input']))].sort(), ['system', 'traffic'], 'only the inputs that read garbage fail');
      assert.equal(seriesValue(text, 'rds_connection_state', { target: 'rds' }), 1, 'garbage is not a lost connection');
      assert.equal(seriesValue(text, 'rds_reconnect_total', { target: 'rds', status: 'success' }), connects, 'no reconnect');
      assert.deepEqual(nonZero(seriesBy(text, 'rds_disconnects_total', 'reason', { target: 'rds' })), {});

      sim.device.clearFault(fault);
      const errors = failures(await scrape(a.url), 'system') + failures(await scrape(a.url), 'traffic');
      const uptime = (t: string): number | undefined => seriesValue(t, 'rds_system_uptime_seconds', { target: 'rds' });
      const before = uptime(await scrape(a.url));
      await waitForMetrics(a.url, (t) => uptime(t) !== undefined && uptime(t) !== before, { description: 'a fresh good collection' });
      const after = await scrape(a.url);
      // One run of each may have been in flight when the fault cleared.
      assert.ok(failures(after, 'system') + failures(after, 'traffic') <= errors + 2, 'no more failures once the device answers properly');
      await assertSurvivesAndStops(a.process);
    });
  }
});
