import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AgentProcess, REPO_ROOT, childEnv, runCli } from '../support/agent-cli.js';

describe('rds-agent demo', () => {
  it('starts the simulators and the agent, prints where to look and a status line per second, stops cleanly on SIGINT', async () => {
    const demo = new AgentProcess(['demo', '--port', '0']);
    try {
      // Non-TTY output: one plain line per second, e.g. "10:08:25 rds-a=connected 4.2ms  rds-b=connected 3.9ms  otlp=0".
      await demo.waitForLog((l) => /rds-a=connected .*rds-b=connected/.test(String(l.msg)), { timeoutMs: 15_000, description: 'both simulated targets connected' });
      assert.match(demo.stdout, /metrics: +http:\/\/127\.0\.0\.1:\d+\/metrics/);
      assert.match(demo.stdout, /status JSON: +http:\/\/127\.0\.0\.1:\d+\/status/);
      const url = /metrics: +(http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(demo.stdout)![1]!;
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /rds_connection_state\{[^}]*target="rds-b"[^}]*\} 1/);
      demo.signal('SIGINT');
      const exit = await demo.waitForExit();
      assert.equal(exit.code, 0, demo.stderr);
      assert.match(demo.stdout, /demo stopped; the OTLP receiver got [1-9]\d* exports/, 'the final flush reached the local OTLP receiver');
    } finally {
      demo.kill();
    }
  });

  it('--port N with N taken fails with exit 1 naming the port, before starting anything', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['demo', '--port', String(port), '--duration', '5s'], { timeoutMs: 20_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^rds-agent: error: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use`, 'm'));
      assert.match(r.stderr, /--port 0/, 'says how to get a free port');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stdout, /metrics:/, 'no demo was started on another port');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('`npm run demo` says it is compiling before the build starts', () => {
    const script = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['demo']!;
    const steps = script.split(' && ');
    assert.match(steps[0]!, /^node -e .*compiling.*minute/, 'the notice is the first step');
    assert.ok(steps.findIndex((s) => /npm run build/.test(s)) > 0, 'the build comes after it');
    // Run it for real (the workspace is built, so the build step takes about a second).
    const npm = process.env['npm_execpath'];
    const r = spawnSync(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'run', '--silent', 'demo', '--', '--duration', '1s', '--port', '0'], {
      cwd: REPO_ROOT,
      env: childEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^rds-agent demo: compiling the workspace first \(tsc -b\): up to a minute on a first run/);
    assert.ok(lines.findIndex((l) => /^rds-agent demo: 2 simulated RDS devices/.test(l)) > 0, r.stdout);
  });
});
