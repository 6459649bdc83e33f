/**
 * Real peer: `promtool check metrics` finds nothing to complain about on a live /metrics page with
 * several targets and every metric kind, and the shipped alert rules pass their promtool tests.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';
import { promtool } from '../support/prometheus-server.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('promtool', { timeout: 60_000 }, () => {
  let fx: ExporterFixture;
  before(async () => {
    fx = await startExporter();
    const t = fx.target;
    for (const name of ['rds-1', 'rds-2', 'rds-3', 'rds-"quoted"\\name']) t.connect(name);
    t.probe('rds-1', 2.1);
    t.probe('rds-2', 40);
    t.lose('rds-2', 'timeout');
    t.failAttempt('rds-2', 'refused');
    t.lose('rds-3');
    t.failAttempt('rds-3', 'auth', 16_000);
    t.hookFailed('rds-1');
  });
  after(() => fx?.stop());

  it('check metrics reports nothing for the live classic text page', async () => {
    const res = await fetch(`${fx.url}/metrics`);
    const text = await res.text();
    for (const kind of ['counter', 'gauge', 'histogram']) assert.match(text, new RegExp(`^# TYPE rds_\\w+ ${kind}$`, 'm'));
    assert.match(text, /^rds_probe_duration_seconds_bucket\{le="0.0025",target="rds-1"\} 1$/m);
    const result = promtool(['check', 'metrics'], text);
    assert.equal(result.error, undefined);
    assert.equal(result.stderr.trim(), '', result.stderr);
    assert.equal(result.status, 0, `promtool exit ${result.status}: ${result.stdout}${result.stderr}`);
  });

  it('test rules passes for deploy/prometheus/alerts.test.yml', () => {
    const result = promtool(['test', 'rules', 'alerts.test.yml'], undefined, join(REPO, 'deploy', 'prometheus'));
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /SUCCESS/);
  });

  it('check rules and check config accept the shipped files', () => {
    const dir = join(REPO, 'deploy', 'prometheus');
    const rules = promtool(['check', 'rules', 'alerts.yml'], undefined, dir);
    assert.equal(rules.status, 0, `${rules.stdout}${rules.stderr}`);
    const config = promtool(['check', 'config', 'prometheus.yml'], undefined, dir);
    assert.equal(config.status, 0, `${config.stdout}${config.stderr}`);
  });
});
