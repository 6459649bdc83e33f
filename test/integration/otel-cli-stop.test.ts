import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, simTarget, tempDir, writeClientKey } from '../support/agent-cli.js';
import { SilentCollector } from '../support/otlp-silent-collector.js';

/** The agent's default `shutdownTimeout`; `exportTimeout` keeps its default (10 s) too. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Through the real CLI: an ordinary stop (SIGTERM) while the OTLP collector accepts TCP and never
 * answers must exit 0 within the shutdown deadline, with default settings, so that systemd does not
 * record it as a failure. The failed final flush is logged.
 */
describe('rds-agent run: SIGTERM with a collector that never answers', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sim: RdsSimulator;
  let collector: SilentCollector;
  let key: string;
  const agents: AgentProcess[] = [];

  before(async () => {
    tmp = await tempDir();
    sim = await startRdsSimulator();
    key = await writeClientKey(tmp.dir, 'sim', sim);
    collector = await SilentCollector.start();
  });
  after(async () => {
    for (const a of agents) a.kill();
    await collector.stop();
    await sim.close();
    await tmp.cleanup();
  });

  it(
    'exits 0 within shutdownTimeout with the default exportTimeout; the failed final flush is logged',
    async () => {
      const file = join(tmp.dir, 'otel-silent.yaml');
      await writeFile(
        file,
        `logLevel: info
logFormat: json
targets:
${simTarget('rds-a', sim, key)}exporters:
  prometheus:
    enabled: false
  otel:
    enabled: true
    endpoint: ${collector.urlFor('http/protobuf')}
`,
      );
      const agent = new AgentProcess(['run', '-c', file]);
      agents.push(agent);
      await agent.waitForLog((l) => l.target === 'rds-a' && l.msg === 'connected', { description: 'rds-a connected' });
      agent.signal('SIGTERM');
      const exit = await agent.waitForExit(SHUTDOWN_TIMEOUT_MS + 10_000);
      assert.equal(exit.code, 0, `exit code after ${exit.elapsedMs} ms\n${agent.stdout}`);
      assert.ok(exit.elapsedMs < SHUTDOWN_TIMEOUT_MS, `stopped after ${exit.elapsedMs} ms; the deadline is ${SHUTDOWN_TIMEOUT_MS} ms`);
      assert.ok(collector.accepted >= 1, 'the final flush did reach the collector');
      assert.ok(agent.logs.some((l) => l.msg === 'final OTLP flush failed; the last values were not delivered'), 'the failed final flush is logged');
      assert.ok(agent.logs.some((l) => l.msg === 'agent stopped'));
    },
  );
});
