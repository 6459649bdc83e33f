/**
 * Real peer: `promtool check metrics` finds nothing to complain about on a live /metrics page with
 * several targets and every metric kind, and the shipped alert rules pass their promtool tests.
 * Every alert has a promtool case that fires it and one that keeps it quiet, and a runbook section
 * its runbook_url points at.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';
import { promtool } from '../support/prometheus-server.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; eval_time: string; exp_alerts: unknown[] }[] }[];
}

async function shippedRules(): Promise<AlertRule[]> {
  const doc = YAML.parse(await readFile(join(REPO, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** GitHub's anchor of a markdown heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string): string => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

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

  it('has a case that fires every alert and one that keeps it quiet', async () => {
    const rules = await shippedRules();
    const doc = YAML.parse(await readFile(join(REPO, 'deploy', 'prometheus', 'alerts.test.yml'), 'utf8')) as RuleTests;
    assert.deepEqual(doc.rule_files, ['alerts.yml']);
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    const names = new Set(rules.map((r) => r.alert));
    assert.equal(names.size, rules.length, 'alert names are unique');
    for (const name of names) {
      assert.ok(cases.some((c) => c.alertname === name && c.exp_alerts.length > 0), `${name}: no case fires it`);
      assert.ok(cases.some((c) => c.alertname === name && c.exp_alerts.length === 0), `${name}: no case shows it quiet`);
    }
    for (const c of cases) assert.ok(names.has(c.alertname), `a case tests ${c.alertname}, which alerts.yml does not define`);
  });

  it('gives every alert a severity, summary, description and a runbook_url into docs/runbooks.md', async () => {
    const rules = await shippedRules();
    const runbooks = await readFile(join(REPO, 'docs', 'runbooks.md'), 'utf8');
    const headings = [...runbooks.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);
    const sections = headings.filter((h) => /^Rds\w+$/.test(h));
    for (const r of rules) {
      assert.match(r.labels?.['severity'] ?? '', /^(critical|warning|info)$/, `${r.alert}: severity`);
      for (const key of ['summary', 'description', 'runbook_url']) assert.ok(r.annotations?.[key], `${r.alert}: no ${key}`);
      assert.equal(r.annotations!['runbook_url'], `docs/runbooks.md#${anchorOf(r.alert)}`, r.alert);
      assert.ok(sections.includes(r.alert), `docs/runbooks.md has no section ${r.alert}`);
    }
    assert.deepEqual([...sections].sort(), rules.map((r) => r.alert).sort(), 'one runbook section per alert, no more');
    // Links inside the runbooks point at headings that exist.
    const anchors = new Set(headings.map(anchorOf));
    for (const [, anchor] of runbooks.matchAll(/\]\(#([^)]+)\)/g)) assert.ok(anchors.has(anchor!), `docs/runbooks.md links to #${anchor}, which is no heading`);
  });

  it('check rules and check config accept the shipped files', () => {
    const dir = join(REPO, 'deploy', 'prometheus');
    const rules = promtool(['check', 'rules', 'alerts.yml'], undefined, dir);
    assert.equal(rules.status, 0, `${rules.stdout}${rules.stderr}`);
    const config = promtool(['check', 'config', 'prometheus.yml'], undefined, dir);
    assert.equal(config.status, 0, `${config.stdout}${config.stderr}`);
  });
});
