import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, eventually, FAST_SETTINGS, simTarget, tempDir, waitForStatus, writeClientKey } from '../support/agent-cli.js';

// Reloads that lose nothing: an exporter re-created by a reload starts with every series the old
// one had at the same values, the new one binds before the old one stops, and a reload that cannot
// be applied keeps the old endpoint and says so in rds_agent_config_last_reload_successful.

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const prom = (port: number) => `exporters:\n  prometheus:\n    enabled: true\n    host: 127.0.0.1\n    port: ${port}\n    defaultMetrics: false\n`;

describe('config reload keeps what the operator alerts on', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sim: RdsSimulator;
  let key: string;
  const agents: AgentProcess[] = [];
  let blocker: Server | undefined;

  before(async () => {
    tmp = await tempDir();
    sim = await startRdsSimulator();
    key = await writeClientKey(tmp.dir, 'sim', sim);
  });
  afterEach(() => {
    for (const a of agents.splice(0)) a.kill();
    blocker?.close();
    blocker = undefined;
  });
  after(async () => {
    await sim.close();
    await tmp.cleanup();
  });

  it('an exporter restarted on another port keeps every counter and histogram at its value, and binds before the old one stops', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const file = join(tmp.dir, 'ports.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-1', sim, key)}${prom(p1)}`);
    const agent = new AgentProcess(['run', '-c', file]);
    agents.push(agent);
    await agent.prometheusUrl();
    await waitForStatus(`http://127.0.0.1:${p1}`, (t) => t.get('rds-1') === 'connected');
    // Two losses and recoveries: counters and the reconnect histogram move.
    for (let i = 0; i < 2; i++) {
      const mark = agent.logs.length;
      sim.dropAllConnections();
      await agent.waitForLog((l) => l.target === 'rds-1' && l.msg === 'reconnected', { from: mark, description: 'reconnected' });
    }
    const before = await scrape(p1);
    const series = [
      'rds_reconnect_total{target="rds-1",status="success"}',
      'rds_reconnect_total{target="rds-1",status="failure"}',
      'rds_connect_errors_total{target="rds-1",reason="auth"}',
      'rds_connect_errors_total{target="rds-1",reason="host-key-mismatch"}',
      'rds_disconnects_total{target="rds-1",reason="network"}',
      'rds_reconnect_duration_seconds_count{target="rds-1"}',
      'rds_reconnect_duration_seconds_sum{target="rds-1"}',
    ];
    for (const s of series) assert.notEqual(sample(before, s), undefined, `${s} exists before the reload`);

    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-1', sim, key)}${prom(p2)}`);
    const mark = agent.logs.length;
    agent.signal('SIGHUP');
    const reloaded = await agent.waitForLog((l) => l.msg === 'config reloaded', { from: mark, description: 'config reloaded' });
    assert.deepEqual(reloaded['exportersRestarted'], ['prometheus']);
    const after = await scrape(p2);
    for (const s of series) assert.equal(sample(after, s), sample(before, s), `${s} carries over`);
    assert.equal(sample(after, 'rds_agent_config_last_reload_successful'), 1);
    await assert.rejects(fetch(`http://127.0.0.1:${p1}/metrics`), 'the old endpoint is gone');
    // The new listener was up before the old one closed.
    const listening = agent.logs.slice(mark).findIndex((l) => l.msg === 'prometheus exporter listening');
    assert.ok(listening >= 0);
    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0);
  });

  it('a reload to a port that is taken keeps the old endpoint, logs an error and reports the failed reload', async () => {
    const [p1, taken] = [await freePort(), await freePort()];
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(taken, '127.0.0.1', r));
    const file = join(tmp.dir, 'taken.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-1', sim, key)}${prom(p1)}`);
    const agent = new AgentProcess(['run', '-c', file]);
    agents.push(agent);
    await agent.prometheusUrl();
    await waitForStatus(`http://127.0.0.1:${p1}`, (t) => t.get('rds-1') === 'connected');
    const startedAt = sample(await scrape(p1), 'rds_agent_config_last_reload_success_timestamp_seconds');
    assert.ok(startedAt && startedAt > 1.7e9, 'the start counts as the first successful load');

    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-1', sim, key)}${prom(taken)}`);
    const mark = agent.logs.length;
    agent.signal('SIGHUP');
    const line = await agent.waitForLog((l) => String(l.msg).startsWith('config reloaded with errors'), { from: mark, description: 'reload with errors' });
    assert.equal(line.level, 'error', 'logged as an error, not at info');
    assert.match(String((line['exporterErrors'] as string[])[0]), new RegExp(`exporters\\.prometheus\\.port: 127\\.0\\.0\\.1:${taken} is already in use`));
    const text = await scrape(p1);
    assert.equal(sample(text, 'rds_agent_config_last_reload_successful'), 0, 'the old endpoint still answers and says the reload failed');
    assert.equal(sample(text, 'rds_agent_config_last_reload_success_timestamp_seconds'), startedAt);

    // An invalid config is a failed reload too; a good one sets it back to 1.
    await writeFile(file, `${FAST_SETTINGS}targets: 5\n${prom(p1)}`);
    agent.signal('SIGHUP');
    await eventually(() => agent.logs.some((l) => l.msg === 'config reload rejected: keeping the running configuration'), 5000, 'invalid reload rejected');
    assert.equal(sample(await scrape(p1), 'rds_agent_config_last_reload_successful'), 0);
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-1', sim, key)}${prom(p1)}`);
    const mark2 = agent.logs.length;
    agent.signal('SIGHUP');
    await agent.waitForLog((l) => l.msg === 'config reloaded', { from: mark2, description: 'good reload' });
    const good = await scrape(p1);
    assert.equal(sample(good, 'rds_agent_config_last_reload_successful'), 1);
    assert.ok(sample(good, 'rds_agent_config_last_reload_success_timestamp_seconds')! >= startedAt!);
    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0);
  });
});
