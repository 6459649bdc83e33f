import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, eventually, FAST_SETTINGS, runCli, simTarget, tempDir, waitForStatus, writeClientKey, type LogLine } from '../support/agent-cli.js';

const PROM = `exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
`;

const connected = (target: string) => (l: LogLine) => l.target === target && (l.msg === 'connected' || l.msg === 'reconnected');

describe('rds-agent run (child process against RDS simulators)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const sims: RdsSimulator[] = [];
  const keys: string[] = [];
  const agents: AgentProcess[] = [];

  before(async () => {
    tmp = await tempDir();
    for (let i = 0; i < 4; i++) {
      const sim = await startRdsSimulator();
      sims.push(sim);
      keys.push(await writeClientKey(tmp.dir, `sim${i}`, sim));
    }
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) a.kill();
    for (const s of sims) {
      await s.refuseConnections(false);
      s.dropAllConnections();
    }
  });
  after(async () => {
    for (const s of sims) await s.close();
    await tmp.cleanup();
  });

  function start(file: string): AgentProcess {
    const agent = new AgentProcess(['run', '-c', file]);
    agents.push(agent);
    return agent;
  }

  it('runs, serves /status (read by `rds-agent status`), and on SIGTERM closes every session and exits 0', async () => {
    const [a] = sims as [RdsSimulator];
    const file = join(tmp.dir, 'run.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-a', a, keys[0]!)}${PROM}`);
    const agent = start(file);
    const url = await agent.prometheusUrl();
    await agent.waitForLog(connected('rds-a'), { description: 'rds-a connected' });
    assert.equal(a.openConnections, 1);

    const status = await runCli(['status', '--url', url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^rds-a\s+rds-ssh\s+connected\s/m);
    const json = await runCli(['status', '--url', url, '--json']);
    assert.equal((JSON.parse(json.stdout) as { targets: { target: string; state: string }[] }).targets[0]!.state, 'connected');

    // --watch refreshes (plain snapshots when not a terminal) until interrupted, then exits 0.
    const watch = new AgentProcess(['status', '--url', url, '--watch', '--interval', '200ms']);
    try {
      await watch.waitForLog(() => (watch.stdout.match(/^rds-a\s+rds-ssh\s+connected\s/gm) ?? []).length >= 2, { description: 'two status snapshots' });
      watch.signal('SIGINT');
      assert.equal((await watch.waitForExit()).code, 0);
    } finally {
      watch.kill();
    }

    agent.signal('SIGTERM');
    const exit = await agent.waitForExit();
    assert.equal(exit.code, 0, agent.stderr);
    assert.ok(agent.logs.some((l) => l.msg === 'agent stopped'), 'graceful stop logged');
    await eventually(() => a.openConnections === 0, 5000, 'the simulator sees the session closed');

    const gone = await runCli(['status', '--url', url, '--timeout', '2s']);
    assert.equal(gone.code, 1, 'status of a stopped agent is a runtime failure');
    assert.match(gone.stderr, /cannot reach the agent/);
  });

  it('SIGHUP applies a changed config per target: unchanged keeps its session, changed restarts, removed stops, added starts', async () => {
    const [keep, change, remove, add] = sims as [RdsSimulator, RdsSimulator, RdsSimulator, RdsSimulator];
    const file = join(tmp.dir, 'reload.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('keep', keep, keys[0]!)}${simTarget('change', change, keys[1]!)}${simTarget('remove', remove, keys[2]!)}${PROM}`);
    const before = sims.map((s) => s.totalConnections);
    const agent = start(file);
    const url = await agent.prometheusUrl();
    await waitForStatus(url, (t) => ['keep', 'change', 'remove'].every((n) => t.get(n) === 'connected'), { description: 'three targets connected' });

    await writeFile(
      file,
      `${FAST_SETTINGS}targets:\n${simTarget('keep', keep, keys[0]!)}${simTarget('change', change, keys[1]!, '    monitor:\n      probeInterval: 400ms\n')}${simTarget('add', add, keys[3]!)}${PROM}`,
    );
    const mark = agent.logs.length;
    agent.signal('SIGHUP');
    const reloaded = await agent.waitForLog((l) => l.msg === 'config reloaded', { from: mark, description: 'config reloaded' });
    assert.deepEqual(reloaded['added'], ['add']);
    assert.deepEqual(reloaded['removed'], ['remove']);
    assert.deepEqual(reloaded['changed'], ['change']);
    assert.deepEqual(reloaded['unchanged'], ['keep']);

    const states = await waitForStatus(url, (t) => t.get('add') === 'connected' && t.get('change') === 'connected' && !t.has('remove'), { description: 'reload applied' });
    assert.equal(states.get('keep'), 'connected');
    await eventually(() => remove.openConnections === 0, 5000, 'removed target disconnected');
    assert.equal(keep.totalConnections - before[0]!, 1, 'the unchanged target kept its one session');
    assert.equal(change.totalConnections - before[1]!, 2, 'the changed target reconnected once');
    assert.equal(add.openConnections, 1);

    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0);
  });

  it('SIGHUP with an invalid config logs every issue and keeps running with the old config', async () => {
    const [a] = sims as [RdsSimulator];
    const file = join(tmp.dir, 'reload-bad.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-a', a, keys[0]!)}${PROM}`);
    const agent = start(file);
    const url = await agent.prometheusUrl();
    await agent.waitForLog(connected('rds-a'));
    const sessions = a.totalConnections;

    await writeFile(file, `${FAST_SETTINGS}targets:\n  - name: rds-a\n    transport: rds-ssh\n    options:\n      port: 99999\n${PROM}`);
    const mark = agent.logs.length;
    agent.signal('SIGHUP');
    await agent.waitForLog((l) => l.msg === 'config reload rejected: keeping the running configuration', { from: mark, description: 'reload rejected' });
    assert.ok(
      agent.logs.slice(mark).some((l) => l.level === 'error' && String(l.msg).includes('targets[0].options.port')),
      'the issue is logged with its key',
    );
    assert.ok(agent.running);
    const states = await waitForStatus(url, (t) => t.get('rds-a') === 'connected');
    assert.equal(states.size, 1);
    assert.equal(a.totalConnections, sessions, 'the running session was not touched');

    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0);
  });

  it('SIGTERM while the target is down and the monitor waits in backoff exits 0 (the wait is aborted)', async () => {
    const [a] = sims as [RdsSimulator];
    await a.refuseConnections(true);
    const file = join(tmp.dir, 'down.yaml');
    // A 30 s backoff: exiting with 0 (graceful, within the 5 s shutdownTimeout) proves the stop cut it short.
    await writeFile(
      file,
      `${FAST_SETTINGS.replace('initialInterval: 100ms', 'initialInterval: 30s').replace('maxInterval: 500ms', 'maxInterval: 30s')}targets:\n${simTarget('rds-a', a, keys[0]!)}${PROM}`,
    );
    const agent = start(file);
    await agent.waitForLog((l) => l.target === 'rds-a' && String(l.msg).startsWith('connection attempt 1 failed (refused)') && l['delayMs'] === 30_000, { description: 'first failed attempt' });
    agent.signal('SIGTERM');
    const exit = await agent.waitForExit(20_000);
    assert.equal(exit.code, 0, `graceful stop within shutdownTimeout\n${agent.stdout}`);
    assert.ok(!agent.logs.some((l) => String(l.msg).startsWith('shutdown deadline passed')));
  });

  it('an exporter that cannot bind its port: exit 1, the message names the key, no target is contacted', async () => {
    const [a] = sims as [RdsSimulator];
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const file = join(tmp.dir, 'busy.yaml');
      await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-a', a, keys[0]!)}${PROM.replace('port: 0', `port: ${port}`)}`);
      const before = a.totalConnections;
      const r = await runCli(['run', '-c', file], { timeoutMs: 15_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /exporters\.prometheus/);
      assert.match(r.stderr, /EADDRINUSE|in use/i);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(a.totalConnections, before, 'nothing was started');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('an invalid config: exit 2, every issue on stderr, nothing started', async () => {
    const [a] = sims as [RdsSimulator];
    const file = join(tmp.dir, 'invalid.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('rds-a', a, keys[0]!, '    monitor:\n      probeTimeout: never\n')}${PROM}exporters2: {}\n`);
    const before = a.totalConnections;
    const r = await runCli(['run', '-c', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ {2}targets\[0\]\.monitor\.probeTimeout: /m);
    assert.match(r.stderr, /^ {2}exporters2: /m);
    assert.equal(a.totalConnections, before);
  });
});
