import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess } from '../support/agent-cli.js';

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
});
