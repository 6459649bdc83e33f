import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, FAST_SETTINGS, REPO_ROOT, simTarget, tempDir, writeClientKey } from '../support/agent-cli.js';
import { parseExposition, scrape } from '../support/fault-agent.js';
import { attributesOf, OtlpReceiver, resourcesOf, valueOf } from '../support/otlp-receiver.js';

/** The version npm installed, read from the package's own manifest (not through the agent's lookup). */
const installed = (name: string): string => (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const AGENT_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'agent', 'package.json'), 'utf8')) as { version: string }).version;
const REVISION = '0123456789abcdef0123456789abcdef01234567+changes';

describe('rds-agent run: rds_agent_build_info and rds_agent_start_time_seconds, on /metrics and over OTLP', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sim: RdsSimulator;
  let receiver: OtlpReceiver;
  let agent: AgentProcess | undefined;

  before(async () => {
    tmp = await tempDir();
    sim = await startRdsSimulator();
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    agent?.kill();
    await receiver.stop();
    await sim.close();
    await tmp.cleanup();
  });

  it('reports the version, the revision it was given, its Node.js and the libraries its plugins loaded; the start time it started at', async () => {
    const key = await writeClientKey(tmp.dir, 'rds-a', sim);
    const file = join(tmp.dir, 'build-info.yaml');
    await writeFile(
      file,
      `${FAST_SETTINGS}targets:\n${simTarget('rds-a', sim, key)}exporters:\n  prometheus:\n    port: 0\n  otel:\n    enabled: true\n    endpoint: ${receiver.httpUrl}\n    exportInterval: 500ms\n    exportTimeout: 400ms\n`,
    );
    const startedBefore = Math.floor(Date.now() / 1000);
    agent = new AgentProcess(['run', '-c', file], { RDS_AGENT_BUILD_COMMIT: REVISION });
    const url = await agent.prometheusUrl();
    const startedBy = Date.now() / 1000;
    const expected = {
      version: AGENT_VERSION,
      revision: REVISION,
      nodejs_version: process.versions.node,
      ssh2_version: installed('ssh2'),
      prom_client_version: installed('prom-client'),
      opentelemetry_sdk_metrics_version: installed('@opentelemetry/sdk-metrics'),
    };

    const samples = parseExposition(await scrape(url));
    assert.deepEqual(samples.filter((s) => s.name === 'rds_agent_build_info'), [{ name: 'rds_agent_build_info', labels: expected, value: 1 }]);
    const start = samples.filter((s) => s.name === 'rds_agent_start_time_seconds');
    assert.equal(start.length, 1);
    assert.deepEqual(start[0]!.labels, {});
    assert.ok(start[0]!.value >= startedBefore && start[0]!.value <= startedBy, `start time ${start[0]!.value} within [${startedBefore}, ${startedBy}]`);

    // The same facts on the agent's resource (the one without a target), decoded from the wire.
    const got = await receiver.waitFor((e) => resourcesOf(e).some((r) => r.metrics.has('rds.agent.start_time')), 10_000);
    const own = resourcesOf(got).find((r) => r.metrics.has('rds.agent.build_info'));
    assert.ok(own, 'an agent resource with rds.agent.build_info');
    assert.equal(own.attributes['service.version'], AGENT_VERSION);
    const info = own.metrics.get('rds.agent.build_info')!.gauge?.dataPoints ?? [];
    assert.deepEqual(info.map((p) => [attributesOf(p.attributes), valueOf(p)]), [[expected, 1]]);
    const otlpStart = own.metrics.get('rds.agent.start_time')!;
    assert.equal(otlpStart.unit, 's');
    assert.deepEqual(otlpStart.gauge?.dataPoints?.map((p) => valueOf(p)), [start[0]!.value], 'the value Prometheus shows');

    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit(15_000)).code, 0);
  });
});
